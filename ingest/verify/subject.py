"""类/款/项 tables (02 03 05 07 08): R-row, R-07 and R-tree. Where the printed
reading does not balance, or was read without positions, the identities (and
the tables already settled) choose the placement: a row shift, or the tree
placement of realign.py."""

from __future__ import annotations

from ingest.crosscheck import fits
from ingest.realign import solve_tree
from ingest.record import Problem
from ingest.tables.base import TableReading, TableRow
from ingest.tables.catalog import ROW_IDENTITIES
from ingest.tables.subject import placements
from ingest.verify.common import COLUMN_NAMES, Violation, ambiguous, off, realigned


def subject_violations(
    table: str, rows: list[TableRow], columns: list[str], amounts: list[dict] | None = None
) -> tuple[list[Violation], int]:
    """Failing R-row / R-07 / R-tree identities of a 类/款/项 table, and how many ran.
    `amounts` evaluates a candidate reading (one dict per row) without touching the rows."""
    amount = {id(r): a for r, a in zip(rows, amounts or [r.amounts for r in rows], strict=True)}
    out: list[Violation] = []
    checked = 0
    for r in rows:
        for total, parts in ROW_IDENTITIES.get(table, []):
            if not amount[id(r)]:
                continue
            checked += 1
            s = sum(amount[id(r)].get(p, 0.0) for p in parts)
            n = sum(1 for p in parts if p in amount[id(r)])
            if off(s, amount[id(r)].get(total, 0.0), n):
                out.append(
                    Violation(
                        "R-row",
                        f"“{r.label or r.code}”行 {COLUMN_NAMES[total]}",
                        s,
                        amount[id(r)].get(total, 0.0),
                        (r,),
                    )
                )
        if table == "07" and amount[id(r)]:
            checked += 1
            a = amount[id(r)]
            exp = a.get("opening", 0) + a.get("income", 0) - a.get("total", 0)
            if off(exp, a.get("closing", 0), 3):
                out.append(
                    Violation(
                        "R-07", f"“{r.label or r.code}”行 年末结转和结余", exp, a.get("closing", 0), (r,)
                    )
                )
    by_code: dict[str, TableRow] = {}
    for r in rows:
        if r.code and r.code not in by_code:
            by_code[r.code] = r
    children: dict[str | None, list[TableRow]] = {}
    for code, r in by_code.items():
        parent = code[:3] if len(code) == 5 else code[:5] if len(code) == 7 else None
        if parent is not None and parent not in by_code:
            continue
        children.setdefault(parent, []).append(r)
    total_row = next((r for r in rows if r.code is None and r.label in ("合计", "总计")), None)
    total_row = total_row or next((r for r in rows if r.code is None and amount[id(r)]), None)
    for parent, kids in children.items():
        prow = by_code.get(parent) if parent else total_row
        if prow is None:
            continue
        for col in columns:
            checked += 1
            s = sum(amount[id(k)].get(col, 0.0) for k in kids)
            if off(s, amount[id(prow)].get(col, 0.0), sum(1 for k in kids if amount[id(k)].get(col))):
                name = prow.label or prow.code or "合计"
                out.append(
                    Violation(
                        "R-tree",
                        f"“{name}”行 {COLUMN_NAMES.get(col, col)}（下级科目之和）",
                        s,
                        amount[id(prow)].get(col, 0.0),
                        (prow, *kids),
                    )
                )
    return out, checked


def verify_subject(reading: TableReading, trusted: dict | None = None) -> tuple[list[Problem], int]:
    table, rows, columns = reading.table, reading.rows, reading.columns
    violations, checked = subject_violations(table, rows, columns)
    # Values read without positions balance in printed order only by luck unless no
    # other placement does: such a table is checked for other readings as well.
    packed = any(not r.positional and len(placements(table, r.raw_values, columns)) > 1 for r in rows)
    if not violations and not packed:
        return [], checked
    fixed = _try_row_shift(reading) if violations else None
    if fixed:
        how, new_amounts = fixed
        return [realigned(reading, new_amounts, how)], checked
    count, reading_found = solve_tree(reading)
    if count > 1 and trusted:
        count, reading_found = solve_tree(reading, fits(table, trusted))
    if reading_found is not None and not subject_violations(table, rows, columns, reading_found)[0]:
        if all(a == r.amounts for a, r in zip(reading_found, rows, strict=True)):
            return [], checked  # the printed order is the only reading that balances
        return [realigned(reading, reading_found, "空白单元格位置")], checked
    if count > 1:
        return [ambiguous(table)], checked
    return [Problem("error", table, v.rule, v.message(table)) for v in violations], checked


def _count(table, rows, columns, amounts_list) -> int:
    return len(subject_violations(table, rows, columns, amounts_list)[0])


def _try_row_shift(reading: TableReading):
    rows = reading.rows
    amounts = [r.amounts for r in rows]
    for shift, how in ((1, "金额上移一行"), (-1, "金额下移一行")):
        cand = [*amounts[1:], {}] if shift == 1 else [{}, *amounts[:-1]]
        if _count(reading.table, rows, reading.columns, cand) == 0 and _lost(amounts, cand) == 0:
            return how, cand
    return None


def _lost(before, after) -> int:
    """Amounts a shift would drop off the end of the table: a shift may not lose numbers."""
    n_before = sum(len(a) for a in before)
    n_after = sum(len(a) for a in after)
    return n_before - n_after
