"""Check every table against its own identities (R-row, R-tree, R-econ, R-01,
R-04, R-07, R-09). Where the straightforward reading of a 类/款/项 table does not
balance, try the alternatives (values shifted a row against labels; blanks
dropped so values slid left) and keep the one that balances; otherwise keep the
printed values and report every identity that fails. Never a silent wrong number."""

from __future__ import annotations

from dataclasses import dataclass

from ingest.crosscheck import fits, sangong_fits
from ingest.realign import mark_moved, one_reading, options_04, options_09, search, solve_04, solve_tree
from ingest.record import Problem
from ingest.tables.base import TableReading, TableRow
from ingest.tables.catalog import INCOME_ITEMS, ROW_IDENTITIES, TREE_TABLES
from ingest.tables.subject import placements

TABLE_NAMES = {
    "01": "收入支出决算总表",
    "02": "收入决算表",
    "03": "支出决算表",
    "04": "财政拨款收入支出决算总表",
    "05": "一般公共预算财政拨款支出决算表",
    "06": "一般公共预算财政拨款基本支出决算表",
    "07": "政府性基金预算财政拨款收入支出决算表",
    "08": "国有资本经营预算财政拨款支出决算表",
    "09": "财政拨款“三公”经费支出决算表",
}
COLUMN_NAMES = {
    "total": "合计",
    "fiscal": "财政拨款收入",
    "superior_subsidy": "上级补助收入",
    "business": "事业收入",
    "operating": "经营收支",
    "affiliated_remittance": "附属单位上缴收入",
    "other": "其他收入",
    "basic": "基本支出",
    "project": "项目支出",
    "remit_superior": "上缴上级支出",
    "affiliated_subsidy": "对附属单位补助支出",
    "general": "一般公共预算财政拨款",
    "fund": "政府性基金预算财政拨款",
    "state_capital": "国有资本经营预算财政拨款",
    "opening": "年初结转和结余",
    "income": "本年收入",
    "closing": "年末结转和结余",
    "amount": "金额",
    "budget_initial": "年初预算数",
    "budget_adjusted": "调整预算数",
}


@dataclass
class Violation:
    rule: str
    where: str
    expected: float
    actual: float
    rows: tuple = ()  # the TableRows whose amounts take part

    def message(self, table: str) -> str:
        return (
            f"公开{table}表（{TABLE_NAMES[table]}）{self.where}：按勾稽关系应为 {self.expected:,.2f}，"
            f"表中为 {self.actual:,.2f}，相差 {self.actual - self.expected:,.2f}"
        )


def _off(expected: float, actual: float, addends: int) -> bool:
    return abs(expected - actual) > 0.01 * max(1, addends) + 1e-6


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
            if _off(s, amount[id(r)].get(total, 0.0), n):
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
            if _off(exp, a.get("closing", 0), 3):
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
            if _off(s, amount[id(prow)].get(col, 0.0), sum(1 for k in kids if amount[id(k)].get(col))):
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
        return [_realigned(reading, new_amounts, how)], checked
    count, reading_found = solve_tree(reading)
    if count > 1 and trusted:
        count, reading_found = solve_tree(reading, fits(table, trusted))
    if reading_found is not None and not subject_violations(table, rows, columns, reading_found)[0]:
        if all(a == r.amounts for a, r in zip(reading_found, rows, strict=True)):
            return [], checked  # the printed order is the only reading that balances
        return [_realigned(reading, reading_found, "空白单元格位置")], checked
    if count > 1:
        return [_ambiguous(table)], checked
    return [Problem("error", table, v.rule, v.message(table)) for v in violations], checked


def _realigned(reading: TableReading, new_amounts: list[dict], how: str) -> Problem:
    """Apply a reading the identities chose; a warning naming the rows that moved."""
    before = [r.amounts for r in reading.rows]
    for r, a in zip(reading.rows, new_amounts, strict=True):
        r.amounts = a
    moved = mark_moved(reading.rows, before, f"按勾稽关系重新对齐（{how}）")
    names = "、".join(f"“{m}”" for m in moved[:6]) + (f"等 {len(moved)} 行" if len(moved) > 6 else "")
    t = reading.table
    return Problem(
        "warning",
        t,
        "realigned",
        f"公开{t}表（{TABLE_NAMES[t]}）按原样读取不平衡，已按{how}重新对齐{names}后全部勾稽相符，请核对原件",
    )


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


_PLACEMENT_BUDGET = 2500  # candidate readings evaluated per table, at most


