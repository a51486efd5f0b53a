"""Re-place values the identities can place when blank cells were dropped
(flowed text without positions) or the column order was misread: table 04's
fund columns and table 09's 预算数/决算数 slots. A placement is taken only when
it is the one reading (at the fewest moves from the printed order) that makes
every identity of the table hold; several readings that hold are reported."""

from __future__ import annotations

from collections.abc import Callable
from itertools import combinations

from ingest.tables.base import TableReading, TableRow
from ingest.tables.catalog import SANGONG_ITEMS
from ingest.tables.subject import placements

_BUDGET = 6000  # candidate readings evaluated per table, at most


def search(
    rows: list[TableRow], options: list[list[dict]], holds: Callable[[list[dict]], bool]
) -> list[list[dict]]:
    """Readings (one amounts dict per row) for which `holds` is true, at the
    fewest rows moved away from their current amounts; at most two (two mean
    the identities do not decide)."""
    current = [r.amounts for r in rows]
    if holds(current):
        return [current]
    movable = [i for i, o in enumerate(options) if any(a != current[i] for a in o)]
    budget = _BUDGET
    for moved in range(1, min(len(movable), 4) + 1):
        found: list[list[dict]] = []
        for chosen in combinations(movable, moved):
            alts = [[a for a in options[i] if a != current[i]] for i in chosen]
            for pick in _product(alts):
                budget -= 1
                if budget < 0:
                    return found
                cand = list(current)
                for i, a in zip(chosen, pick, strict=True):
                    cand[i] = a
                if holds(cand):
                    found.append(cand)
                    if len(found) > 1:
                        return found
        if found:
            return found
    return []


def _product(lists: list[list]):
    if not lists:
        yield ()
        return
    for head in lists[0]:
        for tail in _product(lists[1:]):
            yield (head, *tail)


def options_04(reading: TableReading) -> list[list[dict]]:
    """Each 04 expenditure row: its printed values in every order-preserving
    placement over 合计 + three funds that keeps 合计 = Σ funds."""
    keys = ["total", "general", "fund", "state_capital"]
    out = []
    for r in reading.rows:
        if r.side == "expenditure" and r.raw_values and len(r.raw_values) < len(keys):
            out.append([r.amounts, *placements("04", r.raw_values, keys)])
        else:
            out.append([r.amounts])
    return out


def sangong_slots(n_values: int, extra: bool) -> list[list[str]]:
    """The two printed orders of table 09's slots: 预算数 block then 决算数 block,
    or 预算数/决算数 pairs item by item."""
    items = [*SANGONG_ITEMS, *(("meeting", "training") if extra else ())]
    grouped = [f"{p}_{it}" for p in ("budget", "actual") for it in items]
    paired = [f"{p}_{it}" for it in items for p in ("budget", "actual")]
    return [grouped, paired]


def options_09(row: TableRow, balanced: Callable[[dict], bool]) -> list[dict]:
    """Every reading of the 三公 row's printed values, in either printed order,
    with the values in order-preserving slots, that satisfies the row identities."""
    values = row.raw_values
    extra = len(values) > 2 * len(SANGONG_ITEMS)
    seen: list[dict] = []
    for slots in sangong_slots(len(values), extra):
        if len(values) > len(slots):
            continue
        for idx in combinations(range(len(slots)), len(values)):
            amounts = {slots[i]: v for i, v in zip(idx, values, strict=True)}
            if balanced(amounts) and not any(_same(amounts, s) for s in seen):
                seen.append(amounts)
                if len(seen) > 1:
                    return seen  # the identities do not decide
    return seen


def _same(a: dict, b: dict) -> bool:
    keys = set(a) | set(b)
    return all(abs(a.get(k, 0.0) - b.get(k, 0.0)) < 1e-9 for k in keys)


def mark_moved(rows: list[TableRow], before: list[dict], how: str) -> list[str]:
    """Record on each row whose amounts moved how they were placed; the row names."""
    moved = []
    for r, old in zip(rows, before, strict=True):
        if not _same(r.amounts, old):
            r.placement = how
            moved.append(r.label or r.code or "合计")
    return moved
