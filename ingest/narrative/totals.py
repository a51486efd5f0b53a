"""Totals, income and expenditure structure, 类 and 年初预算 facts (sections 一 to 六)."""

from __future__ import annotations

import re
from collections.abc import Callable

from ingest.narrative.codes import _CLASS_ALT, CLASS_CODES
from ingest.narrative.text import (
    _DIRS,
    _VS,
    _amt,
    _before,
    _Collector,
    _Doc,
    _num,
    _pct,
    _share,
    _sign,
    _to_wan,
)
from ingest.record import Fact

_RE_TOTAL = re.compile(
    r"收(?:、?支|入、?支出|入)(?:决算)?总计"
    rf"(?:{_VS})?"
    r"(?:各|均|分别)?(?:为|是)?"
    rf"(?:(?P<dir>{_DIRS})了?)?{_amt('v')}"
    rf"(?:[，,](?:同比)?(?P<pdir>{_DIRS})(?:为|了)?{_pct('p')})?"
    # "…总计为X，较上年增加Y，增长Z%" / "2022年度收支总计为X，本年度减少Y，下降Z%"
    rf"(?:[，,](?P<rel>本年度?|同比|{_VS})?(?:收、?支总计|收入支出总计)?(?:各|均|分别)?"
    rf"(?P<dir2>{_DIRS})了?{_amt('c')}"
    rf"(?:[，,](?:同比)?(?P<pdir2>{_DIRS})(?:为|了)?{_pct('p2')})?)?"
)
_RE_TOTAL_PRIOR = re.compile(rf"上一?年度?的?收(?:、?支|入、?支出)(?:决算)?总计(?:为|是)?{_amt('v')}")
_RE_INCOME = re.compile(rf"收入合计(?:为|是)?{_amt('v')}")
_RE_FISCAL_INCOME = re.compile(rf"财政拨款收入(?:合计)?(?:为|是)?{_amt('v')}{_share('s')}")
_RE_EXPENDITURE = re.compile(rf"支出合计(?:为|是)?{_amt('v')}")
_RE_BASIC = re.compile(rf"基本支出(?:合计)?(?:为|是)?{_amt('v')}{_share('s')}")
_RE_PROJECT = re.compile(rf"项目支出(?:合计)?(?:为|是)?{_amt('v')}{_share('s')}")
_RE_GENERAL = re.compile(rf"一般公共预算财政拨款支出(?:决算)?(?:为|是)?{_amt('v')}{_share('s')}")
# anchored on the literal 类 (fast scan); the opening bracket and the 类 name are checked backwards
_RE_CLASS = re.compile(rf"类[）)](?:支出)?(?:决算)?(?:为|是)?{_amt('v')}{_share('s')}")
_CLASS_NAMES = sorted(CLASS_CODES, key=len, reverse=True)
_RE_CLASS_PLAIN = re.compile(
    rf"(?P<cls>{_CLASS_ALT})支出(?:为|是)?{_amt('v')}[，,]?占[^0-9，,。；;%]{{0,14}}?{_pct('s')}"
)
_RE_BUDGET_TOTAL = re.compile(
    r"一般公共预算财政拨款支出(?:决算)?(?:年初预算|预算)(?:数)?为"
    rf"{_amt('b')}"
    rf"(?:[，,](?:全年|调整后?)预算(?:数)?为{_amt('f')})?"
    rf"[，,](?:支出)?决算(?:数)?为{_amt('a')}"
    rf"(?:[，,。]?完成(?:年初|全年|调整后?)?预算(?:数)?的{_pct('r')})?"
)
# a 款/项 name; it may hold a short bracketed part of its own: "政府办公厅（室）及相关机构事务"
_RE_PERSONNEL = re.compile(rf"经费(?:支出)?(?:合计)?(?:为|是)?{_amt('v')}")


# the year (and 本单位/本部门) printed right before 收支总计: "2022年度收、支总计为…"
_RE_YEAR_BEFORE = re.compile(r"(?:(?P<y>\d{4})年度?|(?P<prior>上一?年度?)的?)(?:本?(?:单位|部门))?$")