def _try_placements(reading: TableReading):
    """Blanks dropped: re-place values along each 类→款→项 chain (a misplaced
    value propagates up the tree, so rows of a chain must move together).
    Only chains through a row involved in a failing identity are tried."""
    from itertools import product

    rows = reading.rows
    alternatives = [placements(reading.table, r.raw_values, reading.columns) for r in rows]
    for r, alts in zip(rows, alternatives, strict=True):
        if (
            r.amounts
            and not alts
            and not placements(reading.table, list(r.amounts.values()), reading.columns)
        ):
            return None  # a row that balances under no placement: a wrong number, not a layout
    involved = _involved_rows(reading)
    current = [r.amounts for r in rows]
    best = _count(reading.table, rows, reading.columns, current)
    budget = _PLACEMENT_BUDGET
    for _sweep in range(4):
        improved = False
        for chain in _chains(rows):
            if not involved.intersection(chain):
                continue
            options = [[current[i], *[a for a in alternatives[i] if a != current[i]]] for i in chain]
            size = 1
            for o in options:
                size *= len(o)
            if size == 1 or size > budget:
                continue
            for combo in product(*options):
                budget -= 1
                cand = list(current)
                for i, a in zip(chain, combo, strict=True):
                    cand[i] = a
                n = _count(reading.table, rows, reading.columns, cand)
                if n < best:
                    best, current, improved = n, cand, True
                    if best == 0:
                        return "空白单元格位置", current
        if not improved or budget <= 0:
            break
    return None


def _involved_rows(reading: TableReading) -> set[int]:
    """Indexes of the rows that take part in a failing identity."""
    bad = {id(r) for v in subject_violations(reading.table, reading.rows, reading.columns)[0] for r in v.rows}
    return {i for i, r in enumerate(reading.rows) if id(r) in bad}


def _chains(rows: list[TableRow]) -> list[list[int]]:
    """Index lists [合计?, 类, 款, 项] for every leaf row, shortest first."""
    index = {r.code: i for i, r in enumerate(rows) if r.code}
    total = next((i for i, r in enumerate(rows) if r.code is None and r.amounts), None)
    chains = []
    for code, _i in index.items():
        prefixes = [code[:n] for n in (3, 5, 7) if n <= len(code)]
        chain = [index[p] for p in prefixes if p in index]
        chains.append(chain)
        if total is not None:
            chains.append([total, *chain])
    return sorted(chains, key=len)


def verify_two_sided(reading: TableReading, trusted: dict | None = None) -> tuple[list[Problem], int]:
    t = reading.table
    vs, checks = two_sided_violations(reading)
    options = options_04(reading) if t == "04" else []
    packed = any(not r.positional and len(o) > 1 for r, o in zip(reading.rows, options, strict=False))
    if (vs or packed) and t == "04":
        found = _settle_04(reading, options)
        if len(found) == 1:
            if all(a == r.amounts for a, r in zip(found[0], reading.rows, strict=True)):
                return [], checks
            return [_realigned(reading, found[0], "各列合计确定空白单元格位置")], checks
        if len(found) > 1:
            return [_ambiguous(t)], checks
    return [Problem("error", t, v.rule, v.message(t)) for v in vs], checks


def _settle_04(reading: TableReading, options: list[list[dict]]) -> list[list[dict]]:
    """Readings of 04 that make every identity hold (at most two): the classes by
    dynamic programming under 本年支出合计 (fixed fund by fund by the income side),
    then the rows outside that tree (总计, breakdowns) by search."""
    rows = reading.rows
    holds = lambda c: not two_sided_violations(reading, c)[0]  # noqa: E731
    per_fund = _per_fund_targets(reading)

    def fits_04(row: TableRow, a: dict) -> bool:
        if row.label != "本年支出合计" or row.side != "expenditure":
            return True
        return all(abs(a.get(f, 0.0) - v) <= 0.015 for f, v in per_fund.items())

    count, tree = solve_04(reading, fits_04)
    if count > 1:
        return [tree or [], []]  # two readings: the identities do not decide
    if tree is None:
        return search(rows, options, holds)
    # The tree settles 本年支出合计 and the 类 rows; the rows outside it (总计, the
    # carry-over breakdowns) keep their own placements to choose from.
    settled = [
        TableRow(r.label, r.code, a, r.page, side=r.side, positional=r.positional)
        for r, a in zip(rows, tree, strict=True)
    ]
    rest = [
        [a] if r.code or r.label == "本年支出合计" else o for r, a, o in zip(rows, tree, options, strict=True)
    ]
    return search(settled, rest, holds)


