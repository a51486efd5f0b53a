"""三公, 机关运行经费, 政府采购, 国有资产 and 绩效 counts (sections 七 onwards)."""

from __future__ import annotations

import re
from collections.abc import Callable

from ingest.narrative.text import _amt, _before, _Collector, _Doc, _num, _share, _to_wan

_SANGONG_TAIL = (
    r"(?:支出)?(?:年初)?"
    rf"(?:预算(?:数)?为?{_amt('b')}[，,]?)?"
    rf"(?:支出)?(?:决算(?:数)?)?(?:为|是)?{_amt('a')}"
)
# one pattern per leading literal keeps the scans fast
_RE_SANGONG = tuple(
    re.compile(f"(?P<item>{head}){_SANGONG_TAIL}")
    for head in (
        r"公务(?:用车购置及运行(?:维护)?费?|用车购置(?!及)费?|用车运行(?:维护)?费?|接待费?)",
        r"因公出国[（(]境[）)](?:费用?|经费)",
        r"三公[”\"’']?经费(?:财政拨款)?",
    )
)
_RE_SANGONG_NONE = re.compile(r"(?:无|没有)(?:财政拨款)?[“\"‘']?三公[”\"’']?经费")
_RE_OPERATING = re.compile(rf"机关运行经费(?:支出)?(?:决算)?(?:数)?(?:合计|共计)?(?:为|是)?{_amt('v')}")
_RE_OPERATING_NONE = re.compile(r"(?:无|没有)机关运行经费")
_RE_PROC_TOTAL = re.compile(
    r"政府采购(?:支出|合同)?(?:总额|总金额|金额|合计)?(?:[（(][^）)]{0,15}[）)])?(?:为|共计|是)?" + _amt("v")
)
_RE_PROC_KIND = re.compile(rf"(?P<k>货物|工程|服务)类?(?:采购)?(?:支出|金额|合同金额)(?:为|是)?{_amt('v')}")
_RE_PROC_AWARD = re.compile(rf"授予(?P<k>中小|小微)企业合同(?:金额)?(?:为|是)?{_amt('v')}{_share('s')}")
_RE_DENOMINATOR = re.compile(r"占([^0-9，,。；;%]{0,14}?)\d")
_RE_PROC_RESERVED_AWARD = re.compile(
    rf"面向(?P<k>中小|小微)企业预留的?政府采购项目中[^。；;]{{0,30}}?采购金额(?:为|是)?{_amt('v')}"
)
_RE_PROC_RESERVED = re.compile(
    rf"面向(?P<k>中小|小微)企业预留的?政府采购项目(?:预算)?金额(?:为|是)?{_amt('v')}"
)
_RE_PROC_OTHER = re.compile(
    rf"其他政府采购项目中[^。；;]{{0,30}}?中小企业[^。；;]{{0,20}}?采购金额(?:为|是)?{_amt('v')}"
)
_RE_VEHICLES = re.compile(r"共有(?:各类)?(?:车辆|公务用车|汽车)(?:为|是)?(?P<v>\d+)辆")
_RE_EQUIPMENT = re.compile(r"100万元(?:[（(]含[）)])?以上[^\d。；;]{0,24}?(?P<v>\d+)(?:台|套)")
_RE_PERF_COUNT = re.compile(
    r"绩效自评[^。；;]{0,40}?项目(?:共)?(?P<n>\d+)个[，,]?(?:共?涉及)?"
    rf"(?:资金|预算金额|金额|预算资金)(?:总额)?(?:为|是)?{_amt('v')}{_share('s')}"
)
# "对3个项目开展了绩效自评，涉及资金25.33万元"
_RE_PERF_COUNT2 = re.compile(
    r"对(?:共)?(?P<n>\d+)个(?:一级)?项目[^。；;\d]{0,20}?绩效自评[^。；;\d]{0,12}?"
    rf"(?:资金|预算金额|金额|预算资金)(?:总额)?(?:为|是|共计)?{_amt('v')}"
)

_SANGONG_LABELS = {
    "total": "三公经费",
    "outbound": "因公出国(境)费",
    "vehicle": "公务用车购置及运行维护费",
    "vehicle_purchase": "公务用车购置费",
    "vehicle_operation": "公务用车运行维护费",
    "reception": "公务接待费",
}


def _sangong_item(s: str) -> str:
    if s.startswith("公务用车购置及"):
        return "vehicle"
    if s.startswith("公务用车购置"):
        return "vehicle_purchase"
    if s.startswith("公务用车运行"):
        return "vehicle_operation"
    if s.startswith("因公出国"):
        return "outbound"
    if s.startswith("公务接待"):
        return "reception"
    return "total"


def _h_sangong(m: re.Match, c: _Collector) -> None:
    item = _sangong_item(m["item"])
    if item == "reception" and _before(m, 2) == "国内":
        return
    label = _SANGONG_LABELS[item]
    if m["b"] is not None:
        c.add(f"sangong_budget_{item}", _to_wan(m["b"], m["b_u"]), m, label=label)
    c.add(f"sangong_actual_{item}", _to_wan(m["a"], m["a_u"]), m, label=label)


