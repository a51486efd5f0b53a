"""Narrative facts (第三部分 情况说明 and the 绩效 appendix) of a 部门决算 disclosure.

`extract_facts(pages)` joins the pages into one whitespace-normalised text
(hard-wrapped lines and page breaks removed, spaces kept only between two
ASCII tokens such as table numbers), drops the glossary (名词解释) and the
key-work part (重点工作), runs a fixed set of compiled patterns over it once and
turns each match into `Fact`s (docs/facts.md). A match that cannot be turned
into numbers is skipped. Amounts are returned in 万元.
"""

from __future__ import annotations

import contextlib
import re
from bisect import bisect_right
from collections.abc import Callable, Mapping

from ingest.record import Fact

# ---------------------------------------------------------------------------
# Functional 类 names -> codes (the national list; a few older names too).

CLASS_CODES: dict[str, str] = {
    "一般公共服务": "201",
    "外交": "202",
    "国防": "203",
    "公共安全": "204",
    "教育": "205",
    "科学技术": "206",
    "文化旅游体育与传媒": "207",
    "文化体育与传媒": "207",
    "社会保障和就业": "208",
    "卫生健康": "210",
    "医疗卫生与计划生育": "210",
    "医疗卫生": "210",
    "节能环保": "211",
    "城乡社区": "212",
    "农林水": "213",
    "交通运输": "214",
    "资源勘探工业信息等": "215",
    "资源勘探信息等": "215",
    "商业服务业等": "216",
    "金融": "217",
    "援助其他地区": "219",
    "自然资源海洋气象等": "220",
    "国土海洋气象等": "220",
    "住房保障": "221",
    "粮油物资储备": "222",
    "国有资本经营预算": "223",
    "灾害防治及应急管理": "224",
    "其他": "229",
    "债务还本": "231",
    "债务付息": "232",
    "抗疫特别国债安排的": "234",
}

_CLASS_ALT = "|".join(sorted(map(re.escape, CLASS_CODES), key=len, reverse=True))

# ---------------------------------------------------------------------------
# Text normalisation

_TRANS = str.maketrans({"％": "%", "．": "."} | {chr(0xFF10 + i): str(i) for i in range(10)})
_FULLWIDTH = "％．０１２３４５６７８９"
# whitespace runs are first joined as \x1f; those between two ASCII tokens become one space
_KEEP = re.compile(r"\x1f(?<=[0-9A-Za-z.%]\x1f)(?=[0-9A-Za-z.])")


# a page number on its own first or last line of a page ("- 13 -", "第 13 页", "第1页 共40页", "13/40"):
# removed before the pages are joined, so a sentence wrapped across the page break stays whole
_FOLIO = (
    r"[ \t\u3000]*(?:[-—－–][ \t]*\d{1,4}[ \t]*[-—－–]|第[ \t]*\d{1,4}[ \t]*页(?:[ \t]*[，,/]?[ \t]*共[ \t]*\d{1,4}[ \t]*页)?"
    r"|\d{1,4}[ \t]*/[ \t]*\d{1,4})[ \t\u3000]*"
)
_RE_FOLIO_TAIL = re.compile(rf"\n{_FOLIO}\s*\Z")
_RE_FOLIO_HEAD = re.compile(rf"\A\s*{_FOLIO}\n")


def _strip_folio(page: str) -> str:
    if "\n" not in page:
        return page
    tail = _RE_FOLIO_TAIL.search(page, max(0, len(page) - 40))
    if tail:
        page = page[: tail.start()]
    head = _RE_FOLIO_HEAD.match(page[:40])
    return page[head.end() :] if head else page


def _normalize(s: str) -> str:
    """Remove whitespace, keeping one space between two ASCII tokens ("2.94 2.94")."""
    if any(ch in s for ch in _FULLWIDTH):
        s = s.translate(_TRANS)
    return _KEEP.sub(" ", "\x1f".join(s.split())).replace("\x1f", "")


