"""What every table reader returns: rows of keyed amounts in the printed unit."""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass, field

from ingest.grid import Row, parse_amount
from ingest.tables.layout import WrapDoubt, clean_label, is_column_number_row, split_label_values

TOTAL_LABELS = {"合计", "总计", "本年合计"}


@dataclass
class TableRow:
    label: str
    code: str | None
    amounts: dict[str, float]  # column key → amount, printed unit
    page: int
    side: str | None = None
    # The row's amounts in printed order: the verifier re-places them when blanks were dropped.
    raw_values: list[float] = field(default_factory=list)
    placement: str | None = None  # how the identities re-placed the amounts, when not as printed
    placed_columns: set[str] = field(default_factory=set)  # the cells that moved
    positional: bool = False  # amounts placed by printed positions (else by order: blanks may be lost)


@dataclass
class TableReading:
    table: str
    rows: list[TableRow]
    columns: list[str]  # column keys present in this table's layout
    uncertain: str | None = None  # why column placement is a guess (positions lost)
    notes: list[str] = field(default_factory=list)  # what the reader left out, for a warning
    unit: str = "万元"  # as printed; the identities are checked in it
    doubts: list[WrapDoubt] = field(default_factory=list)  # wrapped names the geometry left open


def first_body_index(rows: list[Row], is_body) -> int:
    for i, row in enumerate(rows):
        if is_column_number_row(row):
            continue
        if is_body(row):
            # Amounts printed a line above the first label still belong to the body.
            if i > 0 and _amounts_only(rows[i - 1]) and not is_column_number_row(rows[i - 1]):
                return i - 1
            if i > 1 and _wrapped_label_above(rows[i - 2], rows[i - 1], rows[i]):
                return i - 1
            return i
    return len(rows)


def _wrapped_label_above(before: Row, row: Row, first: Row) -> bool:
    """The first line of a wrapped name printed above its (vertically centred) row."""
    if not row.positional or len(row.cells) != 1 or row.page != first.page or before.page != row.page:
        return False
    text = row.cells[0].text
    if parse_amount(text) is not None or re.search(r"科目|项目|编码|栏次|单位[:：]", text):
        return False
    return (first.y - row.y) < 0.6 * (row.y - before.y)


def _amounts_only(row: Row) -> bool:
    return bool(row.cells) and all(parse_amount(c.text) is not None and "." in c.text for c in row.cells)


def has_code_or_total(row: Row) -> bool:
    codes, labels, values = split_label_values(row, None)
    label = clean_label("".join(c.text for c in labels))
    if codes and any(len(c.text) >= 3 for c in codes) and (labels or values):
        return True
    return label in TOTAL_LABELS and bool(values or row.positional)


def fill_missing_centres(found: dict[str, float], keys: list[str]) -> dict[str, float]:
    """Columns whose header keyword was not found: interpolate in standard order."""
    if len(found) < 2:
        return found
    known = [(i, found[k]) for i, k in enumerate(keys) if k in found]
    out = dict(found)
    step = (known[-1][1] - known[0][1]) / max(1, known[-1][0] - known[0][0])
    for i, k in enumerate(keys):
        if k in out:
            continue
        before = [p for p in known if p[0] < i]
        after = [p for p in known if p[0] > i]
        if before and after:
            (i0, x0), (i1, x1) = before[-1], after[0]
            out[k] = x0 + (x1 - x0) * (i - i0) / (i1 - i0)
        elif before:
            out[k] = before[-1][1] + step * (i - before[-1][0])
        else:
            out[k] = after[0][1] - step * (after[0][0] - i)
    return out


def value_left_of(centres: dict[str, float]) -> float | None:
    if not centres:
        return None
    xs = sorted(centres.values())
    gap = min((b - a for a, b in itertools.pairwise(xs)), default=1.0)
    return xs[0] - gap * 0.6


def is_integer_token(text: str) -> bool:
    return bool(re.fullmatch(r"\d{1,2}", text.strip())) and parse_amount(text) is not None
