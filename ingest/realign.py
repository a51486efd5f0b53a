"""Re-place values the identities can place when blank cells were dropped
(flowed text without positions) or the column order was misread: table 04's
fund columns and table 09's 预算数/决算数 slots. A placement is taken only when
it is the one reading (at the fewest moves from the printed order) that makes
every identity of the table hold; several readings that hold are reported."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from functools import lru_cache
from itertools import combinations

from ingest.tables.base import TableReading, TableRow
from ingest.tables.catalog import SANGONG_ITEMS
from ingest.tables.subject import placements

_BUDGET = 6000  # candidate readings evaluated per table, at most


def search(
    rows: list[TableRow], options: list[list[dict]], holds: Callable[[list[dict]], bool]
) -> list[list[dict]]:
    """Readings (one amounts dict per row) for which `holds` is true, at the
    fewest rows moved away from where they were printed; at most two (two mean
    the identities do not decide). Rows read without positions had no printed
    place: every placement of theirs is tried, at no cost."""
    current = [r.amounts for r in rows]
    free = [i for i, r in enumerate(rows) if not r.positional and len(options[i]) > 1]
    if free:
        found: list[list[dict]] = []
        for n, pick in enumerate(_product([options[i] for i in free])):
            if n >= _BUDGET:
                return []
            cand = list(current)
            for i, a in zip(free, pick, strict=True):
                cand[i] = a
            if holds(cand) and not any(all(_same(x, y) for x, y in zip(cand, f, strict=True)) for f in found):
                found.append(cand)
                if len(found) > 1:
                    return found
        return found
    if holds(current):
        return [current]
    movable = [i for i, o in enumerate(options) if any(a != current[i] for a in o)]
    budget = _BUDGET
    for moved in range(1, min(len(movable), 4) + 1):
        found = []
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


def options_09(row: TableRow, accept: Callable[[dict], bool], extra: bool) -> list[dict] | None:
    """Every reading of the 三公 row's printed values, in either printed order,
    with the values in order-preserving slots, that satisfies the row identities
    and `accept`; None when too many readings balance to list them all.
    `extra`: the header has 会议费/培训费 columns."""
    extra = extra or len(row.raw_values) > 2 * len(SANGONG_ITEMS)
    readings = _balanced_09(tuple(round(v * 100) for v in row.raw_values), extra)
    if readings is None:
        return None
    out: list[dict] = []
    for a in readings:
        amounts = {k: v / 100 for k, v in a.items()}
        if accept(amounts) and not any(_same(amounts, o) for o in out):
            out.append(amounts)
    return out


_MAX_09 = 3000


@lru_cache(maxsize=256)
def _balanced_09(cents: tuple[int, ...], extra: bool) -> tuple[dict, ...] | None:
    """The readings (in cents) whose 合计 and 小计 hold in both phases."""
    out = []
    for slots in sangong_slots(len(cents), extra):
        if len(cents) > len(slots):
            continue
        for idx in combinations(range(len(slots)), len(cents)):
            a = {slots[i]: v for i, v in zip(idx, cents, strict=True)}
            if _holds_09(a):
                out.append(a)
                if len(out) > _MAX_09:
                    return None
    return tuple(out)


def _holds_09(a: dict) -> bool:
    for p in ("budget", "actual"):
        g = a.get
        if abs(g(f"{p}_vehicle_purchase", 0) + g(f"{p}_vehicle_operation", 0) - g(f"{p}_vehicle", 0)) > 2:
            return False
        three = g(f"{p}_outbound", 0) + g(f"{p}_vehicle", 0) + g(f"{p}_reception", 0)
        five = three + g(f"{p}_meeting", 0) + g(f"{p}_training", 0)
        total = g(f"{p}_total", 0)
        if abs(three - total) > 3 and abs(five - total) > 5:
            return False
    return True


def _same(a: dict, b: dict) -> bool:
    keys = set(a) | set(b)
    return all(abs(a.get(k, 0.0) - b.get(k, 0.0)) < 1e-9 for k in keys)


def mark_moved(rows: list[TableRow], before: list[dict], how: str) -> list[str]:
    """Record on each row whose amounts moved how they were placed, and which of
    its cells now hold another value than printed; the names of those rows."""
    moved = []
    for r, old in zip(rows, before, strict=True):
        changed = {
            k for k in set(r.amounts) | set(old) if abs(r.amounts.get(k, 0.0) - old.get(k, 0.0)) > 1e-9
        }
        if changed:
            r.placement = how
            r.placed_columns = changed
            moved.append(r.label or r.code or "合计")
    return moved


_STATES = 20000  # partial-sum states per parent candidate, at most


class _Tree:
    """Blanks dropped in a 类/款/项 table: each row's placement (the order-preserving
    ones that keep its row identity) chosen so that every parent equals the sum
    of its children in every column. Dynamic programming over the tree: for each
    row and each of its placements, the fewest moved rows in its subtree that
    make it hold, and how many such readings there are (capped at 2)."""

    def __init__(
        self,
        reading: TableReading,
        fits: Callable[[TableRow, dict], bool],
        children: dict[int | None, list[int]],
        total: int | None,
        fixed: dict[int, list[dict]] | None = None,
    ):
        rows, self.cols = reading.rows, reading.columns
        self.cands = []
        self.current = [r.amounts for r in rows]
        self.moved: list[list[bool]] = []
        for i, r in enumerate(rows):
            alts = placements(reading.table, r.raw_values, self.cols) if r.raw_values else []
            alts = (fixed or {}).get(i, alts)
            own = alts or [r.amounts]  # placements that keep the row identity (the printed one among them)
            kept = [a for a in own if fits(r, a)] or own  # other tables' totals narrow the choice
            self.cands.append(kept)
            # Moving a value away from where it was printed costs; packed values had no place.
            self.moved.append([r.positional and a != r.amounts for a in kept])
        self.children, self.total = children, total
        self._vecs: dict[tuple[int, int], tuple[int, ...]] = {}
        self.memo: dict[int, dict[int, tuple]] = {}
        self.n = len(rows)

    def vec(self, i: int, k: int) -> tuple[int, ...]:
        key = (i, k)
        if key not in self._vecs:
            a = self.cands[i][k]
            self._vecs[key] = tuple(round(a.get(c, 0.0) * 100) for c in self.cols)
        return self._vecs[key]

    def feasible(self, i: int) -> dict[int, tuple]:
        """candidate index → (moves, count, picks) for row i and its subtree."""
        if i not in self.memo:
            kids = self.children.get(i, [])
            out = {}
            for k in range(len(self.cands[i])):
                hit = self.fill(kids, self.vec(i, k)) if kids else (0, 1, ())
                if hit is not None:
                    out[k] = (hit[0] + self.moved[i][k], hit[1], hit[2])
            self.memo[i] = out
        return self.memo[i]

    def fill(self, kids: list[int], target: tuple[int, ...]) -> tuple | None:
        """(moves, count, picks) of the kids' placements summing to `target`."""
        slack = len(kids)  # rounding: a cent per addend
        bounded = all(t >= 0 for t in target)
        states: dict[tuple, tuple] = {tuple(0 for _ in target): (0, 1, ())}
        for kid in kids:
            options = self.feasible(kid)
            new: dict[tuple, tuple] = {}
            for s, (m, n, picks) in states.items():
                for k, (km, kn, _) in options.items():
                    v = tuple(a + b for a, b in zip(s, self.vec(kid, k), strict=True))
                    if bounded and any(x > t + slack for x, t in zip(v, target, strict=True)):
                        continue
                    old = new.get(v)
                    mm, nn = m + km, min(2, n * kn)
                    if old is None or mm < old[0]:
                        new[v] = (mm, nn, (*picks, (kid, k)))
                    elif mm == old[0]:
                        new[v] = (mm, min(2, old[1] + nn), old[2])
            if not new or len(new) > _STATES:
                return None
            states = new
        hits = [
            st for v, st in states.items() if all(abs(x - t) <= slack for x, t in zip(v, target, strict=True))
        ]
        if not hits:
            return None
        moves = min(h[0] for h in hits)
        best = [h for h in hits if h[0] == moves]
        return moves, min(2, sum(h[1] for h in best)), best[0][2]

    def solve(self) -> tuple[int, list[dict] | None]:
        roots = [i for i in self.children.get(None, []) if i != self.total]
        choice: dict[int, int] = {}
        if self.total is not None:
            found = {
                k: hit
                for k in range(len(self.cands[self.total]))
                if (hit := self.fill(roots, self.vec(self.total, k)))
            }
            if not found:
                return 0, None
            mv = self.moved[self.total]
            moves = min(h[0] + mv[k] for k, h in found.items())
            best = [(k, h) for k, h in found.items() if h[0] + mv[k] == moves]
            if len(best) > 1 or best[0][1][1] > 1:
                return 2, None
            choice[self.total] = best[0][0]
            picks = list(best[0][1][2])
        else:
            picks = []
            for i in roots:
                options = self.feasible(i)
                if not options:
                    return 0, None
                moves = min(o[0] for o in options.values())
                tied = [k for k, o in options.items() if o[0] == moves]
                if len(tied) > 1 or options[tied[0]][1] > 1:
                    return 2, None
                picks.append((i, tied[0]))
        while picks:  # unfold the chosen placements down the tree
            i, k = picks.pop()
            choice[i] = k
            picks.extend(self.feasible(i)[k][2])
        return 1, [self.cands[i][choice[i]] if i in choice else self.current[i] for i in range(self.n)]


