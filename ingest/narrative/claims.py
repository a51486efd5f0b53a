"""What the narrative claims about two amounts: comparison words, 完成率, 增减额/增减率,
and the year a change is compared with.

A *claim* is a group of facts stated in one sentence, with the same `label`,
`page` and `text` (the rules pair them that way, docs/facts.md):

- `cmp_current` / `cmp_base`: the two amounts compared (决算 and 预算; this year and,
  when stated, last year); `cmp_base_alt`: the 全年预算 when the word does not say which
  预算 ("决算数小于预算数" after both 年初 and 全年 are stated);
- `cmp_word`: the comparison word as a direction (+1 大于/高于/超过/增加, −1 小于/
  少于/低于/减少, 0 等于/持平);
- `cmp_rate`: a stated 完成预算的 x% and `cmp_rate_base` the 预算 it is of (年初 or 全年;
  `cmp_rate_base_alt`: the 全年预算 when "年初" is printed but both are stated);
- `cmp_change` / `cmp_change_pct`: a stated change and percent, signed by their own
  words (增加 +, 减少 −), vs the previous year;
- `cmp_prior_year`: the year a change is compared with ("与2022年度相比").

Only what is printed is recorded; the arithmetic is the rules' (expectations/rules.yml).
"""

from __future__ import annotations

import re
from typing import Any

from ingest.narrative.text import _amt, _Collector, _Doc, _num, _pct, _to_wan

_UP = "大于|高于|超过|多于|超出"
_DOWN = "小于|少于|低于"
_WORD_SIGN = {w: 1 for w in _UP.split("|")} | {w: -1 for w in _DOWN.split("|")}

# "年初预算为A，[全年预算为F，]支出决算为B，[完成年初预算的R%]"
_RE_BUDGET_VS_ACTUAL = re.compile(
    r"预算(?:数)?为" + _amt("b") + r"[，,。；;]?"
    r"(?:(?:全年|调整后?)预算(?:数)?为" + _amt("f") + r"[，,。；;]?)?"
    r"(?:支出)?决算(?:数)?为"
    + _amt("a")
    + r"(?:[，,。；;]?完成(?P<rq>年初|全年|调整后?)?预算(?:数)?的"
    + _pct("r")
    + ")?"
)
# "(支出)决算数大于年初预算数" / "决算数同预算数持平" / "决算数与年初预算数持平"
_RE_WORD = re.compile(
    r"决算(?:数)?(?:(?P<w>" + _UP + "|" + _DOWN + r"|等于)(?P<wq>年初|全年|调整后?)?预算"
    r"|(?P<flat>同|与|和)(?P<eq>年初|全年|调整后?)?预算(?:数)?(?P<roughly>基本)?持平)"
)
_WORD_WINDOW = 60

# "A万元。与2022年度相比，……增加C万元，增长P%" / "A万元，比上年减少C万元，下降P%"
_RE_YOY = re.compile(  # scanned from its literal 与/比/较; the amount before it is matched backwards
    r"(?:与|比|较)(?P<y>\d{4}年度?|上年度?|上一年度?)(?:决算数?)?(?:相比)?[，,]?"
    r"[^。；;\d%]{0,24}?(?P<d>增加|减少|增长|下降)了?"
    + _amt("c")
    + r"(?:[，,](?:同比)?(?P<pd>增长|下降|增幅|降幅)(?:了|为)?"
    + _pct("p")
    + ")?"
)
# "X万元，比上年（2022年度）的Y万元增加Z万元" / "与上年Y万元相比持平": both years' amounts printed
_RE_YOY_BOTH = re.compile(
    r"(?:与|比|较)(?:上年度?|上一年度?|\d{4}年度?)(?:决算数?)?的?" + _amt("b") + r"(?:相比)?[，,]?"
    r"(?:(?P<d>增加|减少|增长|下降)了?(?:" + _amt("c") + r")?|(?P<flat>基本)?持平)"
    r"(?:[，,](?P<pd>增长|下降|增幅|降幅)(?:了|为)?" + _pct("p") + ")?"
)
_RE_AMOUNT_BEFORE = re.compile(_amt("a") + r"[。，,]?(?:[（(][^）)]{0,12}[）)])?$")
# "2022年度收支总计为P，本年度减少C万元，下降P%": the amount before is last year's
_RE_YOY_PRIOR = re.compile(
    r"\d{4}年度?[^。；;\d]{0,20}?(?:为|是)"
    + _amt("b")
    + r"[，,](?:本年度?|同比)(?P<d>增加|减少)了?"
    + _amt("c")
    + r"[，,](?P<pd>增长|下降|增幅|降幅)(?:了|为)?"
    + _pct("p")
)
# any change against a named year ("比2022年度决算数增加", "与2022年度相比，……增加")
_RE_VS_YEAR = re.compile(
    r"(?:与|比|较)(?P<y>\d{4})年度?(?:决算数?)?(?:相比)?[，,]?[^。；;\d]{0,24}?(?:增加|减少|增长|下降|持平|基本持平)"
)
_UP_CHANGE = frozenset({"增加", "增长", "增幅"})