def _per_fund_targets(reading: TableReading) -> dict[str, float]:
    """本年支出合计 per fund column as the income side fixes it (本年收入 + 年初结转 − 年末结转),
    when the carry-over breakdown rows add up to their totals."""
    rows = reading.rows
    amount = {id(r): r.amounts for r in rows}

    def get(rows, side: str, *labels: str, col: str = "amount") -> float:
        hits = [amount[id(r)] for r in rows if r.side == side and r.label in labels]
        return next((a for a in hits if a), hits[0] if hits else {}).get(col, 0.0)

    opening = {f: get(rows, "income", f"年初财政拨款结转和结余（{label}）") for f, label in _FUNDS}
    closing = {
        f: sum(
            sum(r.amounts.values())
            for r in rows
            if r.side == "expenditure" and r.label.startswith("年末") and label in r.label
        )
        for f, label in _FUNDS
    }
    if _off(sum(opening.values()), get(rows, "income", "年初财政拨款结转和结余"), 3):
        return {}
    if _off(sum(closing.values()), get(rows, "expenditure", "年末财政拨款结转和结余", col="total"), 3):
        return {}
    return {f: get(rows, "income", label) + opening[f] - closing[f] for f, label in _FUNDS}


def _ambiguous(t: str) -> Problem:
    return Problem(
        "error",
        t,
        "placement_uncertain",
        f"公开{t}表（{TABLE_NAMES[t]}）按原样读取不平衡，且空白单元格有多种可能的位置，无法确定各栏金额，请核对原件",
    )


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
    if _off(s, inc_total, sum(1 for r in income_items if amount[id(r)].get("amount"))):
        vs.append(Violation(f"R-{t}", "本年收入合计（各项收入之和）", s, inc_total))
    for col in cols:
        checks += 1
        s = sum(amount[id(r)].get(col, 0.0) for r in classes)
        tot = _get(rows, "expenditure", "本年支出合计", col=col)
        if _off(s, tot, sum(1 for r in classes if amount[id(r)].get(col))):
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
                if _off(s, a.get("total", 0.0), 3):
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
    if _off(inc_total + unused + opening, inc_grand, 3):
        vs.append(Violation(f"R-{t}", "收入总计", inc_total + unused + opening, inc_grand))
    if _off(exp_total + distribution + closing, exp_grand, 3):
        vs.append(Violation(f"R-{t}", "支出总计", exp_total + distribution + closing, exp_grand))
    if _off(inc_grand, exp_grand, 1):
        vs.append(Violation(f"R-{t}", "支出总计（应等于收入总计）", inc_grand, exp_grand))
    return vs, checks


_FUNDS = (
    ("general", "一般公共预算财政拨款"),
    ("fund", "政府性基金预算财政拨款"),
    ("state_capital", "国有资本经营预算财政拨款"),
)


def _per_fund(rows, amount, get) -> list[Violation]:
    """04 balances fund by fund: 本年收入 + 年初结转 = 本年支出 (its column) + 年末结转.
    Checked only where the carry-over breakdown rows add up to their totals."""
    opening = {f: get(rows, "income", f"年初财政拨款结转和结余（{label}）") for f, label in _FUNDS}
    closing = {
        f: sum(
            sum(amount[id(r)].values())
            for r in rows
            if r.side == "expenditure" and r.label.startswith("年末") and label in r.label
        )
        for f, label in _FUNDS
    }
    if _off(sum(opening.values()), get(rows, "income", "年初财政拨款结转和结余"), 3):
        return []
    if _off(sum(closing.values()), get(rows, "expenditure", "年末财政拨款结转和结余", col="total"), 3):
        return []
    out = []
    for f, label in _FUNDS:
        came = get(rows, "income", label) + opening[f]
        went = get(rows, "expenditure", "本年支出合计", col=f) + closing[f]
        grand = get(rows, "expenditure", "总计", col=f)
        if _off(grand, went, 2):
            out.append(Violation("R-04", f"总计 {COLUMN_NAMES[f]}（本年支出 + 年末结转和结余）", went, grand))
        if _off(came, went, 4):
            out.append(
                Violation(
                    "R-04",
                    f"{COLUMN_NAMES[f]}（本年收入 + 年初结转和结余 = 本年支出 + 年末结转和结余）",
                    came,
                    went,
                )
            )
    return out