def _is_ascii_tok(ch: str, *, after: bool = False) -> bool:
    """Same test as `_KEEP`: a space survives between [0-9A-Za-z.%] and [0-9A-Za-z.]."""
    return ch.isascii() and (ch.isalnum() or ch == "." or (after and ch == "%"))


# ---------------------------------------------------------------------------
# Pattern building blocks

_N = r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?"
_U = r"亿元|万元|元|万(?=[（(，,。；;])"


def _amt(name: str) -> str:
    return rf"(?P<{name}>{_N})(?P<{name}_u>{_U})"


def _pct(name: str) -> str:
    return rf"(?P<{name}>{_N})%"


def _share(name: str) -> str:
    return rf"(?:[，,]?占[^0-9，,。；;%]{{0,14}}?{_pct(name)})?"


_INC = "增加|增长|增幅|上升|提高"
_DEC = "减少|下降|降幅|降低"
_DIRS = f"{_INC}|{_DEC}"

# "较上年" / "比2022年度" / "与上年度相比，"
_VS = r"(?:较|比|与)(?:上年度?|上一年度?|\d{4}年度?)(?:决算数?)?(?:相比)?[，,]?"
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
_NAME = r"(?:[^（()）。；;，,：:]|[（(][^（()）。；;，,：:类款项]{1,8}[）)])"
_RE_ITEM = re.compile(
    r"类[）)](?:支出)?"
    rf"(?P<kuan>{_NAME}{{1,40}}?)[（(]款[）)]"
    rf"(?P<xiang>{_NAME}{{1,40}}?)[（(]项[）)]"
    r"[。，,：:；;]?(?:(?:主要)?用于[^。]{0,200}?[。；;])?"
    r"(?:\d{4}年度?|本年度?)?"
    # a bare 预算数 (without 年初/全年/调整) is read as 年初预算
    rf"(?:(?:年初)?预算(?:数)?为{_amt('b')}[，,。；;]?)?"
    rf"(?:(?:全年|调整后?)预算(?:数)?为{_amt('f')}[，,。；;]?)?"
    rf"(?:支出)?决算(?:数)?为{_amt('a')}"
    rf"(?:[，,。；;]?完成(?:年初|全年|调整后?)?预算(?:数)?的{_pct('r')})?"
)
_RE_PERSONNEL = re.compile(rf"经费(?:支出)?(?:合计)?(?:为|是)?{_amt('v')}")

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
_RE_PROC_AWARD = re.compile(rf"授予(?P<k>中小|小微)企业合同(?:金额)?(?:为|是)?{_amt('v')}")
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
    rf"(?:资金|预算金额|金额|预算资金)(?:总额)?(?:为|是)?{_amt('v')}"
)
# "对3个项目开展了绩效自评，涉及资金25.33万元"
_RE_PERF_COUNT2 = re.compile(
    r"对(?:共)?(?P<n>\d+)个(?:一级)?项目[^。；;\d]{0,20}?绩效自评[^。；;\d]{0,12}?"
    rf"(?:资金|预算金额|金额|预算资金)(?:总额)?(?:为|是|共计)?{_amt('v')}"
)
_RE_PROJECT_NARR = re.compile(
    r"绩效自评(?:综述|结果|情况)?[：:]"
    r"[^。\d]{0,12}?(?:全年)?预算数?为?"
    + _amt("b")
    + r"[，,](?:全年)?执行数为?"
    + _amt("a")
    + r"(?:[，,](?:完成预算的|执行率为?)"
    + _pct("r")
    + ")?"
)
_RE_PROJECT_NAME = re.compile(
    r"项目名称(?P<name>[^。；;]{1,60}?)(?=主管部门|项目实施单位|实施单位|项目负责人|项目类型|预算执行)"
)
_RE_PROJECT_ROW = re.compile(r"年度(?:财政)?资金总额[^\d。]{0,40}?(?P<seq>\d[\d., %]*)")

