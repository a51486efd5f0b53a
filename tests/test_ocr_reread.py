"""Amounts the detector cut apart or found only in part are read again whole.

The failures are the ones seen on noisy scans of the real 2024 PDFs (bench_ocr):
`289` + `59` with the decimal point in neither box, `9746.5` + `50` with a digit
in both, and `49` found while `171.` beside it was missed. They are planted in the
recorded engine output of tests/fixtures/scan/table01.png; the engine then only
recognises the crops (no detection), so the test takes a second or two."""

from __future__ import annotations

import copy

import numpy as np
import pytest
from golden_util import cells

from ingest.frontends import ocr
from ingest.frontends.ocr_layout import Char, Word
from ingest.frontends.ocr_reread import _groups, _widen, reread
from ingest.parse import parse_bytes
from tests.test_ocr import PNG, WANT, _words


def _piece(chars: list[Char]) -> Word:
    """A text line holding just these characters, boxed as the engine boxes them."""
    left, right = min(c.left for c in chars), max(c.right for c in chars)
    top, bottom = min(c.top for c in chars), max(c.bottom for c in chars)
    quad = [[left, top], [right, top], [right, bottom], [left, bottom]]
    return Word(quad, "".join(c.text for c in chars), 0.99, copy.deepcopy(chars))


def _cut(words: list[Word], text: str, *pieces: slice) -> None:
    """Replace the line `text` by the pieces of its characters the slices select."""
    i = next(i for i, w in enumerate(words) if w.text == text)
    chars = words[i].chars
    words[i : i + 1] = [_piece(chars[s]) for s in pieces]


def _word(text: str, left: float, right: float, top: float = 100, bottom: float = 124) -> Word:
    quad = [[left, top], [right, top], [right, bottom], [left, bottom]]
    return Word(quad, text, 0.99, [])


def test_pieces_of_one_amount_are_grouped_and_cells_are_not():
    words = [
        _word("289", 600, 636),  # `289` + `59`: the point in neither box
        _word("59", 642, 666),
        _word("9746.5", 700, 765),  # overlapping boxes: `5` in both
        _word("50", 757, 782),
        _word("1.00", 900, 936),  # a complete amount, then the next cell close by
        _word("2.00", 948, 984),
        _word("17.70", 600, 650, top=140, bottom=164),  # another line
    ]
    got = sorted(g.members for g in _groups(words))
    assert got == [[0, 1], [2, 3], [4], [5], [6]]


def test_widening_takes_in_uncovered_ink_up_to_a_rule():
    from ingest.frontends.ocr_reread import _Span

    ink = np.zeros((60, 300), dtype=bool)
    rules = np.zeros_like(ink)
    for x in (40, 52, 64, 80, 92):  # five digit strokes, the box holds only the last two
        ink[20:44, x : x + 6] = True
    ink[40:44, 72:76] = True  # the decimal point
    ink[20:44, 24:30] = True  # the next cell's ink, beyond a table rule
    rules[:, 34] = True
    span = _Span(78.0, 18.0, 100.0, 46.0, [0])
    assert _widen(span, ink, rules, []) == (40, 100.0)
    assert _widen(span, ink, np.zeros_like(ink), [])[0] == 24  # without the rule it would run on
    assert _widen(span, ink, rules, [(60.0, 18.0, 70.0, 46.0)])[0] == 78.0  # another box stops it


def test_a_box_holding_all_its_ink_is_not_read_again():
    from PIL import Image

    gray = np.asarray(Image.open(PNG).convert("L"))
    calls = []
    words = _words()
    assert reread(gray, words, lambda g, boxes: calls.append(boxes) or []) == words
    assert calls == []


@pytest.fixture
def planted(monkeypatch):
    """The page's engine output with cut amounts planted; recognition of crops is real."""
    words = _words()
    _cut(words, "6365.82", slice(0, 4), slice(5, 7))  # `6365` + `82`, the point lost
    _cut(words, "1323.37", slice(5, 7))  # only `37` found
    _cut(words, "4207.25", slice(0, 6), slice(5, 7))  # `4207.2` + `25`: the `2` twice
    monkeypatch.setattr(ocr, "engine_words", lambda gray: copy.deepcopy(words))
    return words


def test_cut_amounts_read_back_whole(planted):
    texts = {w.text for w in planted}
    assert {"6365", "82", "37", "4207.2", "25"} <= texts
    result = parse_bytes(PNG.read_bytes(), "table01.png")
    assert [c for c in cells(result) if c[0] == "01"] == WANT
    assert not [p for p in result.problems if p.severity == "error" and p.table == "01"]
    assert not [p for p in result.problems if p.code == "ocr_corrected"]  # read, not corrected