def _label_before(doc: _Doc, pos: int) -> str:
    """A short name for what is compared: the 项 name or the words that start the sentence."""
    back = doc.text[max(0, pos - 90) : pos]
    m = re.search(r"[）)]([^（()）。]{1,30})[（(]项[）)][^预]*$", back)  # the 项 this sentence is about
    if m:
        return m.group(1)
    seg = doc.text[doc.sentence_start(pos) : pos]
    cut = max(seg.rfind(c) for c in "。；;：:")
    seg = seg[cut + 1 :]
    m = re.search(r"[）)]([^（()）]{1,30})[（(]项[）)]", seg)
    if m:
        return m.group(1)
    seg = re.sub(r"^\d+[、.]|^[（(][一二三四五六七八九十\d]+[）)]", "", seg)
    seg = seg.rstrip("，,。的")
    return seg[-24:]


def _label(doc: _Doc, pos: int, what: str) -> str:
    head = _label_before(doc, pos)
    return f"{head}：{what}" if head else what


def _context(label: str, pos: int, sentence: str) -> dict[str, Any]:
    """What every number of one comparison shares: its label, sentence and place."""
    return {"label": label, "key": (label, pos), "text": sentence, "pos": pos}


def _budget_claims(doc: _Doc, col: _Collector) -> None:
    text = doc.text
    for m in _RE_BUDGET_VS_ACTUAL.finditer(text):
        if not doc.allowed(m.start()):
            continue
        label = _label(doc, m.start(), "决算与预算")
        w = _RE_WORD.search(text, m.end(), m.end() + _WORD_WINDOW)
        between = text[m.end() : w.start()] if w else ""
        if w and ("预算为" in between or "项）" in between or "项)" in between):
            w = None  # the word belongs to the next item
        end = w.end() if w else m.end()
        sentence = doc.sentence(m.start(), end)
        base_m, base_u = m["b"], m["b_u"]
        qual = (w["wq"] or w["eq"]) if w else None
        alt = None
        if m["f"] is not None and qual in ("全年", "调整", "调整后"):
            base_m, base_u = m["f"], m["f_u"]
        elif m["f"] is not None and qual is None:
            alt = _to_wan(m["f"], m["f_u"])  # "决算数小于预算数": of 年初 or of 全年, either reading
        common = _context(label, m.start(), sentence)
        col.add("cmp_current", _to_wan(m["a"], m["a_u"]), m, **common)
        col.add("cmp_base", _to_wan(base_m, base_u), m, **common)
        if alt is not None:
            col.add("cmp_base_alt", alt, m, **common)
        if m["r"] is not None:
            col.add("cmp_rate", _num(m["r"]), m, unit="%", **common)
            rq = m["rq"] or ""
            rate_base = (
                (m["f"], m["f_u"])
                if m["f"] is not None and rq.startswith(("全年", "调整"))
                else (m["b"], m["b_u"])
            )
            col.add("cmp_rate_base", _to_wan(*rate_base), m, **common)
            if m["f"] is not None and not rq.startswith(("全年", "调整")):
                col.add(
                    "cmp_rate_base_alt", _to_wan(m["f"], m["f_u"]), m, **common
                )  # "年初" printed for 全年
        if w:
            sign = 0 if w["flat"] is not None or w["w"] == "等于" else _WORD_SIGN[w["w"]]
            if not w["roughly"]:  # 基本持平: roughly equal, no tolerance to hold it to
                col.add("cmp_word", float(sign), m, unit="方向", **common)