def _h_operating(m: re.Match, c: _Collector) -> None:
    c.add("operating_expenses", _to_wan(m["v"], m["v_u"]), m, label="机关运行经费")


def _h_proc_total(m: re.Match, c: _Collector) -> None:
    c.add("procurement_total", _to_wan(m["v"], m["v_u"]), m, label="政府采购支出总额")
    c.proc_pos = m.start()  # type: ignore[attr-defined]
    # 货物/工程/服务 follow the total: scan only the next few hundred characters
    for k in _RE_PROC_KIND.finditer(m.string, m.start(), m.end() + 300):
        _h_proc_kind(k, c)


_PROC_KIND = {"货物": "procurement_goods", "工程": "procurement_works", "服务": "procurement_services"}


def _h_proc_kind(m: re.Match, c: _Collector) -> None:
    c.add(_PROC_KIND[m["k"]], _to_wan(m["v"], m["v_u"]), m, label=m["k"])


def _h_proc_award(m: re.Match, c: _Collector) -> None:
    kind, label = (
        ("procurement_sme", "授予中小企业合同金额")
        if m["k"] == "中小"
        else ("procurement_small_micro", "授予小微企业合同金额")
    )
    c.add(kind, _to_wan(m["v"], m["v_u"]), m, label=label)
    share, den = m.groupdict().get("s"), _denominator(m)
    if share is None:
        return
    if "采购" in den:  # "占政府采购支出总额的100%"
        c.add(kind + "_share", _num(share), m, label=label + "占采购总额比例", unit="%")
    elif kind == "procurement_small_micro" and "中小企业" in den:  # "占授予中小企业合同金额的40%"
        c.add(kind + "_share_of_sme", _num(share), m, label=label + "占中小企业合同比例", unit="%")


def _denominator(m: re.Match) -> str:
    """What a stated share is of: the words between 占 and its number."""
    hit = _RE_DENOMINATOR.search(m.group())
    return hit.group(1) if hit else ""


def _h_proc_reserved(m: re.Match, c: _Collector) -> None:
    if m["k"] == "中小":
        c.add("procurement_sme_reserved", _to_wan(m["v"], m["v_u"]), m, label="面向中小企业预留项目预算金额")
    else:
        c.add(
            "procurement_small_micro_reserved",
            _to_wan(m["v"], m["v_u"]),
            m,
            label="面向小微企业预留项目预算金额",
        )


def _h_proc_other(m: re.Match, c: _Collector) -> None:
    c.add("procurement_sme_other", _to_wan(m["v"], m["v_u"]), m, label="其他项目中授予中小企业金额")


def _h_vehicles(m: re.Match, c: _Collector) -> None:
    c.add("vehicles_total", float(m["v"]), m, label="车辆", unit="辆")


def _h_equipment(m: re.Match, c: _Collector) -> None:
    eq = getattr(c, "equipment", None)
    text = c.doc.sentence(m.start(), m.end())
    if eq is not None and eq[1] == text:
        eq[0].value += float(m["v"])  # 通用 + 专用 in one sentence
        return
    if c.has("equipment_large"):
        return
    c.add("equipment_large", float(m["v"]), m, label="单价100万元以上设备", unit="台(套)", text=text)
    c.equipment = (c.items[-1][2], text)  # type: ignore[attr-defined]


def _h_perf_count(m: re.Match, c: _Collector) -> None:
    c.add("performance_project_count", float(m["n"]), m, label="绩效自评项目数", unit="个")
    c.add("performance_project_amount", _to_wan(m["v"], m["v_u"]), m, label="绩效自评资金")
    share = m.groupdict().get("s")
    if share is not None and "项目支出" in _denominator(m):  # "占一般公共预算项目支出总额的100%"
        c.add("performance_project_share", _num(share), m, label="绩效自评资金占项目支出比例", unit="%")


PATTERNS: tuple[tuple[re.Pattern, Callable[[re.Match, _Collector], None]], ...] = (
    *((rx, _h_sangong) for rx in _RE_SANGONG),
    (_RE_OPERATING, _h_operating),
    (_RE_PROC_TOTAL, _h_proc_total),
    (_RE_PROC_AWARD, _h_proc_award),
    (_RE_PROC_RESERVED_AWARD, _h_proc_award),
    (_RE_PROC_RESERVED, _h_proc_reserved),
    (_RE_PROC_OTHER, _h_proc_other),
    (_RE_VEHICLES, _h_vehicles),
    (_RE_EQUIPMENT, _h_equipment),
    (_RE_PERF_COUNT, _h_perf_count),
    (_RE_PERF_COUNT2, _h_perf_count),
)


def _zero_statements(doc: _Doc, col: _Collector) -> None:
    """ "无……" statements count as zero when nothing explicit was stated."""
    for rx, kind, label in (
        (_RE_SANGONG_NONE, "sangong_actual_total", "三公经费"),
        (_RE_OPERATING_NONE, "operating_expenses", "机关运行经费"),
    ):
        if col.has(kind):
            continue
        for m in rx.finditer(doc.text):
            if doc.allowed(m.start()):
                col.add(kind, 0.0, m, label=label)
                break
