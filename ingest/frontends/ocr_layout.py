"""OCR text lines → the Grid's rows and cells.

The engine returns text lines (a box each) with per-character boxes and
confidences. A slightly rotated scan is levelled first (the median slope of the
long lines), lines whose centres lie within a third of a line height form a row, and
the row's characters are joined into cells by the text-layer PDF's own gap
rules (relative to glyph height, so pixels or points do not matter). Each cell
keeps the lowest confidence of its characters."""

from __future__ import annotations

import math
import re
import statistics
from dataclasses import dataclass
from typing import Any

from ingest.frontends.pdf import _cells
from ingest.grid import Cell, Row

# Centres closer than this share of the box height are one row: the text layer
# groups baselines within 0.35 of the glyph height, and boxes are padded a little.
SAME_ROW = 0.35


@dataclass(slots=True)
class Char:
    left: float
    top: float
    right: float
    bottom: float
    text: str
    conf: float


@dataclass(slots=True)
class Word:
    """One text line as the engine found it."""

    quad: list[list[float]]  # four corners, clockwise from top left
    text: str
    score: float
    chars: list[Char]

    @classmethod
    def from_engine(cls, r: list[Any]) -> Word:
        quad, text, score = [[float(v) for v in p] for p in r[0]], str(r[1]), float(r[2])
        chars: list[Char] = []
        if len(r) >= 6 and r[3]:
            for box, piece, conf in zip(r[3], r[4], r[5], strict=False):
                chars.extend(_split(box, str(piece), float(conf)))
        else:  # no character boxes: spread the line's characters over its box
            chars = _split(quad, text, score)
        return cls(quad, text, score, chars)


def _split(box: list, text: str, conf: float) -> list[Char]:
    """A box holding several characters: each gets an equal share of its width."""
    xs, ys = [float(p[0]) for p in box], [float(p[1]) for p in box]
    left, right, top, bottom = min(xs), max(xs), min(ys), max(ys)
    n = len(text)
    if n == 0:
        return []
    step = (right - left) / n
    return [Char(left + i * step, top, left + (i + 1) * step, bottom, ch, conf) for i, ch in enumerate(text)]


def skew(words: list[Word]) -> float:
    """The page's rotation (radians): median slope of the top edges of long lines."""
    slopes = []
    for w in words:
        (x0, y0), (x1, y1) = w.quad[0], w.quad[1]
        height = abs(w.quad[3][1] - w.quad[0][1]) or 1.0
        if x1 - x0 > 4 * height:
            slopes.append(math.atan2(y1 - y0, x1 - x0))
    return statistics.median(slopes) if len(slopes) >= 3 else 0.0


def _level(words: list[Word], angle: float) -> list[list[Char]]:
    """Each line's characters in levelled coordinates (rotated back by `angle`)."""
    cos, sin = math.cos(angle), math.sin(angle)
    out = []
    for w in words:
        chars = []
        for c in w.chars:
            cx, cy = (c.left + c.right) / 2, (c.top + c.bottom) / 2
            x, y = cx * cos + cy * sin, -cx * sin + cy * cos
            half_w, half_h = (c.right - c.left) / 2, (c.bottom - c.top) / 2
            chars.append(Char(x - half_w, y - half_h, x + half_w, y + half_h, c.text, c.conf))
        if chars:
            out.append(chars)
    return out


def page_rows(words: list[Word], page_no: int, scale: float = 1.0) -> list[Row]:
    """The page's rows in reading order; `scale` turns pixels into points."""
    lines = _level(words, skew(words))
    lines.sort(key=lambda cs: statistics.fmean((c.top + c.bottom) / 2 for c in cs))
    groups: list[tuple[float, float, list[Char]]] = []  # (centre, height, chars)
    for chars in lines:
        centre = statistics.fmean((c.top + c.bottom) / 2 for c in chars)
        height = statistics.median(c.bottom - c.top for c in chars)
        if groups and abs(groups[-1][0] - centre) <= SAME_ROW * min(height, groups[-1][1]):
            g_centre, g_height, g_chars = groups[-1]
            n, m = len(g_chars), len(chars)
            groups[-1] = ((g_centre * n + centre * m) / (n + m), max(g_height, height), g_chars + chars)
        else:
            groups.append((centre, height, list(chars)))
    rows = []
    for centre, height, chars in groups:
        tuples = [(centre * scale, height * scale, c.left * scale, c.right * scale, c.text) for c in chars]
        cells = [c for c in _cells(tuples) if not _SPECK_CELL.match(c.text)]
        for i, cell in enumerate(cells):
            cell.conf = _confidence(cell, chars, scale)
            cell.text = _label_marks(cell.text)
            if i + 1 < len(cells) and _CODE_SPECK.match(cell.text) and _HAN.match(cells[i + 1].text):
                cell.text = cell.text[:-1]  # `2210201.` before its name: a speck, not a decimal point
        if cells:
            rows.append(Row(cells, page_no, centre * scale, positional=True))
    return rows


def _confidence(cell: Cell, chars: list[Char], scale: float) -> float | None:
    """The lowest confidence of the cell's characters; punctuation, which the
    engine is often unsure of and which carries no amount or name, left out."""
    if cell.x0 is None or cell.x1 is None:
        return None
    inside = [c for c in chars if cell.x0 - 1e-6 <= (c.left + c.right) / 2 * scale <= cell.x1 + 1e-6]
    telling = [c.conf for c in inside if c.text.isalnum()] or [c.conf for c in inside]
    return min(telling) if telling else None


_ORDINAL = re.compile(r"^([一二三四五六七八九十]{1,3})[，,.．·:：;；]")
_SPECK_AFTER_CODE = re.compile(r"(\d{3,})[.,，、·:：'`](?=[\u4e00-\u9fff])")  # `2210201.住房公积金`
_CODE_SPECK = re.compile(r"^\d{3}(\d\d){0,2}[.,，、·'`]$")
_HAN = re.compile(r"^[\u4e00-\u9fff]")
_SPECK_CELL = re.compile(
    r"^[.,，、·'`:：;；]+$"
)  # a cell of nothing but dots: noise, never a value or a name
_LEADING_SPECK = re.compile(r"^[、，,.．·'`]+(?=[\u4e00-\u9fff])")


def _label_marks(text: str) -> str:
    """Marks the engine reads as their ASCII look-alikes in names: `十九，` is the
    ordinal `十九、`, brackets next to Chinese are full-width; a noise speck read as
    a dot between a code and its name, or before a name, is dropped. Amounts untouched."""
    if not any("\u4e00" <= ch <= "\u9fff" for ch in text):
        return text
    text = _ORDINAL.sub(r"\1、", text)
    text = _LEADING_SPECK.sub("", _SPECK_AFTER_CODE.sub(r"\1", text))
    return text.replace("(", "（").replace(")", "）")


def page_text(rows: list[Row]) -> str:
    """The page as plain lines, for the narrative and the locator's prose checks."""
    return "\n".join(" ".join(c.text for c in r.cells) for r in rows)