def _same_subject(before: str, after: str) -> bool:
    """The change is about the amount before it: "收入合计X，与上年相比，收入增加…" yes,
    "项目支出X。与上年相比，基本支出增加…" no. An unnamed change ("……相比，增加") is."""
    after = after.strip("，,、各均").replace("、", "")
    before = before.replace("、", "")
    return not after or after[:2] in before


def _yoy_claims(doc: _Doc, col: _Collector) -> None:
    text = doc.text
    for m in _RE_YOY.finditer(text):
        before = _RE_AMOUNT_BEFORE.search(text, max(0, m.start() - 40), m.start())
        if before is None or not doc.allowed(before.start()):
            continue
        rel = text[m.end("y") : m.start("d")]
        after = rel.split("相比")[-1] if "相比" in rel else rel.replace("决算数", "").replace("决算", "")
        pos = before.start()
        if not _same_subject(text[max(0, pos - 24) : pos], after):
            continue
        label = _label(doc, pos, "本年与上年")
        common = _context(label, pos, doc.sentence(pos, m.end()))
        col.add("cmp_current", _to_wan(before["a"], before["a_u"]), m, **common)
        sign = 1 if m["d"] in _UP_CHANGE else -1
        col.add("cmp_change", sign * _to_wan(m["c"], m["c_u"]), m, **common)
        if m["p"] is not None:
            psign = 1 if m["pd"] in _UP_CHANGE else -1
            col.add("cmp_change_pct", psign * _num(m["p"]), m, unit="%", **common)


def _yoy_both_claims(doc: _Doc, col: _Collector) -> None:
    text = doc.text
    for m in _RE_YOY_BOTH.finditer(text):
        before = _RE_AMOUNT_BEFORE.search(text, max(0, m.start() - 40), m.start())
        if before is None or not doc.allowed(before.start()) or m["flat"]:
            continue
        pos = before.start()
        label = _label(doc, pos, "本年与上年")
        common = _context(label, pos, doc.sentence(pos, m.end()))
        col.add("cmp_current", _to_wan(before["a"], before["a_u"]), m, **common)
        col.add("cmp_base", _to_wan(m["b"], m["b_u"]), m, **common)
        sign = 0 if m["d"] is None else (1 if m["d"] in _UP_CHANGE else -1)
        col.add("cmp_word", float(sign), m, unit="方向", **common)
        if m["c"] is not None:
            col.add("cmp_change", sign * _to_wan(m["c"], m["c_u"]), m, **common)
        if m["p"] is not None:
            psign = 1 if m["pd"] in _UP_CHANGE else -1
            col.add("cmp_change_pct", psign * _num(m["p"]), m, unit="%", **common)


def _yoy_prior_claims(doc: _Doc, col: _Collector) -> None:
    text = doc.text
    for m in _RE_YOY_PRIOR.finditer(text):
        if not doc.allowed(m.start()):
            continue
        label = _label(doc, m.start(), "上年与本年")
        common = _context(label, m.start(), doc.sentence(m.start(), m.end()))
        col.add("cmp_base", _to_wan(m["b"], m["b_u"]), m, **common)
        sign = 1 if m["d"] in _UP_CHANGE else -1
        col.add("cmp_change", sign * _to_wan(m["c"], m["c_u"]), m, **common)
        psign = 1 if m["pd"] in _UP_CHANGE else -1
        col.add("cmp_change_pct", psign * _num(m["p"]), m, unit="%", **common)


def _prior_years(doc: _Doc, col: _Collector) -> None:
    for m in _RE_VS_YEAR.finditer(doc.text):
        if doc.allowed(m.start()):
            col.add("cmp_prior_year", float(m["y"]), m, label="比较的上年", unit="年", key=("y", m.start()))


STEPS = (
    ("budget_claims", lambda d, c, r: _budget_claims(d, c)),
    ("yoy_claims", lambda d, c, r: _yoy_claims(d, c)),
    ("yoy_both_claims", lambda d, c, r: _yoy_both_claims(d, c)),
    ("yoy_prior_claims", lambda d, c, r: _yoy_prior_claims(d, c)),
    ("prior_years", lambda d, c, r: _prior_years(d, c)),
)