def verify_economic(reading: TableReading, trusted: dict | None = None) -> tuple[list[Problem], int]:
    rows = reading.rows
    by_code = {r.code: r.amounts.get("amount", 0.0) for r in rows if r.code}
    vs, checks = [], 0
    for group in sorted(c for c in by_code if len(c) == 3):
        items = [c for c in by_code if len(c) == 5 and c.startswith(group)]
        if items:
            checks += 1
            s = sum(by_code[c] for c in items)
            if _off(s, by_code[group], sum(1 for c in items if by_code[c])):
                vs.append(Violation("R-econ", f"{group}（明细之和）", s, by_code[group]))
    totals = {r.label: r.amounts.get("amount", 0.0) for r in rows if not r.code}
    groups = [c for c in by_code if len(c) == 3]
    personnel = [c for c in groups if c in ("301", "303")]
    public = [c for c in groups if c not in ("301", "303")]
    for label, parts in (("人员经费合计", personnel), ("公用经费合计", public)):
        if label in totals:
            checks += 1
            s = sum(by_code[c] for c in parts)
            if _off(s, totals[label], sum(1 for c in parts if by_code[c])):
                vs.append(Violation("R-econ", label, s, totals[label]))
    return [Problem("error", "06", v.rule, v.message("06")) for v in vs], checks


_SANGONG_HOW = {
    False: "三公经费各项勾稽关系确定各栏位置",
    True: "三公经费各项勾稽关系确定各栏位置（会议费、培训费归属无法确定，未计入）",
}


def sangong_violations(a: dict) -> list[Violation]:
    vs = []
    for phase in ("budget", "actual"):
        g = lambda k, p=phase: a.get(f"{p}_{k}", 0.0)  # noqa: E731
        name = "预算数" if phase == "budget" else "决算数"
        vehicle = g("vehicle_purchase") + g("vehicle_operation")
        if _off(vehicle, g("vehicle"), 2):
            vs.append(Violation("R-row", f"{name} 公务用车小计", vehicle, g("vehicle")))
        three = g("outbound") + g("vehicle") + g("reception")
        extra = three + g("meeting") + g("training")
        if _off(three, g("total"), 3) and _off(extra, g("total"), 5):
            vs.append(Violation("R-row", f"{name} 合计", three, g("total")))
    return vs


def verify_sangong(reading: TableReading, trusted: dict | None = None) -> tuple[list[Problem], int]:
    """R-row on the 三公 row. When the printed order does not balance, or blanks
    were dropped so the order is a guess, the identities choose among the
    readings of both printed orders (预算数 block or 预算数/决算数 pairs)."""
    problems: list[Problem] = []
    floor = sangong_fits(trusted or {})
    extra = any("meeting" in k or "training" in k for k in reading.columns)
    for r in reading.rows:
        vs = sangong_violations(r.amounts)
        if not vs and not reading.uncertain:
            continue
        found = options_09(r, lambda a, floor=floor: not sangong_violations(a) and floor(a), extra)
        chosen, dropped = one_reading(found)
        if chosen is not None:
            if chosen != r.amounts:
                problems.append(_realigned(reading, [chosen], _SANGONG_HOW[dropped]))
            continue
        if len(found) > 1:
            problems.append(_ambiguous("09"))
            continue
        problems.extend(Problem("error", "09", v.rule, v.message("09")) for v in vs)
    return problems, 4 * len(reading.rows)


def settle_sangong(reading: TableReading, facts) -> Problem | None:
    """09 left open by its identities: the 三公 amounts the narrative states
    (预算 and 决算 per item) pick the one placement that agrees with them."""
    stated = {f.kind.removeprefix("sangong_"): f.value for f in facts if f.kind.startswith("sangong_")}
    if not stated or not reading.rows:
        return None
    row = reading.rows[0]

    def agrees(a: dict) -> bool:
        return not sangong_violations(a) and all(abs(a.get(k, 0.0) - v) <= 0.015 for k, v in stated.items())

    extra = any("meeting" in k or "training" in k for k in reading.columns)
    chosen, dropped = one_reading(options_09(row, agrees, extra))
    if chosen is None:
        return None
    how = "三公经费各项勾稽关系及情况说明所述金额确定各栏位置"
    return _realigned(reading, [chosen], how + ("（会议费、培训费归属无法确定，未计入）" if dropped else ""))


VERIFIERS = {
    "01": verify_two_sided,
    "04": verify_two_sided,
    "06": verify_economic,
    "09": verify_sangong,
    **{t: verify_subject for t in TREE_TABLES},
}