_RE_PART = re.compile(r"第[一二三四五六七八九十]+部分")
_RE_GLOSSARY = re.compile(r"名词解释")
_RE_KEYWORK = re.compile(r"第[一二三四五六七八九十]+部分[^。，,]{0,30}?重点工作")
_RE_HEAD = re.compile(
    r"(?:第[一二三四五六七八九十]+部分|[一二三四五六七八九十]+、|[（(][一二三四五六七八九十]+[）)])"
    r"[^，,。；;：:%]{0,40}?(?:情况说明|说明|情况|结果)(?:如下)?[。：:]?"
    r"|其中[：:](?=\d+[、.])"  # "其中：1、……(项)" list lead-in
)

_MAX_BACK = 300
_MAX_FWD = 400


# ---------------------------------------------------------------------------


class _Doc:
    """The normalised text with page offsets and excluded spans."""

    def __init__(self, pages: list[str]):
        parts: list[str] = []
        starts: list[int] = []
        pos = 0
        prev_last = ""
        for page in pages:
            t = _normalize(_strip_folio(page or ""))
            if t and prev_last and _is_ascii_tok(prev_last, after=True) and _is_ascii_tok(t[0]):
                parts.append(" ")
                pos += 1
            starts.append(pos)
            parts.append(t)
            pos += len(t)
            if t:
                prev_last = t[-1]
        self.text = "".join(parts)
        self.starts = starts or [0]
        self.excluded = self._excluded_spans()
        self._sentences: dict[tuple[int, int], str] = {}

    def _excluded_spans(self) -> list[tuple[int, int]]:
        text = self.text
        parts = [m.start() for m in _RE_PART.finditer(text)]
        spans = []

        def until_next_part(pos: int) -> int:
            i = bisect_right(parts, pos)
            return parts[i] if i < len(parts) else len(text)

        for m in _RE_GLOSSARY.finditer(text):
            before = text[max(0, m.start() - 2) : m.start()]
            after = text[m.end() : m.end() + 60]
            if before == "部分" or (before[-1:] in ("、", "）", ")") and "指" in after):
                spans.append((m.start(), until_next_part(m.end())))
        for m in _RE_KEYWORK.finditer(text):
            spans.append((m.start(), until_next_part(m.end())))
        spans.sort()
        return spans

    def allowed(self, pos: int) -> bool:
        for a, b in self.excluded:
            if a <= pos < b:
                return False
            if a > pos:
                break
        return True

    def page(self, pos: int) -> int:
        return max(1, bisect_right(self.starts, pos))

    def sentence(self, start: int, end: int) -> str:
        """The sentence around text[start:end]: from the previous 。 (or the end of a
        heading such as 一、……情况说明) to the next 。."""
        key = (start, end)
        hit = self._sentences.get(key)
        if hit is not None:
            return hit
        text = self.text
        lo = max(0, start - _MAX_BACK)
        s = text.rfind("。", lo, start) + 1 or lo
        if s < start:
            heads = _RE_HEAD.findall(text, s, start)
            if heads:
                s = text.rindex(heads[-1], s, start) + len(heads[-1])
        e = text.find("。", end, end + _MAX_FWD)
        e = end if e < 0 else e + 1
        self._sentences[key] = out = text[s:e]
        return out


def _num(s: str) -> float:
    return float(s.replace(",", ""))


def _to_wan(value: str, unit: str | None) -> float:
    v = _num(value)
    if unit == "元":
        return round(v / 10000, 6)
    if unit == "亿元":
        return round(v * 10000, 6)
    return v


_DEC_WORDS = frozenset(_DEC.split("|"))


def _sign(word: str | None) -> int:
    return -1 if word in _DEC_WORDS else 1


def _norm_key(key: str) -> str:
    return "".join(key.split()).replace("（", "(").replace("）", ")")


def _norm_path(parts: list[str]) -> str:
    parts = [_norm_key(p) for p in parts]
    if len(parts) == 3 and parts[0].endswith("支出"):
        parts[0] = parts[0][:-2]
    return "|".join(parts)


