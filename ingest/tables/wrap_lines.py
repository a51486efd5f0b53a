"""Which anchored row a label-only line (a wrapped name's line) belongs to, from the
rows' geometry: the table's own wrapped-line pitch first, else the nearer row."""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field

from ingest.grid import Cell, Row


@dataclass
class Line:
    """A physical row split into code, label and value cells while rows are assembled."""

    row: Row
    code: str | None
    labels: list[Cell]
    values: list[Cell]
    anchored: bool
    # (fragment, the other candidate, fragment before the chosen row's name, before the other's)
    doubtful: list[tuple[str, Line, bool, bool]] = field(default_factory=list)


# A fragment whose two distances differ by less than this share of the larger sits halfway:
# top-aligned cells put a name's continuation under its row, so the row above wins.
_HALFWAY = 0.25
# Closer than this share of the larger distance, neither row is nearer (a tie).
_TIE = 0.03


def owner(row: Row, anchors: list[Line], own_label: dict[int, bool]) -> tuple[Line | None, Line | None]:
    """The anchored row a label-only line (a wrapped name) belongs to, and the other
    candidate when the geometry does not say it. The nearer row: in any regular cell
    alignment (top, centred, bottom) a name's own lines are closer to each other than
    to the next row's, the line spacing being smaller than the spacing plus the cell
    padding. Halfway, when both rows start their own names, the row above (top-aligned
    cells), even if the one below is a little nearer. That choice against the nearer
    row, and a tie, are doubtful: the other row is returned so that it is said."""
    same = [a for a in anchors if a.row.page == row.page]
    above = max((a for a in same if a.row.y < row.y), key=lambda a: a.row.y, default=None)
    below = min((a for a in same if a.row.y > row.y), key=lambda a: a.row.y, default=None)
    if above is None or below is None:
        return above or below, None
    d_above, d_below = row.y - above.row.y, below.row.y - row.y
    spread = abs(d_above - d_below) / max(d_above, d_below)
    nearer = None if spread <= _TIE else above if d_above < d_below else below
    if spread <= _HALFWAY and own_label[id(below)] and own_label[id(above)]:
        chosen = above
    else:
        chosen = nearer or above
    if chosen is nearer:
        return chosen, None
    return chosen, below if chosen is above else above


# Consecutive lines of one cell are at most the wrapped-line pitch apart; lines of two
# rows are further apart by the cells' padding. A gap this share above the pitch parts rows.
_PITCH_SLACK = 0.15


def pitch_owners(parsed: list[Line]) -> dict[int, tuple[Line, None]]:
    """The rows the table's own wrapped-line pitch settles. In any regular cell alignment
    the lines of one cell (a wrapped name's lines, and its amounts' line among or between
    them) are at most the pitch apart, and two rows' lines further. So positioned lines
    run together across gaps up to the pitch; a run holding exactly one anchored row is
    that row's cell, and a label-only line in it is its name, whichever row is nearer. A
    run with no anchored row or several (rows no further apart than a name's lines:
    top-aligned cells with thin padding, line indices of a text grid) settles nothing.
    The pitch is the spacing of consecutive name-bearing lines of one wrapped name: the
    smallest spacing of such lines in the table (its cluster's median), measured without
    the line being placed, so that a line is never judged by its own distances."""
    pages = _page_lines(parsed)
    gaps = [
        (b.row.y - a.row.y, a, b)
        for lines in pages
        for a, b in itertools.pairwise([p for p in lines if p.labels])
        if b.row.y > a.row.y
    ]
    out: dict[int, tuple[Line, None]] = {}
    for lines in pages:
        for i, line in enumerate(lines):
            if line.anchored or not line.labels:
                continue
            pitch = _pitch([g for g, a, b in gaps if line is not a and line is not b])
            if pitch is None:
                continue
            run = _run(lines, i, pitch * (1 + _PITCH_SLACK))
            anchored = [p for p in run if p.anchored]
            if len(anchored) == 1:
                out[id(line)] = (anchored[0], None)
    return out


def _page_lines(parsed: list[Line]) -> list[list[Line]]:
    pages: dict[int, list[Line]] = {}
    for p in parsed:
        if p.row.positional:
            pages.setdefault(p.row.page, []).append(p)
    return [sorted(lines, key=lambda p: p.row.y) for lines in pages.values()]


def _pitch(gaps: list[float]) -> float | None:
    if not gaps:
        return None
    gaps = sorted(gaps)
    cluster = [g for g in gaps if g <= gaps[0] * (1 + _PITCH_SLACK)]
    return cluster[len(cluster) // 2]


def _run(lines: list[Line], i: int, limit: float) -> list[Line]:
    """The lines around lines[i] joined to it across gaps up to `limit`."""
    lo, hi = i, i
    while lo > 0 and lines[lo].row.y - lines[lo - 1].row.y <= limit:
        lo -= 1
    while hi + 1 < len(lines) and lines[hi + 1].row.y - lines[hi].row.y <= limit:
        hi += 1
    return lines[lo : hi + 1]
