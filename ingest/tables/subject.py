"""Tables by functional subject (02 03 05 07 08): 合计 row, then 类/款/项 rows."""

from __future__ import annotations

from itertools import combinations

from ingest.tables.base import (
    TOTAL_LABELS,
    TableReading,
    TableRow,
    fill_missing_centres,
    first_body_index,
    has_code_or_total,
    value_left_of,
)
from ingest.tables.catalog import COLUMNS, OPTIONAL_COLUMNS, ROW_IDENTITIES
from ingest.tables.layout import (
    assemble,
    assign_by_order,
    assign_by_position,
    header_columns,
)
from ingest.tables.locate import Region


def read_subject_table(region: Region) -> TableReading:
    table = region.table
    spec = COLUMNS[table]
    start = first_body_index(region.rows, has_code_or_total)
    header, body = region.rows[:start], region.rows[start:]
    found = header_columns(header, spec)
    optional = OPTIONAL_COLUMNS.get(table, set())
    header_text = "".join(r.text for r in header).replace(" ", "")
    printed = {c.key for c in spec if any(k in header_text for k in c.keywords)}  # also without positions
    keys = [c.key for c in spec if c.key not in optional or c.key in found or c.key in printed]
    centres = fill_missing_centres(found, keys) if found else {}
    value_left = value_left_of(centres)
    rows: list[TableRow] = []
    last = {3: "", 5: ""}
    doubts = []
    for lr in assemble(body, value_left, lambda label: label in TOTAL_LABELS):
        doubts += lr.doubtful
        if not lr.values and not lr.code and lr.label not in TOTAL_LABELS:
            continue
        code = _resolve_code(lr.code, last)
        if lr.label in TOTAL_LABELS or (not code and "合计" in lr.label):
            code = None
        amounts = None
        if lr.positional and len(centres) == len(keys):
            amounts = assign_by_position(lr.values, centres)
        row = TableRow(lr.label, code, amounts or {}, lr.page, positional=amounts is not None)
        if amounts is None:
            row.amounts = assign_by_order(lr.values, keys)
        row.raw_values = [v[1] for v in lr.values]
        rows.append(row)
    if not any(any(r.amounts.values()) for r in rows):
        doubts = []  # a table without amounts gives no cells: its labels reach nothing
    return TableReading(table, rows, keys, doubts=doubts)


def _resolve_code(code: str | None, last: dict[int, str]) -> str | None:
    if not code:
        return None
    if len(code) == 2:  # split code printing only the 款 or 项 part
        code = (last[5] if last[5] and last[5].startswith(last[3]) else last[3]) + code
    if len(code) == 3:
        last[3], last[5] = code, ""
    elif len(code) == 5:
        last[5] = code
    return code


def placements(table: str, values: list[float], keys: list[str]) -> list[dict[str, float]]:
    """Every order-preserving placement of a row's values into the columns that
    satisfies the row identity: the candidates when blanks were dropped."""
    if not values or len(values) > len(keys) or len(keys) > 8:
        return []
    out = []
    for idx in combinations(range(len(keys)), len(values)):
        amounts = {keys[i]: v for i, v in zip(idx, values, strict=True)}
        if row_balances(table, amounts):
            out.append(amounts)
    return out


def row_balances(table: str, amounts: dict[str, float], tol: float = 0.01) -> bool:
    for total, parts in ROW_IDENTITIES.get(table, []):
        present = [p for p in parts if p in amounts]
        if total not in amounts and not present:
            continue
        diff = amounts.get(total, 0.0) - sum(amounts.get(p, 0.0) for p in parts)
        if abs(diff) > tol * max(1, len(present)) + 1e-9:
            return False
    if table == "07":
        closing = amounts.get("opening", 0) + amounts.get("income", 0) - amounts.get("total", 0)
        if abs(closing - amounts.get("closing", 0)) > tol * 3 + 1e-9:
            return False
    return True