class _Collector:
    def __init__(self, doc: _Doc):
        self.doc = doc
        self.items: list[tuple[int, int, Fact]] = []
        self.single: set[tuple] = set()
        self._seq = 0

    def add(
        self,
        kind: str,
        value: float,
        m: re.Match,
        *,
        label: str,
        unit: str = "万元",
        code: str | None = None,
        key: tuple | None = None,
        text: str | None = None,
        pos: int | None = None,
    ) -> None:
        k = (kind,) + (key if key is not None else ((code,) if code else ()))
        if k in self.single:
            return
        self.single.add(k)
        p = m.start() if pos is None else pos
        if text is None:
            text = self.doc.sentence(m.start(), m.end())
        self._seq += 1
        self.items.append((p, self._seq, Fact(kind, code, label, value, unit, self.doc.page(p), text)))

    def has(self, kind: str) -> bool:
        return (kind,) in self.single

    def facts(self) -> list[Fact]:
        return [f for _, _, f in sorted(self.items, key=lambda t: (t[0], t[1]))]


# ---------------------------------------------------------------------------
# Handlers: one per pattern; each gets the match and the collector.


def _before(m: re.Match, n: int) -> str:
    s = m.start()
    return m.string[max(0, s - n) : s]


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
    if m["k"] == "中小":
        c.add("procurement_sme", _to_wan(m["v"], m["v_u"]), m, label="授予中小企业合同金额")
    else:
        c.add("procurement_small_micro", _to_wan(m["v"], m["v_u"]), m, label="授予小微企业合同金额")


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


