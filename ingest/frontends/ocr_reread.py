"""Amounts the text detector cut apart or left partly out, read again whole.

On noisy scans the detector often splits an amount at the wide gap after its
decimal point, and then loses the point (`289` + `59`), reads a digit twice
where two boxes overlap (`9746.5` + `50`), or finds only part of the amount
(`49` of `171.49`). Joining the pieces by their boxes cannot put back what no
box holds, so the whole extent is recognised again as one text line: numeric
boxes on one line closer than `JOIN_GAP` of the line height (the text-layer
PDF measures gaps inside a number at ≤ 0.1 and between cells at ≥ 1.0), each
widened over ink next to it that no box covers, up to a table rule or another
box. The new reading replaces the pieces only when it is itself a number; it is
still checked by the identities like every other cell."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from ingest.frontends.ocr_layout import Word

JOIN_GAP = 0.6  # a gap narrower than this share of the line height lies inside one amount
MIN_GROWTH = 0.25  # ink this far (share of the line height) beyond a box is worth a new reading
PAD = 0.2  # the crop's margin around the ink (share of the line height), as the detector leaves
RULE = 2.0  # a straight ink run longer than this many line heights is a table rule, not text

_NUMBER = re.compile(r"^[-−]?[\d.,:;·]*\d[\d.,:;·]*$")
_COMPLETE = re.compile(r"\d\.\d\d$")  # an amount printed in full: a digit after it starts a new cell

Reader = Callable[[Any, list[tuple[int, int, int, int]]], list[Word]]


@dataclass(slots=True)
class _Span:
    left: float
    top: float
    right: float
    bottom: float
    members: list[int]  # indexes of the words it replaces

    @property
    def height(self) -> float:
        return self.bottom - self.top


def _box(w: Word) -> tuple[float, float, float, float]:
    xs, ys = [p[0] for p in w.quad], [p[1] for p in w.quad]
    return min(xs), min(ys), max(xs), max(ys)


def _numeric(w: Word) -> bool:
    return _NUMBER.match(w.text.strip()) is not None


def _same_line(a: _Span, b: _Span) -> bool:
    overlap = min(a.bottom, b.bottom) - max(a.top, b.top)
    return overlap >= 0.5 * min(a.height, b.height)


def _joinable(words: list[Word], a: _Span, b: _Span) -> bool:
    """`b` (to the right of `a`) continues `a`'s amount: close, and `a` not already complete."""
    gap = b.left - a.right
    if gap < 0:  # overlapping boxes: the same ink read twice
        return True
    complete = _COMPLETE.search(words[a.members[-1]].text.strip()) is not None
    return not complete and gap < JOIN_GAP * min(a.height, b.height)


def _groups(words: list[Word]) -> list[_Span]:
    """Numeric boxes joined into runs along their lines."""
    spans = sorted((_Span(*_box(w), [i]) for i, w in enumerate(words) if _numeric(w)), key=lambda s: s.left)
    out: list[_Span] = []
    for s in spans:
        for g in out:
            if _same_line(g, s) and s.left >= g.left and _joinable(words, g, s):
                g.right, g.top, g.bottom = max(g.right, s.right), min(g.top, s.top), max(g.bottom, s.bottom)
                g.members.append(s.members[0])
                break
        else:
            out.append(_Span(s.left, s.top, s.right, s.bottom, list(s.members)))
    return out


def _text_ink(gray: Any, height: float) -> tuple[Any, Any]:
    """Ink without table rules, and the rules (long straight runs)."""
    import cv2

    _, ink = cv2.threshold(gray, 0, 255, cv2.THRESH_BINARY_INV + cv2.THRESH_OTSU)
    n = max(3, round(RULE * height))
    across = cv2.morphologyEx(ink, cv2.MORPH_OPEN, cv2.getStructuringElement(cv2.MORPH_RECT, (n, 1)))
    down = cv2.morphologyEx(ink, cv2.MORPH_OPEN, cv2.getStructuringElement(cv2.MORPH_RECT, (1, n)))
    rules = (across > 0) | (down > 0)
    return (ink > 0) & ~rules, rules


def _widen(
    span: _Span, ink: Any, rules: Any, others: list[tuple[float, float, float, float]]
) -> tuple[float, float]:
    """The span's left and right ends once uncovered ink within the join gap is taken in;
    a rule or another box on the line stops it."""
    import numpy as np

    h = span.height
    top, bottom = round(span.top + 0.1 * h), round(span.bottom - 0.1 * h)
    if bottom <= top:
        return span.left, span.right
    band = ink[top:bottom]
    stop = rules[top:bottom].any(axis=0)
    for x0, y0, x1, y1 in others:
        if min(y1, bottom) - max(y0, top) >= 0.3 * (bottom - top):
            stop[max(0, round(x0)) : max(0, round(x1))] = True
    has_ink = band.any(axis=0) & ~stop
    tall = np.zeros(band.shape[1], dtype=bool)
    limit = JOIN_GAP * h
    width = band.shape[1]

    def walk(start: int, step: int) -> int:
        end, empty, x = start, 0, start + step
        while 0 <= x < width and not stop[x] and empty <= limit:
            if has_ink[x]:
                end, empty = x, 0
                rows = np.flatnonzero(band[:, x])
                tall[x] = rows[-1] - rows[0] >= 0.5 * (bottom - top)
            else:
                empty += 1
            x += step
        return end

    left, right = round(span.left), min(width - 1, round(span.right))
    new_left, new_right = walk(left, -1), walk(right, 1)
    grew_left = left - new_left >= MIN_GROWTH * h and tall[new_left:left].any()
    grew_right = new_right - right >= MIN_GROWTH * h and tall[right + 1 : new_right + 1].any()
    return (new_left if grew_left else span.left), (new_right + 1 if grew_right else span.right)


def reread(gray: Any, words: list[Word], read: Reader) -> list[Word]:
    """`words` with each cut or partly found amount replaced by one reading of its
    whole extent (`read(gray, boxes)` recognises crops given as (left, top, right, bottom))."""
    import numpy as np

    groups = _groups(words)
    if not groups:
        return words
    height = float(np.median([g.height for g in groups]))
    ink, rules = _text_ink(gray, height)
    boxes = [_box(w) for w in words]
    todo: list[tuple[_Span, tuple[int, int, int, int]]] = []
    for g in groups:
        others = [b for i, b in enumerate(boxes) if i not in g.members]
        left, right = _widen(g, ink, rules, others)
        if len(g.members) == 1 and (left, right) == (g.left, g.right):
            continue  # one box that already holds all its ink: its reading stands
        pad = PAD * g.height
        h, w = gray.shape
        crop = (max(0, round(left - pad)), max(0, round(g.top - 0.1 * g.height)),
                min(w, round(right + pad)), min(h, round(g.bottom + 0.1 * g.height)))  # fmt: skip
        if crop[2] - crop[0] > 2 and crop[3] - crop[1] > 2:
            todo.append((g, crop))
    if not todo:
        return words
    again = read(gray, [crop for _, crop in todo])
    drop: set[int] = set()
    added: list[Word] = []
    for (g, _crop), new in zip(todo, again, strict=True):
        longest = max(sum(ch.isdigit() for ch in words[i].text) for i in g.members)
        if _NUMBER.match(new.text.strip()) and sum(ch.isdigit() for ch in new.text) >= longest:
            drop.update(g.members)
            added.append(new)
    return [w for i, w in enumerate(words) if i not in drop] + added
