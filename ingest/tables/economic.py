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
_ECON_PARTS = re.compile(r"^3\d{2} \d{2}$")  # 类 and 款 printed apart: `301 01`
_ITEM_PART = re.compile(r"^\d{2}$")
_TOTALS = ("人员经费合计", "公用经费合计")


def _is_code(text: str) -> bool:
    text = text.strip()
    return bool(_ECON.match(text) or _ECON_PARTS.match(text))


def _is_body(row: Row) -> bool:
    return any(_is_code(c.text) for c in row.cells)


def read_economic(region: Region) -> TableReading:
    rows = [r for r in region.rows if not is_column_number_row(r)]
    start = next((i for i, r in enumerate(rows) if _is_body(r)), len(rows))
    if 2 <= start < len(rows) and _name_line_above(rows[start - 2], rows[start - 1], rows[start]):
        start -= 1  # the first line of a name centred on the first body row
    body = rows[start:]
    bounds = _group_starts(body)
    grouped = all(r.positional for r in body) and len(bounds) >= 2
    out: list[TableRow] = []
    totals_rows = [r for r in body if any(t in r.text.replace(" ", "") for t in _TOTALS)]
    body = [r for r in body if r not in totals_rows]
    notes: list[str] = []
    if grouped:
        groups: list[list] = [[] for _ in bounds]
        for r in body:
            margin = min(5.0, 0.25 * min(b - a for a, b in itertools.pairwise(bounds)))
            for c in r.cells:
                left = c.x0 if c.x0 is not None else c.x
                if left is None:  # a stray line without positions is not a table row
                    notes.append(f"第 {r.page} 页“{r.text[:30]}”不在表格栏目中，未计入")
                    continue
                g = max((i for i, b in enumerate(bounds) if left >= b - margin), default=0)
                groups[g].append((r, c))
        streams = groups
    else:
        streams = [[(r, c) for r in body for c in r.cells]]
    for stream in streams:
        out.extend(_read_stream(stream))
    for r in totals_rows:
        out.extend(_read_totals(r))
    return TableReading("06", out, ["amount"], notes=notes)


_HEADER_WORD = re.compile(r"科目|代码|编码|名称|决算|经费|项目|合计|类|款")


def _name_line_above(before: Row, row: Row, first: Row) -> bool:
    if not (row.positional and first.positional) or row.page != first.page or before.page != row.page:
        return False
    if any(parse_amount(c.text) is not None or _HEADER_WORD.search(c.text) for c in row.cells):
        return False
    return (first.y - row.y) < 0.6 * (row.y - before.y)


def _group_starts(body: list[Row]) -> list[float]:
    """Left edges of the side-by-side groups, from where the economic codes sit."""
    xs = sorted(
        c.x0 if c.x0 is not None else c.x
        for r in body
        if r.positional
        for c in r.cells
        if c.x is not None and _is_code(c.text)
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
    """One group's cells in reading order: a code starts an item, its first amount
    follows; name fragments go to the item whose line they are nearest (a wrapped
    name is centred on its row, so its first line can sit above the code)."""
    items: list[tuple[TableRow, int, float]] = []
    fragments: list[tuple[int, float, float, str, TableRow | None]] = []
    current: TableRow | None = None
    for row, cell in stream:
        text = cell.text.strip()
        if _is_code(text):
            current = TableRow("", text.replace(" ", ""), {}, row.page)
            items.append((current, row.page, row.y))
            continue
        if (
            current is not None
            and _ITEM_PART.match(text)
            and current.code
            and len(current.code) == 3
            and not current.label
            and "amount" not in current.amounts
        ):
            current.code += text  # `301` `01`: the 款 part of the code, never an amount
            continue
        amount = parse_amount(text)
        if amount is not None:
            if current is not None and "amount" not in current.amounts:
                current.amounts["amount"] = amount
        else:
            fragments.append((row.page, row.y, cell.x or 0.0, text.replace(" ", ""), current))
    named = {(p, y) for p, y, _x, _t, _o in fragments}
    where = {id(it): (p, y) for it, p, y in items}
    target: TableRow | None
    for page, y, _x, text, owner in sorted(fragments, key=lambda f: (f[0], f[1], f[2])):
        if owner is not None and where[id(owner)] == (page, y):
            target = owner  # the item it follows on its own line (the common case)
        else:
            target = _nearest(items, page, y, owner, named)
        if target is not None:
            target.label += text
    for it, _page, _y in items:
        it.label = clean_label(it.label)
    return [it for it, _page, _y in items]


def _nearest(items, page: int, y: float, owner: TableRow | None, named: set) -> TableRow | None:
    """The item on the fragment's line, else the nearest one; on a tie the one whose
    own line has no name (its name is wrapped around it), else the one with the
    longest name so far (only long names wrap)."""
    same = [(abs(iy - y), it, (ip, iy) in named) for it, ip, iy in items if ip == page]
    if not same:
        return owner
    best = min(d for d, _, _ in same)
    tied = [(it, has_name) for d, it, has_name in same if d - best < 1e-6]
    unnamed = [it for it, has_name in tied if not has_name]
    if len(tied) > 1 and len(unnamed) == 1:
        return unnamed[0]
    if len(tied) > 1:
        return max((it for it, _ in tied), key=lambda it: len(it.label))
    return tied[0][0]


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
