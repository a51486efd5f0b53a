"""Two-sided tables (01 and 04): R-01/R-04, and 04 fund by fund. Blank cells
dropped on 04's expenditure side are placed by the column totals."""

from __future__ import annotations

from ingest.realign import options_04, search, solve_04
from ingest.record import Problem
from ingest.tables.base import TableReading, TableRow
from ingest.tables.catalog import FUND_COLUMNS, INCOME_ITEMS
from ingest.verify.common import COLUMN_NAMES, Violation, ambiguous, off, realigned


def verify_two_sided(reading: TableReading, trusted: dict | None = None) -> tuple[list[Problem], int]:
    t = reading.table
    vs, checks = two_sided_violations(reading)
    options = options_04(reading) if t == "04" else []
    packed = any(not r.positional and len(o) > 1 for r, o in zip(reading.rows, options, strict=False))
    if (vs or packed) and t == "04":
        count, found = _settle_04(reading, options)
        if found is not None:
            if all(a == r.amounts for a, r in zip(found, reading.rows, strict=True)):
                return [], checks
            return [realigned(reading, found, "各列合计确定空白单元格位置")], checks
        if count > 1:
            return [ambiguous(t)], checks
    return [Problem("error", t, v.rule, v.message(t)) for v in vs], checks


def _settle_04(reading: TableReading, options: list[list[dict]]) -> tuple[int, list[dict] | None]:
    """(How many readings of 04 make every identity hold, capped at 2; the reading
    when there is exactly one.) The expenditure
    side by dynamic programming under 总计, whose fund columns the income side fixes
    (本年收入 + 年初结转 per fund); any other row by search."""
    rows = reading.rows
    holds = lambda c: not two_sided_violations(reading, c)[0]  # noqa: E731
    came = _income_by_fund(reading)

    def fits_04(row: TableRow, a: dict) -> bool:
        if row.label != "总计" or row.side != "expenditure":
            return True
        return all(abs(a.get(f, 0.0) - v) <= 0.015 for f, v in came.items())

    count, tree = solve_04(reading, fits_04)
    if count > 1:
        return count, None  # the identities do not decide
    if tree is None:
        return _one(search(rows, options, holds))
    settled = [
        TableRow(r.label, r.code, a, r.page, side=r.side, positional=r.positional)
        for r, a in zip(rows, tree, strict=True)
    ]
    moved = {i for i, (r, a) in enumerate(zip(rows, tree, strict=True)) if a is not r.amounts}
    in_tree = {
        i for i, r in enumerate(rows) if r.side == "expenditure" and (r.code or r.label in _TREE_LABELS)
    }
    rest = [
        [a] if i in in_tree or i in moved else o for i, (a, o) in enumerate(zip(tree, options, strict=True))
    ]
    return _one(search(settled, rest, holds))


def _one(found: list[list[dict]]) -> tuple[int, list[dict] | None]:
    return min(len(found), 2), found[0] if len(found) == 1 else None


_TREE_LABELS = ("本年支出合计", "总计", "年末财政拨款结转和结余")


def _income_by_fund(reading: TableReading) -> dict[str, float]:
    """What came in per fund: 本年收入 + 年初结转和结余 (when its breakdown adds up)."""
    rows = reading.rows

    def get(label: str) -> float:
        hits = [r.amounts for r in rows if r.side == "income" and r.label == label]
        return next((a for a in hits if a), hits[0] if hits else {}).get("amount", 0.0)

    opening = {f: get(f"年初财政拨款结转和结余（{label}）") for f, label in FUND_COLUMNS}
    if off(sum(opening.values()), get("年初财政拨款结转和结余"), 3):
        return {}
    return {f: get(label) + opening[f] for f, label in FUND_COLUMNS}


