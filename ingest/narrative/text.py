"""The narrative as one normalised text: page offsets, excluded parts (glossary,
key work), sentences, and the pattern building blocks every fact module uses."""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from typing import Any

from ingest.record import Fact

# ---------------------------------------------------------------------------
# Text normalisation

_TRANS = str.maketrans({"％": "%", "．": "."} | {chr(0xFF10 + i): str(i) for i in range(10)})
_FULLWIDTH = "％．０１２３４５６７８９"
_RE_FULLWIDTH = re.compile(f"[{_FULLWIDTH}]")
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
    if _RE_FULLWIDTH.search(s):
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
        self.raw_pages: list[str] = list(pages)  # the layout step reads lines, before they are joined
        self.lines: Any = None  # the layout step's line index, built once per document

    def _excluded_spans(self) -> list[tuple[int, int]]:
        text = self.text
        parts = [m.start() for m in _RE_PART.finditer(text)]
        spans = []

        def until_next_part(pos: int) -> int:
            i = bisect_left(parts, pos)  # a part that starts right where the heading ends is the next one
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
        s = self.sentence_start(start)
        e = self.text.find("。", end, end + _MAX_FWD)
        e = end if e < 0 else e + 1
        self._sentences[key] = out = self.text[s:e]
        return out

    def sentence_start(self, start: int) -> int:
        text = self.text
        lo = max(0, start - _MAX_BACK)
        s = text.rfind("。", lo, start) + 1 or lo
        if s < start:
            heads = _RE_HEAD.findall(text, s, start)
            if heads:
                s = text.rindex(heads[-1], s, start) + len(heads[-1])
        return s


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
        m: re.Match | None,
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
        if m is None and (pos is None or text is None):
            raise ValueError("a fact without a match needs its position and text")
        p = pos if pos is not None else m.start()  # type: ignore[union-attr]
        if text is None:
            text = self.doc.sentence(m.start(), m.end())  # type: ignore[union-attr]
        self._seq += 1
        self.items.append((p, self._seq, Fact(kind, code, label, value, unit, self.doc.page(p), text)))

    def has(self, kind: str) -> bool:
        return (kind,) in self.single

    def facts(self) -> list[Fact]:
        return [f for _, _, f in sorted(self.items, key=lambda t: (t[0], t[1]))]


def _before(m: re.Match, n: int) -> str:
    s = m.start()
    return m.string[max(0, s - n) : s]
