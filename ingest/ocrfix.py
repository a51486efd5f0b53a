"""OCR confusions corrected only where the identities confirm them.

A scanned table that does not balance is tried again with the cell readings an
OCR engine typically confuses: letters for digits (O/0, l/1, S/5, B/8), a colon
or comma for the decimal point, a dropped decimal point, a noise speck at the
end of a number, and 5/6/8-style digit swaps in cells the engine was unsure of.
A correction is kept only when it is the one edit (or the one small set of
edits) that makes its table balance without unbalancing another; it is said on
the table (`ocr_corrected`) and marked on the cell (`Line.placement`). A cell
read with low confidence that no identity confirms is reported
(`ocr_low_confidence`)."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import replace
from itertools import combinations

from ingest.grid import parse_amount
from ingest.ocrfix_edits import Edit, candidates, identity_errors, long_code, malformed, witnessed
from ingest.ocrfix_report import low_confidence, malformed_left, ocr_pages_problem
from ingest.record import Problem
from ingest.tables.base import TableReading, TableRow
from ingest.tables.locate import Region
from ingest.verify import TABLE_NAMES, common

__all__ = ["fix_ocr", "ocr_pages_problem"]

MAX_HITS = 12  # balancing readings compared for exactness, at most
PAIR_CELLS, MAX_PAIRS = 8, 5000  # two-edit corrections: among the 8 least sure cells
ROUNDS = 6  # search passes over the tables: each may settle one more identity
SECONDS = 20.0  # per document for the search: a scan that needs more stays reported
Evaluation = tuple[dict[str, TableReading], list[Problem], int]
Evaluate = Callable[[], Evaluation]
CheckTable = Callable[[Region, dict[str, TableReading]], list[Problem]]


def fix_ocr(
    regions: list[Region], evaluate: Evaluate, check_table: CheckTable, base: Evaluation
) -> Evaluation:
    """Keep the confirmed corrections; the evaluation (readings, problems, checks)
    after them. `evaluate` reads and verifies the whole document from the regions'
    cells; `check_table(region, trusted)` one table against tables already settled."""
    started = time.monotonic()
    current = base
    kept: list[Edit] = []
    for _round in range(ROUNDS):
        errors = identity_errors(current[1])
        progress = False
        for region in regions:
            t = region.table
            untidy = any(malformed(c) or long_code(region, c) for r in region.rows for c in r.cells)
            if not (errors.get(t) or untidy) or time.monotonic() - started > SECONDS:
                continue
            edits = witnessed(candidates(region, current[1]), region, regions)
            found = _search(region, edits, evaluate, check_table, current, started)
            if found is not None:
                edits, current = found
                kept.extend(edits)
                errors = identity_errors(current[1])
                progress = True
        if not progress:
            break
    kept, current = _unless_balanced(kept, regions, evaluate, current)
    if kept:
        _mark(kept, regions, evaluate, current)
    current[1].extend(malformed_left(regions))
    current[1].extend(low_confidence(regions, current))
    return current


def _unless_balanced(
    kept: list[Edit], regions: list[Region], evaluate: Evaluate, current: Evaluation
) -> tuple[list[Edit], Evaluation]:
    """Edits that balanced only part of a table are undone where the table still
    fails: a correction stands only when its table balances."""
    failing = identity_errors(current[1])
    table_of = {id(c): rg.table for rg in regions for r in rg.rows for c in r.cells}
    undo = [e for e in kept if e.partial and failing.get(table_of[id(e.cell)])]
    if not undo:
        return kept, current
    for e in reversed(undo):
        e.cell.text = e.old
    return [e for e in kept if e not in undo], evaluate()


def _search(
    region: Region,
    edits: list[Edit],
    evaluate: Evaluate,
    check_table: CheckTable,
    current: Evaluation,
    started: float,
) -> tuple[list[Edit], Evaluation] | None:
    """The one smallest set of edits (1, then the number-like ones together, then
    pairs) after which the region's table balances and no other table fails more."""
    table = region.table
    before = identity_errors(current[1])
    total = sum(before.values())

    trusted = {t: r for t, r in current[0].items() if t != table and not before.get(t)}

    def attempt(chosen: tuple[Edit, ...], partial: bool = False) -> Evaluation | None:
        """The evaluation after `chosen` when it balances the table (or, `partial`,
        balances some of its failing identities), unbalancing nothing else."""
        if len({id(e.cell) for e in chosen}) < len(chosen):
            return None
        old = [e.cell.text for e in chosen]
        for e in chosen:
            e.cell.text = e.new
        try:  # the one table first (cheap); the whole document only when it balances
            left = identity_errors(check_table(region, trusted)).get(table, 0)
            if left >= (before.get(table, 0) if partial else 1):
                return None
            got = evaluate()
        finally:
            for e, o in zip(chosen, old, strict=True):
                e.cell.text = o
        after = identity_errors(got[1])
        worse = any(n > before.get(t, 0) for t, n in after.items())
        if partial:
            return got if not worse and after.get(table, 0) < before.get(table, 0) else None
        tidier = any(malformed(e.cell) or long_code(region, e.cell) for e in chosen)  # made whole
        return got if not after.get(table) and not worse and (sum(after.values()) < total or tidier) else None

    def exact(chosen: tuple[Edit, ...]) -> bool:
        old = [e.cell.text for e in chosen]
        for e in chosen:
            e.cell.text = e.new
        try:
            with common.exact():
                return not identity_errors(check_table(region, trusted)).get(table)
        finally:
            for e, o in zip(chosen, old, strict=True):
                e.cell.text = o

    number_like = tuple(e for e in edits if e.why == "识别字符混淆")
    tiers: list[list[tuple[Edit, ...]]] = [[(e,) for e in edits[:200]]]
    if len(number_like) > 1:
        tiers.append([number_like])
    tiers.append(_pairs(edits))
    tiers.append(
        tiers[0]
    )  # last, one edit that balances part of the table (`fix_ocr` keeps it only if the rest follows)
    for n, tier in enumerate(tiers):
        partial = n == len(tiers) - 1
        hits = []
        for chosen in tier:
            if time.monotonic() - started > SECONDS:
                return None
            got = attempt(chosen, partial)
            if got is not None:
                hits.append((chosen, got))
                if len(hits) > MAX_HITS:
                    return None
        if partial and len(hits) > 1:  # only the one edit that balances the most decides
            best = max(sum(identity_errors(got[1]).values()) * -1 for _, got in hits)
            hits = [h for h in hits if -sum(identity_errors(h[1][1]).values()) == best]
            if len(hits) != 1:
                hits = _together(hits, attempt)
                if not hits:
                    return None
        elif len(hits) > 1:  # within rounding several balance: only an exact one decides
            hits = [h for h in hits if exact(h[0])]
            if len(hits) != 1:
                return None  # the identities do not decide
        if hits:
            chosen, _ = hits[0]
            for e in chosen:
                e.cell.text = e.new
            return [replace(e, partial=partial) for e in chosen], evaluate()
    return None