def _add_change(
    c: _Collector, m: re.Match, amount: str, unit: str, word: str, p: str | None, pword: str | None
):
    c.add("total_change", _sign(word) * _to_wan(amount, unit), m, label="收支总计增减")
    if p is not None:
        c.add("total_change_pct", _sign(pword or word) * _num(p), m, label="收支总计增减率", unit="%")


def _h_total(m: re.Match, c: _Collector) -> None:
    v = _to_wan(m["v"], m["v_u"])
    if _before(m, 4) == "财政拨款":
        if not m["dir"] and not m["dir2"]:
            c.add("fiscal_total", v, m, label="财政拨款收支总计")
        return
    if m["dir"]:
        _add_change(c, m, m["v"], m["v_u"], m["dir"], m["p"], m["pdir"])
        return
    yb = _RE_YEAR_BEFORE.search(_before(m, 10))
    year = int(yb["y"]) if yb and yb["y"] else None
    total_year = getattr(c, "total_year", None)
    if yb and yb["prior"]:
        prior = True
    elif year is not None and total_year is not None:
        prior = year < total_year  # "2022年度收支总计为…" after the 2023 total
    else:
        prior = bool(m["dir2"]) and (m["rel"] or "").startswith("本年")  # "…为X，本年度减少Y"
    if prior:
        c.add("total_prior", v, m, label="上年收支总计")
    else:
        if not c.has("total"):
            c.total_year = year  # type: ignore[attr-defined]
        c.add("total", v, m, label="收支总计")
    if m["dir2"]:
        _add_change(c, m, m["c"], m["c_u"], m["dir2"], m["p2"], m["pdir2"])


def _h_total_prior(m: re.Match, c: _Collector) -> None:
    c.add("total_prior", _to_wan(m["v"], m["v_u"]), m, label="上年收支总计")


def _h_income(m: re.Match, c: _Collector) -> None:
    if _before(m, 2) == "拨款":
        return
    c.add("income_total", _to_wan(m["v"], m["v_u"]), m, label="收入合计")


def _h_fiscal_income(m: re.Match, c: _Collector) -> None:
    if _before(m, 2) in ("预算", "基金"):
        return
    c.add("fiscal_income", _to_wan(m["v"], m["v_u"]), m, label="财政拨款收入")
    if m["s"] is not None:
        c.add("fiscal_income_share", _num(m["s"]), m, label="财政拨款收入占比", unit="%")


def _h_expenditure(m: re.Match, c: _Collector) -> None:
    if _before(m, 2) == "拨款":
        return
    c.add("expenditure_total", _to_wan(m["v"], m["v_u"]), m, label="支出合计")


def _h_basic_project(m: re.Match, c: _Collector) -> None:
    k = m.group()[:2]
    kind = "basic_expenditure" if k == "基本" else "project_expenditure"
    label = k + "支出"
    if c.has(kind) or _before(m, 2) in ("拨款", "预算"):
        return
    c.add(kind, _to_wan(m["v"], m["v_u"]), m, label=label)
    if m["s"] is not None:
        c.add(kind + "_share", _num(m["s"]), m, label=label + "占比", unit="%")


def _h_general(m: re.Match, c: _Collector) -> None:
    if c.has("general_budget_expenditure"):
        return
    c.add("general_budget_expenditure", _to_wan(m["v"], m["v_u"]), m, label="一般公共预算财政拨款支出")
    if m["s"] is not None:
        c.add(
            "general_budget_expenditure_share",
            _num(m["s"]),
            m,
            label="一般公共预算财政拨款支出占比",
            unit="%",
        )


def _class_label(name: str) -> str:
    return name + "支出"


def _class_before(text: str, pos: int) -> tuple[str, int] | None:
    """The 类 name printed just before `pos` ("社会保障和就业支出" or "社会保障和就业")."""
    for name in _CLASS_NAMES:
        for printed in (name + "支出", name):
            if text.startswith(printed, pos - len(printed), pos):
                return name, pos - len(printed)
    return None


