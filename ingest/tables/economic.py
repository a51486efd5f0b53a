"""Table 06: economic-class lines laid out in two or three side-by-side groups of
(code, name, amount). Read group by group; the two 合计 rows by their labels."""

from __future__ import annotations

import itertools
import re

from ingest.grid import Row, parse_amount
from ingest.tables.base import TableReading, TableRow
from ingest.tables.layout import clean_label, is_column_number_row
from ingest.tables.locate import Region

_ECON = re.compile(r"^3\d{2}(\d{2})?$")
_TOTALS = ("人员经费合计", "公用经费合计")


def _is_body(row: Row) -> bool:
    return any(_ECON.match(c.text.strip()) for c in row.cells)


def read_economic(region: Region) -> TableReading:
    rows = [r for r in region.rows if not is_column_number_row(r)]
    start = next((i for i, r in enumerate(rows) if _is_body(r)), len(rows))
    body = rows[start:]
    bounds = _group_starts(body)
    grouped = all(r.positional for r in body) and len(bounds) >= 2
    out: list[TableRow] = []
    totals_rows = [r for r in body if any(t in r.text.replace(" ", "") for t in _TOTALS)]
    body = [r for r in body if r not in totals_rows]
    if grouped:
        groups: list[list] = [[] for _ in bounds]
        for r in body:
            margin = min(5.0, 0.25 * min(b - a for a, b in itertools.pairwise(bounds)))
            for c in r.cells:
                left = c.x0 if c.x0 is not None else c.x
                g = max((i for i, b in enumerate(bounds) if left >= b - margin), default=0)
                groups[g].append((r, c))
        streams = groups
    else:
        streams = [[(r, c) for r in body for c in r.cells]]
    for stream in streams:
        out.extend(_read_stream(stream))
    for r in totals_rows:
        out.extend(_read_totals(r))
    return TableReading("06", out, ["amount"])


def _group_starts(body: list[Row]) -> list[float]:
    """Left edges of the side-by-side groups, from where the economic codes sit."""
    xs = sorted(
        c.x0 if c.x0 is not None else c.x
        for r in body
        if r.positional
        for c in r.cells
        if c.x is not None and _ECON.match(c.text.strip())
    )
    if not xs:
        return []
    spread = xs[-1] - xs[0]
    out = [xs[0]]
    for a, b in itertools.pairwise(xs):
        if b - a > max(1.5, spread * 0.15):
            out.append(b)
    return out


def _read_stream(stream) -> list[TableRow]:
    items: list[TableRow] = []
    current: TableRow | None = None
    for row, cell in stream:
        text = cell.text.strip()
        if _ECON.match(text):
            current = TableRow("", text, {}, row.page)
            items.append(current)
            continue
        if current is None:
            continue
        amount = parse_amount(text)
        if amount is not None and "amount" not in current.amounts:
            current.amounts["amount"] = amount
        elif amount is None:
            current.label += text.replace(" ", "")
    for it in items:
        it.label = clean_label(it.label)
    return items


def _read_totals(row: Row) -> list[TableRow]:
    out, current = [], None
    for cell in row.cells:
        text = cell.text.replace(" ", "")
        label = next((t for t in _TOTALS if t in text), None)
        if label:
            current = TableRow(label, None, {}, row.page)
            out.append(current)
            continue
        amount = parse_amount(text)
        if current is not None and amount is not None and "amount" not in current.amounts:
            current.amounts["amount"] = amount
    return out