_PATTERNS: tuple[tuple[re.Pattern, Callable[[re.Match, _Collector], None]], ...] = (
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


# ---------------------------------------------------------------------------
# Per-项 items


class _CodeResolver:
    def __init__(self, name_to_code: Mapping[str, str] | None):
        self.paths: dict[str, str] = {}
        self.names: dict[str, str] = {}
        for key, code in (name_to_code or {}).items():
            if not key or not code:
                continue
            parts = str(key).split("|")
            if len(parts) > 1:
                self.paths[_norm_path(parts)] = str(code)
            else:
                self.names[_norm_key(parts[0])] = str(code)

    def resolve(self, lei: str, kuan: str, xiang: str) -> tuple[str | None, bool]:
        """(code, firm): firm when the path or a 项 name found only under one 款 gave it."""
        if not self.paths and not self.names:
            return None, False
        cls = CLASS_CODES.get(lei[:-2] if lei.endswith("支出") else lei)
        for key in (_norm_path([lei, kuan, xiang]), _norm_path([kuan, xiang])):
            code = self.paths.get(key)
            if code:
                return code, True
        code = self.bare(xiang)
        if code and (cls is None or code.startswith(cls)):
            return code, _norm_key(xiang) not in _GENERIC_XIANG
        return None, False

    def bare(self, xiang: str) -> str | None:
        code = self.names.get(_norm_key(xiang))
        return code if code and len(code) == 7 else None

    def kuan_prefix(self, kuan: str) -> str | None:
        """The 款 code from its "其他…支出" 项 (其他城乡社区管理事务支出 -> 21201)."""
        code = self.bare(f"其他{kuan}支出")
        return code[:5] if code else None


# 项 names printed under many 款 with the same last two digits in the national list
# (行政运行 xxxxx01, 一般行政管理事务 02, 机关服务 03, 事业运行 50): a bare name maps to one
# of them only, so the 款 code must come from elsewhere.
_GENERIC_XIANG = frozenset({"行政运行", "一般行政管理事务", "机关服务", "事业运行"})


_ITEM_STOP = frozenset("（()）。；;，,：:、.．0123456789 \x1f")
_PROJECT_STOP = frozenset("。；;：:，,、.0123456789 ")


def _name_before(text: str, pos: int, stop: frozenset, longest: int) -> int:
    """Start of the name that ends at `pos`: walk back to a stop char (at most `longest`)."""
    i = pos
    lo = max(0, pos - longest)
    while i > lo and text[i - 1] not in stop:
        i -= 1
    return i


def _item_codes(recs: list[tuple[int, str, str, str, re.Match]], resolver: _CodeResolver) -> list[str | None]:
    """Codes of the listed 项. A generic 项 name (行政运行 …) takes its 款 code from a
    sibling 项 of the same 类/款 resolved firmly (or the 款's "其他…支出" 项) and its last
    two digits from the bare-name code; without either it keeps the bare-name code only
    when the name is listed under a single 款 of that 类."""
    out: list[str | None] = []
    firm: list[bool] = []
    prefix: dict[tuple[str, str], str] = {}
    kuans: dict[tuple[str, str], set[str]] = {}
    for _, lei, kuan, xiang, _m in recs:
        code, is_firm = resolver.resolve(lei, kuan, xiang)
        out.append(code)
        firm.append(is_firm)
        if code and is_firm:
            prefix.setdefault((lei, kuan), code[:5])
        kuans.setdefault((lei, _norm_key(xiang)), set()).add(kuan)
    for i, (_, lei, kuan, xiang, _m) in enumerate(recs):
        if firm[i] or _norm_key(xiang) not in _GENERIC_XIANG:
            continue
        bare = resolver.bare(xiang)
        pre = prefix.get((lei, kuan)) or resolver.kuan_prefix(kuan)
        cls = CLASS_CODES.get(lei[:-2] if lei.endswith("支出") else lei)
        if bare and pre and (cls is None or pre.startswith(cls)):
            out[i] = pre + bare[5:]
        elif len(kuans[(lei, _norm_key(xiang))]) > 1:
            out[i] = None  # 行政运行 under two 款 of one 类: the bare name cannot tell them apart
    return out


def _items(doc: _Doc, col: _Collector, resolver: _CodeResolver) -> None:
    text = doc.text
    recs: list[tuple[int, str, str, str, re.Match]] = []
    for m in _RE_ITEM.finditer(text):
        if m.start() == 0 or text[m.start() - 1] not in "（(":
            continue
        start = _name_before(text, m.start() - 1, _ITEM_STOP, 24)
        lei = text[start : m.start() - 1]
        if len(lei) < 2 or not doc.allowed(start):
            continue
        recs.append((start, lei, m["kuan"], m["xiang"], m))
    codes = _item_codes(recs, resolver)
    for (start, lei, kuan, xiang, m), code in zip(recs, codes, strict=True):
        try:
            key = (f"{lei}|{kuan}|{xiang}",)
            text_ = doc.sentence(start, m.end())
            common = {"label": xiang, "code": code, "key": key, "text": text_, "pos": start}
            if m["b"] is not None:
                col.add("item_budget_initial", _to_wan(m["b"], m["b_u"]), m, **common)
            if m["f"] is not None:
                col.add("item_budget_full_year", _to_wan(m["f"], m["f_u"]), m, **common)
            col.add("item_actual", _to_wan(m["a"], m["a_u"]), m, **common)
            if m["r"] is not None:
                col.add("item_execution_rate", _num(m["r"]), m, unit="%", **common)
        except (ValueError, KeyError, TypeError):
            continue


# ---------------------------------------------------------------------------
# 绩效 per project: narrative lines and self-evaluation tables


def _strip_project(name: str) -> str:
    name = name.strip()
    for suffix in ("项目",):
        if name.endswith(suffix) and len(name) > len(suffix) + 1:
            name = name[: -len(suffix)]
    return name


def _project_table_row(seq: str) -> tuple[float, float, float | None] | None:
    nums: list[float] = []
    rate = None
    for tok in seq.split():
        if tok.endswith("%"):
            with contextlib.suppress(ValueError):
                rate = _num(tok[:-1])
            break
        try:
            nums.append(_num(tok))
        except ValueError:
            break
    if len(nums) >= 3:  # 年初预算数, 全年预算数, 全年执行数 (, 分值 ...)
        return nums[1], nums[2], rate
    if len(nums) == 2:
        return nums[0], nums[1], rate
    return None


def _projects(doc: _Doc, col: _Collector) -> None:
    text = doc.text
    table: list[dict] = []
    names = [m for m in _RE_PROJECT_NAME.finditer(text) if doc.allowed(m.start())]
    name_pos = [m.start() for m in names]
    used: set[int] = set()
    for m in _RE_PROJECT_ROW.finditer(text):
        i = bisect_right(name_pos, m.start()) - 1
        if i < 0 or i in used or not doc.allowed(m.start()):
            continue
        row = _project_table_row(m["seq"])
        if row is None:
            continue
        used.add(i)
        nm = names[i]
        name = nm["name"].strip()
        row_text = text[m.start() : m.end()].strip()
        table.append(
            {
                "name": name,
                "budget": row[0],
                "actual": row[1],
                "rate": row[2],
                "pos": m.start(),
                "text": f"项目名称{name}…{row_text}",
                "m": m,
            }
        )
    narrative: list[dict] = []
    for m in _RE_PROJECT_NARR.finditer(text):
        start = _name_before(text, m.start(), _PROJECT_STOP, 40)
        name = _strip_project(text[start : m.start()])
        if len(name) < 2 or not doc.allowed(start):
            continue
        try:
            narrative.append(
                {
                    "name": name,
                    "budget": _to_wan(m["b"], m["b_u"]),
                    "actual": _to_wan(m["a"], m["a_u"]),
                    "rate": _num(m["r"]) if m["r"] is not None else None,
                    "pos": start,
                    "text": doc.sentence(start, m.end()),
                    "m": m,
                }
            )
        except ValueError:
            continue
    projects = list(table)
    matched: set[int] = set()
    for rec in narrative:
        hit = None
        for j, t in enumerate(table):
            if j in matched:
                continue
            a, b = _strip_project(t["name"]), rec["name"]
            if a == b or a in b or b in a:
                hit = j
                break
        if hit is None:
            for j, t in enumerate(table):
                if j not in matched and t["budget"] == rec["budget"] and t["actual"] == rec["actual"]:
                    hit = j
                    break
        if hit is None:
            projects.append(rec)
        else:
            matched.add(hit)
            if table[hit]["rate"] is None and rec["rate"] is not None:
                table[hit]["rate"] = rec["rate"]
    for rec in projects:
        common = {
            "label": rec["name"],
            "key": (rec["name"], rec["pos"]),
            "text": rec["text"],
            "pos": rec["pos"],
        }
        col.add("project_budget", rec["budget"], rec["m"], **common)
        col.add("project_actual", rec["actual"], rec["m"], **common)
        if rec["rate"] is not None:
            col.add("project_execution_rate", rec["rate"], rec["m"], unit="%", **common)


# ---------------------------------------------------------------------------


def _struct_regions(text: str) -> list[tuple[int, int]]:
    regions = []
    start = text.find("主要用于以下方面")
    while start >= 0:
        end = text.find("具体情况", start)
        end = min(end if end >= 0 else len(text), start + 1500)
        regions.append((start, end))
        start = text.find("主要用于以下方面", end)
    return regions


def _scan_patterns(doc: _Doc, col: _Collector) -> None:
    text = doc.text
    for rx, handler in _PATTERNS:
        for m in rx.finditer(text):
            if not doc.allowed(m.start()):
                continue
            try:
                handler(m, col)
            except (ValueError, KeyError, TypeError, IndexError):
                continue  # a sentence we cannot read is skipped


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


def extract_facts(pages: list[str], *, name_to_code: Mapping[str, str] | None = None) -> list[Fact]:
    """pages[i] is the full text of page i+1 of the document (tables included; for a
    text file without page breaks it is one element). Return the narrative facts.

    `name_to_code` (optional) maps 项 names and "类|款|项" name paths (as printed in the
    tables) to functional codes; it resolves `subject_code` of per-项 facts (null when
    unresolved). Never raises: what cannot be read is left out."""
    try:
        doc = _Doc([p if isinstance(p, str) else "" for p in (pages or [])])
        resolver = _CodeResolver(name_to_code)
    except Exception:
        return []
    col = _Collector(doc)
    steps: tuple[Callable[[_Doc, _Collector], None], ...] = (
        _scan_patterns,
        _scan_struct_classes,
        lambda d, c: _items(d, c, resolver),
        _projects,
        _zero_statements,
        _derive_prior,
    )
    for step in steps:
        try:
            step(doc, col)
        except Exception:  # one failing step only loses its own facts
            continue
    return col.facts()


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
