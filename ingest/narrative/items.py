"""Per-项 facts of section 五(三): 年初预算, 全年预算, 决算, 完成率 of each listed 项."""

from __future__ import annotations

import re
from typing import Any

from ingest.narrative.codes import _GENERIC_XIANG, CLASS_CODES, _CodeResolver
from ingest.narrative.text import _amt, _Collector, _Doc, _norm_key, _num, _pct, _to_wan

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

_ITEM_STOP = frozenset("（()）。；;，,：:、.．0123456789 \x1f")


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
            common: dict[str, Any] = {"label": xiang, "code": code, "key": key, "text": text_, "pos": start}
            if m["b"] is not None:
                col.add("item_budget_initial", _to_wan(m["b"], m["b_u"]), m, **common)
            if m["f"] is not None:
                col.add("item_budget_full_year", _to_wan(m["f"], m["f_u"]), m, **common)
            col.add("item_actual", _to_wan(m["a"], m["a_u"]), m, **common)
            if m["r"] is not None:
                col.add("item_execution_rate", _num(m["r"]), m, unit="%", **common)
        except (ValueError, KeyError, TypeError):
            continue