def two_sided_violations(reading: TableReading, amounts: list[dict] | None = None):
    """Failing R-01/R-04 identities (and how many ran), for the rows' amounts or a candidate reading."""
    t, rows = reading.table, reading.rows
    amount = {id(r): a for r, a in zip(rows, amounts or [r.amounts for r in rows], strict=True)}

    def _get(rows, side: str, *labels: str, col: str = "amount") -> float:
        # The first such row that has amounts: header words can read as an empty row.
        hits = [amount[id(r)] for r in rows if r.side == side and r.label in labels]
        return next((a for a in hits if a), hits[0] if hits else {}).get(col, 0.0)

    vs: list[Violation] = []
    cols = ["amount"] if t == "01" else ["total", "general", "fund", "state_capital"]
    classes = [r for r in rows if r.side == "expenditure" and r.code]
    income_items = [
        r for r in rows if r.side == "income" and r.label in INCOME_ITEMS[t][: 8 if t == "01" else 3]
    ]
    checks = 0
    inc_total = _get(rows, "income", "本年收入合计")
    checks += 1
    s = sum(amount[id(r)].get("amount", 0.0) for r in income_items)
    if off(s, inc_total, sum(1 for r in income_items if amount[id(r)].get("amount"))):
        vs.append(Violation(f"R-{t}", "本年收入合计（各项收入之和）", s, inc_total))
    for col in cols:
        checks += 1
        s = sum(amount[id(r)].get(col, 0.0) for r in classes)
        tot = _get(rows, "expenditure", "本年支出合计", col=col)
        if off(s, tot, sum(1 for r in classes if amount[id(r)].get(col))):
            vs.append(Violation(f"R-{t}", f"本年支出合计 {COLUMN_NAMES[col]}（各类支出之和）", s, tot))
    if t == "04":
        for r in [
            *classes,
            *[x for x in rows if x.side == "expenditure" and x.label in ("本年支出合计", "总计")],
        ]:
            a = amount[id(r)]
            if a:
                checks += 1
                s = sum(a.get(c, 0.0) for c in cols[1:])
                if off(s, a.get("total", 0.0), 3):
                    vs.append(
                        Violation("R-04", f"“{r.label}”行 合计（三项财政拨款之和）", s, a.get("total", 0.0))
                    )
    if t == "04":
        checks += 3
        vs.extend(_per_fund(rows, amount, _get))
    opening = _get(rows, "income", "年初结转和结余", "年初财政拨款结转和结余")
    ec = cols[0]  # expenditure-side total column: 01 "amount", 04 "total"
    closing = _get(rows, "expenditure", "年末结转和结余", "年末财政拨款结转和结余", col=ec)
    unused = _get(rows, "income", "使用非财政拨款结余")
    distribution = _get(rows, "expenditure", "结余分配", col=ec)
    inc_grand = _get(rows, "income", "总计")
    exp_total = _get(rows, "expenditure", "本年支出合计", col=ec)
    exp_grand = _get(rows, "expenditure", "总计", col=ec)
    checks += 3
    if off(inc_total + unused + opening, inc_grand, 3):
        vs.append(Violation(f"R-{t}", "收入总计", inc_total + unused + opening, inc_grand))
    if off(exp_total + distribution + closing, exp_grand, 3):
        vs.append(Violation(f"R-{t}", "支出总计", exp_total + distribution + closing, exp_grand))
    if off(inc_grand, exp_grand, 1):
        vs.append(Violation(f"R-{t}", "支出总计（应等于收入总计）", inc_grand, exp_grand))
    return vs, checks


def _per_fund(rows, amount, get) -> list[Violation]:
    """04 balances fund by fund: 本年收入 + 年初结转 = 本年支出 (its column) + 年末结转.
    Checked only where the carry-over breakdowns add up to their totals. The
    closing split is printed either on breakdown rows or in the 年末 row's own columns."""
    opening = {f: get(rows, "income", f"年初财政拨款结转和结余（{label}）") for f, label in FUND_COLUMNS}
    split = {
        f: sum(
            amount[id(r)].get(f, amount[id(r)].get("total", 0.0))
            for r in rows
            if r.side == "expenditure" and r.label.startswith("年末") and label in r.label
        )
        for f, label in FUND_COLUMNS
    }
    closing_total = get(rows, "expenditure", "年末财政拨款结转和结余", col="total")
    if not any(split.values()):
        split = {f: get(rows, "expenditure", "年末财政拨款结转和结余", col=f) for f, _ in FUND_COLUMNS}
    closing = split
    if off(sum(opening.values()), get(rows, "income", "年初财政拨款结转和结余"), 3):
        return []
    if off(sum(closing.values()), closing_total, 3):
        return []
    out = []
    for f, label in FUND_COLUMNS:
        came = get(rows, "income", label) + opening[f]
        went = get(rows, "expenditure", "本年支出合计", col=f) + closing[f]
        grand = get(rows, "expenditure", "总计", col=f)
        if off(grand, went, 2):
            out.append(Violation("R-04", f"总计 {COLUMN_NAMES[f]}（本年支出 + 年末结转和结余）", went, grand))
        if off(came, went, 4):
            out.append(
                Violation(
                    "R-04",
                    f"{COLUMN_NAMES[f]}（本年收入 + 年初结转和结余 = 本年支出 + 年末结转和结余）",
                    came,
                    went,
                )
            )
    return out
