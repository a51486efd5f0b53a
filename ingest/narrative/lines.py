"""The document as lines (a heading is a line): page, normalised line and its position
in the joined text; the 第X部分 spans; numbered headings (一、 （一） 1. 1、 (1))."""

from __future__ import annotations

import re
from bisect import bisect_right
from functools import cached_property

from ingest.narrative.text import _Doc, _normalize

_CN = "一二三四五六七八九十"
_CN_VALUE = {c: i for i, c in enumerate(_CN, start=1)}


def cn_number(s: str) -> int | None:
    """一 … 九十九 as an integer."""
    if not s or any(c not in _CN_VALUE for c in s):
        return None
    if len(s) == 1:
        return _CN_VALUE[s]
    if s[0] == "十":
        return 10 + (_CN_VALUE[s[1]] if len(s) > 1 else 0)
    if len(s) == 2 and s[1] == "十":
        return _CN_VALUE[s[0]] * 10
    if len(s) == 3 and s[1] == "十":
        return _CN_VALUE[s[0]] * 10 + _CN_VALUE[s[2]]
    return None


_RE_PART_LINE = re.compile(r"^第([一二三四五六七八九十]+)部分")
_RE_OTHER_PART = re.compile(r"^(?:[一二三四五六七八九十]+、)?(?:名词解释|附件|附表)[：:]?$")
# the numbered heading styles, one alternative each: 一、 （一） 1. 1、 (1)
_CNUM = "[一二三四五六七八九十]{1,3}"
_RE_HEADING = re.compile(
    rf"^(?:(?P<a>{_CNUM})、|[（(](?P<b>{_CNUM})[）)]|(?P<c>\d{{1,2}})[.．](?![\d%])|(?P<d>\d{{1,2}})、"
    r"|[（(](?P<e>\d{1,2})[）)])"
)
_STYLE = {"a": "一、", "b": "（一）", "c": "1.", "d": "1、", "e": "(1)"}
_RE_PLAIN_LINE = re.compile(r"[\s％．０-９]")


class _Lines:
    """Page lines (whitespace removed) with page numbers and positions in the joined text."""

    def __init__(self, doc: _Doc, pages: list[str]):
        self.rows: list[tuple[int, str, int]] = []  # (page, line, pos)
        self.starts: list[int] = []  # pos of each row, for bisect
        text = doc.text
        for i, page in enumerate(pages):
            pos = doc.starts[i] if i < len(doc.starts) else len(text)
            for raw in (page or "").splitlines():
                line = _normalize(raw) if _RE_PLAIN_LINE.search(raw) else raw
                if not line:
                    continue
                hit = text.find(line, pos, pos + len(line) + 8)  # a removed page number is not found
                if hit >= 0:
                    pos = hit
                self.rows.append((i + 1, line, pos))
                self.starts.append(pos)
                if hit >= 0:
                    pos += len(line)

    @cached_property
    def narrative(self) -> tuple[int, int] | None:
        """Rows of the 第三部分 body (情况说明)."""
        return _body_span(self, lambda n, line: n == 3 or "情况说明" in line)

    @cached_property
    def glossary(self) -> tuple[int, int] | None:
        return _body_span(self, lambda n, line: "名词解释" in line)

    @cached_property
    def part_spans(self) -> dict[int, list[tuple[int, int]]]:
        """Part number -> [(first row, end row)] for every 第X部分 heading line."""
        marks = []
        for j, (_, line, _) in enumerate(self.rows):
            m = _RE_PART_LINE.match(line)
            n = cn_number(m.group(1)) if m else None
            if n:
                marks.append((j, n))
        spans: dict[int, list[tuple[int, int]]] = {}
        for k, (j, n) in enumerate(marks):
            end = marks[k + 1][0] if k + 1 < len(marks) else len(self.rows)
            spans.setdefault(n, []).append((j, end))
        return spans


def _body_span(lines: _Lines, want) -> tuple[int, int] | None:
    """The last (body, not table of contents) span of the part `want` picks; it ends
    at the next part, or at a 名词解释 / 附件 heading printed without a part number."""
    best = None
    for n, spans in lines.part_spans.items():
        for a, b in spans:
            if want(n, lines.rows[a][1]) and b - a > 3:
                best = (a, b) if best is None or a > best[0] else best
    if best is None:
        return None
    a, b = best
    if "名词解释" not in lines.rows[a][1]:
        stop = next((j for j in range(a + 1, b) if _RE_OTHER_PART.match(lines.rows[j][1])), b)
        b = stop
    return a, b


def _heading(line: str) -> tuple[str, int, str] | None:
    m = _RE_HEADING.match(line)
    if m is None:
        return None
    group = m.lastgroup or ""
    digits = m.group(group)
    n = int(digits) if digits.isdigit() else cn_number(digits)
    return (_STYLE[group], n, line[m.end() :]) if n else None


def _row_at(lines: _Lines, pos: int) -> int:
    """The index of the line holding text position `pos`."""
    return max(0, bisect_right(lines.starts, pos) - 1)