def _anything(_row: TableRow, _amounts: dict) -> bool:
    return True


def solve_tree(
    reading: TableReading, fits: Callable[[TableRow, dict], bool] = _anything
) -> tuple[int, list[dict] | None]:
    """(readings that balance at the fewest moved rows, capped at 2; the reading if one).
    `fits` drops a row's placements that contradict tables already read."""
    rows = reading.rows
    index: dict[str, int] = {}
    for i, r in enumerate(rows):
        if r.code and r.code not in index:
            index[r.code] = i
    children: dict[int | None, list[int]] = {}
    for code, i in index.items():
        parent = index.get(code[:5] if len(code) == 7 else code[:3] if len(code) == 5 else "")
        children.setdefault(parent, []).append(i)
    total = next((i for i, r in enumerate(rows) if r.code is None and r.amounts), None)
    return _Tree(reading, fits, children, total).solve()


def solve_04(reading: TableReading, fits: Callable[[TableRow, dict], bool]) -> tuple[int, list[dict] | None]:
    """Table 04's expenditure side as a tree over its four columns: 总计 = 本年支出合计
    + 年末结转和结余 (or its per-fund breakdown rows), 本年支出合计 = Σ 类. `fits`
    holds what the income side demands of 总计 fund by fund."""
    from ingest.tables.catalog import FUND_COLUMNS

    rows = reading.rows

    def find(label: str) -> int | None:
        return next((i for i, r in enumerate(rows) if r.side == "expenditure" and r.label == label), None)

    total, grand, closing = find("本年支出合计"), find("总计"), find("年末财政拨款结转和结余")
    if total is None:
        return 0, None
    classes = [i for i, r in enumerate(rows) if r.side == "expenditure" and r.code]
    children: dict[int | None, list[int]] = {total: classes}
    fixed: dict[int, list[dict]] = {}
    if grand is None:
        children[None] = [total]
    else:
        kids = [total]
        split = [
            i
            for i, r in enumerate(rows)
            if r.side == "expenditure" and r.label.startswith("年末") and "（" in r.label and r.raw_values
        ]
        if (closing is not None and len(rows[closing].raw_values) > 1) or not split:
            kids += [closing] if closing is not None else []
        else:  # the per-fund breakdown rows carry the split: each in its fund's column
            for i in split:
                col = next((c for c, name in FUND_COLUMNS if name in rows[i].label), None)
                v = sum(rows[i].raw_values)
                fixed[i] = [{"total": v, col: v}] if col else [rows[i].amounts]
            kids += split
        children[None], children[grand] = [grand], kids
    right = TableReading(reading.table, rows, ["total", "general", "fund", "state_capital"])
    return _Tree(right, fits, children, None, fixed).solve()


def by_evidence(found: list[dict], tests: Sequence[Callable[[dict], bool]]) -> list[dict]:
    """The readings that pass every test some reading passes. A test that no reading
    passes contradicts the table whatever the placement (a printing error its own rule
    reports: X-09, N-06), so it cannot tell the placements apart and is not used."""
    useful = [t for t in tests if any(t(a) for a in found)]
    return [a for a in found if all(t(a) for t in useful)]


def one_reading(found: list[dict]) -> tuple[dict | None, bool]:
    """The 三公 reading when every candidate agrees on the contract's items; 会议费/
    培训费 values the candidates place differently are left out (the flag says so)."""
    if not found:
        return None, False
    core = [f"{p}_{it}" for p in ("budget", "actual") for it in SANGONG_ITEMS]
    first = found[0]
    if any(any(abs(f.get(k, 0.0) - first.get(k, 0.0)) > 1e-9 for k in core) for f in found[1:]):
        return None, False
    out = {k: v for k, v in first.items() if k in core}
    dropped = False
    for k in {k for f in found for k in f} - set(core):
        values = {round(f.get(k, 0.0), 6) for f in found}
        if len(values) == 1:
            if first.get(k):
                out[k] = first[k]
        else:
            dropped = True
    return out, dropped