def _h_class(m: re.Match, c: _Collector) -> None:
    if "cls" in m.re.groupindex:
        name, start = m["cls"], m.start()
    else:
        if m.start() == 0 or m.string[m.start() - 1] not in "（(":
            return
        found = _class_before(m.string, m.start() - 1)
        if found is None:
            return
        name, start = found
    code = CLASS_CODES[name]
    label = _class_label(name)
    if ("class_expenditure", code) in c.single:
        return
    text = c.doc.sentence(start, m.end())
    c.add("class_expenditure", _to_wan(m["v"], m["v_u"]), m, label=label, code=code, text=text, pos=start)
    if m["s"] is not None:
        c.add("class_share", _num(m["s"]), m, label=label, unit="%", code=code, text=text, pos=start)


def _h_budget_total(m: re.Match, c: _Collector) -> None:
    c.add("budget_initial_total", _to_wan(m["b"], m["b_u"]), m, label="年初预算")
    if m["f"] is not None:
        c.add("budget_full_year_total", _to_wan(m["f"], m["f_u"]), m, label="全年预算")
    if m["r"] is not None:
        c.add("execution_rate_total", _num(m["r"]), m, label="完成率", unit="%")


def _h_personnel(m: re.Match, c: _Collector) -> None:
    k = _before(m, 2)
    if k == "人员":
        c.add("personnel_expenditure", _to_wan(m["v"], m["v_u"]), m, label="人员经费", pos=m.start() - 2)
    elif k == "公用" and _before(m, 4)[:2] != "日常":
        c.add("public_expenditure", _to_wan(m["v"], m["v_u"]), m, label="公用经费", pos=m.start() - 2)


PATTERNS: tuple[tuple[re.Pattern, Callable[[re.Match, _Collector], None]], ...] = (
    (_RE_TOTAL, _h_total),
    (_RE_TOTAL_PRIOR, _h_total_prior),
    (_RE_INCOME, _h_income),
    (_RE_FISCAL_INCOME, _h_fiscal_income),
    (_RE_EXPENDITURE, _h_expenditure),
    (_RE_BASIC, _h_basic_project),
    (_RE_PROJECT, _h_basic_project),
    (_RE_GENERAL, _h_general),
    (_RE_CLASS, _h_class),
    (_RE_BUDGET_TOTAL, _h_budget_total),
    (_RE_PERSONNEL, _h_personnel),
)


def _struct_regions(text: str) -> list[tuple[int, int]]:
    regions = []
    start = text.find("主要用于以下方面")
    while start >= 0:
        end = text.find("具体情况", start)
        end = min(end if end >= 0 else len(text), start + 1500)
        regions.append((start, end))
        start = text.find("主要用于以下方面", end)
    return regions


def _scan_struct_classes(doc: _Doc, col: _Collector) -> None:
    """类 listed without the (类) marker, only inside "主要用于以下方面" lists."""
    text = doc.text
    for a, b in _struct_regions(text):
        for m in _RE_CLASS_PLAIN.finditer(text, a, b):
            if doc.allowed(m.start()):
                try:
                    _h_class(m, col)
                except (ValueError, KeyError):
                    continue


def _derive_prior(doc: _Doc, col: _Collector) -> None:
    """上年收支总计 = total − change when the document does not state it."""
    if col.has("total_prior"):
        return
    total = change = None
    for _, _, f in col.items:
        if f.kind == "total" and total is None:
            total = f
        elif f.kind == "total_change" and change is None:
            change = f
    if total is None or change is None:
        return
    col._seq += 1
    pos = next(p for p, _, f in col.items if f is change)
    col.single.add(("total_prior",))
    col.items.append(
        (
            pos,
            col._seq,
            Fact(
                "total_prior",
                None,
                "上年收支总计",
                round(total.value - change.value, 2),
                "万元",
                change.page,
                change.text,
            ),
        )
    )