def _together(
    hits: list[tuple[tuple[Edit, ...], Evaluation]], attempt: Callable[..., Evaluation | None]
) -> list[tuple[tuple[Edit, ...], Evaluation]]:
    """Tied partial hits that are one reading each of different cells (several cells
    each settling an identity of their own) applied together, when together they
    settle more than any one alone; nothing when a cell has two such readings."""
    cells = [id(e.cell) for chosen, _ in hits for e in chosen]
    if len(set(cells)) != len(cells):
        return []
    combined = tuple(e for chosen, _ in hits for e in chosen)
    got = attempt(combined, True)
    if got is None or sum(identity_errors(got[1]).values()) >= min(
        sum(identity_errors(g[1]).values()) for _, g in hits
    ):
        return []
    return [(combined, got)]


def _pairs(edits: list[Edit]) -> list[tuple[Edit, ...]]:
    """Two edits in two different cells, among the least sure cells' alternatives."""
    order: list[int] = []
    for e in edits:  # already in order: cells on failing rows first, least sure first
        if id(e.cell) not in order:
            order.append(id(e.cell))
    unsure = set(order[:PAIR_CELLS])
    pool = [e for e in edits if id(e.cell) in unsure]
    pairs: list[tuple[Edit, ...]] = [(a, b) for a, b in combinations(pool, 2) if a.cell is not b.cell]
    return pairs[:MAX_PAIRS]


def _mark(kept: list[Edit], regions: list[Region], evaluate: Evaluate, current: Evaluation) -> None:
    """Say each kept correction on its table, and mark the cells it changed."""
    readings, problems, _ = current
    for edit in kept:
        table = next(rg.table for rg in regions if any(edit.cell is c for r in rg.rows for c in r.cells))
        note = f"OCR识别更正：“{edit.old}”→“{edit.new}”（{edit.why}，按勾稽关系确认）"
        edit.cell.text = edit.old
        without = evaluate()[0].get(table)
        edit.cell.text = edit.new
        moved = []
        for r, cols in _changed(readings[table], without, parse_amount(edit.new)):
            r.placement = f"{r.placement}；{note}" if r.placement else note
            r.placed_columns |= cols
            moved.append(r.label or r.code or "合计")
        where = f"“{moved[0]}”行" if moved else ""
        problems.append(
            Problem(
                "warning",
                table,
                "ocr_corrected",
                f"公开{table}表（{TABLE_NAMES[table]}）第 {edit.page} 页{where}扫描识别为“{edit.old}”，"
                f"按勾稽关系更正为“{edit.new}”（{edit.why}，更正后全表勾稽相符），请核对原件",
            )
        )


def _changed(
    reading: TableReading, without: TableReading | None, value: float | None
) -> list[tuple[TableRow, set[str]]]:
    """The rows (and their columns) whose amounts differ from the reading without the edit."""
    if without is None or value is None:
        return []
    if len(without.rows) == len(reading.rows):
        pairs: list[tuple[TableRow, TableRow | None]] = list(zip(reading.rows, without.rows, strict=True))
    else:  # the cell had been read as part of a name: rows match by code and position in the tree
        by_key = {(w.side, w.code, w.label): w for w in without.rows}
        pairs = [(r, by_key.get((r.side, r.code, r.label))) for r in reading.rows]
    out = []
    for r, w in pairs:
        old = w.amounts if w is not None else {}
        cols = {k for k in set(r.amounts) | set(old) if abs(r.amounts.get(k, 0) - old.get(k, 0)) > 1e-9}
        if w is None:
            cols = {k for k, v in r.amounts.items() if abs(v - value) < 1e-9}
        if cols:
            out.append((r, cols))
    return out
