"""Injected faults and genuine rounding differences.

A fault is tied to the rule it breaks (its `rule`); the cell or stated value
that was changed is recorded with the consistent value (`expected`) and what
was printed. Table faults edit the printed `TableSet`; narrative faults are
overrides applied when the narrative is written; Y-01 is injected into the
truth before simulation (the opening balance then differs from last year's
closing); `table_missing` drops a table from the document. Structural faults
(duplicate, correction, unreadable) are files, handled by the generator.

Rounding differences are the 0.01 discrepancies real documents have
(本套报表金额单位转换时可能存在尾数误差): a parent row or a stated project
amount off by one cent. They are recorded as `rounding`, not faults."""

from __future__ import annotations

import random
from dataclasses import dataclass, field

from samplegen.tables import Row, Table, TableSet

TABLE_FAULTS = [
    "R-row",
    "R-tree",
    "R-econ",
    "R-01",
    "R-04",
    "R-07",
    "X-01",
    "X-02",
    "X-03",
    "X-04",
    "X-05",
    "X-06",
    "X-07",
    "X-08",
    "X-09",
]
NARRATIVE_FAULTS = ["N-01", "N-02", "N-03", "N-04", "N-05", "N-06", "N-07", "N-08", "Y-02"]
# what the narrative says: samplegen/text_faults.py has one recipe per rule
TEXT_FAULTS = [
    "C-01", "C-02", "C-03", "C-04", "D-01", "D-02", "D-03", "D-04", "P-01", "P-02", "P-03",
    "Z-01", "H-01", "E-01", "S-01", "S-02", "S-03", "S-04", "S-05", "V-01", "V-02",
]  # fmt: skip
OTHER_FAULTS = ["Y-01", "table_missing"]
STRUCTURAL = ["duplicate", "correction", "unreadable"]
ALL_FAULTS = TABLE_FAULTS + NARRATIVE_FAULTS + TEXT_FAULTS + OTHER_FAULTS + STRUCTURAL
# a misstated number the claims rules read as well (the 完成率 or 增减率 computed from it,
# the comparison word next to it, the shares that must add up to 100%)
CLAIM_RULES_BY_KIND = {
    "total": ["C-04"],
    "income_total": ["C-04"],
    "expenditure_total": ["C-04"],
    "fiscal_total": ["C-04"],
    "total_change": ["C-04"],
    "total_prior": ["C-04"],
    "item_actual": ["C-01", "C-02"],
    "item_execution_rate": ["C-02"],
    "budget_initial_total": ["C-01", "C-02"],
    "fiscal_income_share": ["H-01"],
    "basic_expenditure_share": ["H-01"],
    "class_share": ["H-01"],
    "sangong_actual_total": ["C-01", "C-02"],
    "sangong_actual_reception": ["C-01", "C-02"],
    "sangong_actual_vehicle_operation": ["C-01", "C-02"],
}
NEEDS_PRIOR = {"Y-01", "N-07", "Y-02"}  # only where last year's document is published


@dataclass
class FaultRecord:
    rule: str
    table: str | None
    row_label: str | None
    subject_code: str | None
    column: str | None
    expected: float | None
    printed: float | None
    description: str
    also_breaks: list[str] = field(default_factory=list)

    def to_dict(self) -> dict:
        return {
            "rule": self.rule,
            "table": self.table,
            "row_label": self.row_label,
            "subject_code": self.subject_code,
            "column": self.column,
            "expected": self.expected,
            "printed": self.printed,
            "description": self.description,
            "also_breaks": self.also_breaks,
        }


def _delta(r: random.Random, base: int) -> int:
    """A visible error (≥ 0.5 万元), signed so the printed value stays ≥ 0."""
    mag = max(50, round(abs(base) * r.uniform(0.05, 0.25)))
    mag = min(mag, 500000)
    if base - mag < 0:
        return mag
    return mag if r.random() < 0.5 else -mag


def _set(
    rec: list, t: Table, row: Row, col: str, delta: int, rule: str, desc: str, primary: bool = True
) -> None:
    old = row.values.get(col, 0)
    row.values[col] = old + delta
    if primary:
        rec.append(
            FaultRecord(
                rule, t.id, row.label, row.code, col, round(old / 100, 2), round((old + delta) / 100, 2), desc
            )
        )


def _path(t: Table, code: str) -> list[Row]:
    """The 项 row, its 款 and 类 rows and the 合计 row."""
    out = [t.rows[0]]
    for k in (3, 5, 7):
        if len(code) >= k:
            out.append(t.find(code=code[:k]))
    return out


def _xiang(t: Table, col: str = "total", minimum: int = 1) -> list[Row]:
    return [r for r in t.rows if r.kind == "xiang" and r.values.get(col, 0) >= minimum]


def apply_table_fault(rule: str, ts: TableSet, r: random.Random) -> list[FaultRecord] | None:
    """Edit the printed tables so that `rule` breaks; None when not applicable."""
    rec: list[FaultRecord] = []
    T = ts.tables
    if rule == "R-row":
        for tid in r.sample(["03", "02", "05"], 3):
            rows = _xiang(T[tid])
            if rows:
                row = r.choice(rows)
                d = _delta(r, row.values["total"])
                _set(rec, T[tid], row, "total", d, rule, f"{tid}表{row.label}行合计数与分项之和不符")
                return rec
        return None
    if rule == "R-tree":
        for tid in r.sample(["03", "05", "02"], 3):
            t = T[tid]
            kuans = [x for x in t.rows if x.kind == "kuan"]
            if not kuans:
                continue
            row = r.choice(kuans)
            comps = [c for c in t.columns if c not in ("total", "budget_initial", "budget_adjusted")]
            comp = max(comps, key=lambda c: row.values.get(c, 0))
            d = _delta(r, row.values[comp])
            _set(rec, t, row, "total", d, rule, f"{tid}表款级科目{row.code}小计与所属项级科目之和不符")
            _set(rec, t, row, comp, d, rule, "", primary=False)
            return rec
        return None
    if rule == "R-econ":
        t = T["06"]
        items = [
            x
            for x in t.rows
            if x.kind == "item"
            and x.values["amount"] > 0
            and x.code not in ("30212", "30217", "30231", "31013")
        ]
        if not items:
            return None
        row = r.choice(items)
        d = _delta(r, row.values["amount"])
        _set(rec, t, row, "amount", d, rule, f"06表{row.code}{row.label}与所属经济分类合计不符")
        return rec
    if rule == "R-01":
        t = T["01"]
        rows = [x for x in t.rows if x.kind == "class" and x.values["amount"] > 0]
        row = r.choice(rows)
        d = _delta(r, row.values["amount"])
        _set(rec, t, row, "amount", d, rule, f"01表{row.label}与本年支出合计不符")
        return rec
    if rule == "R-04":
        t = T["04"]
        rows = [x for x in t.rows if x.kind == "class" and x.values["general"] > 0]
        row = r.choice(rows)
        d = _delta(r, row.values["general"])
        _set(rec, t, row, "general", d, rule, f"04表{row.label}一般公共预算财政拨款支出与本年支出合计不符")
        _set(rec, t, row, "total", d, rule, "", primary=False)
        return rec
    if rule == "R-07":
        t = T["07"]
        rows = _xiang(t, "total", 0) if t.has_data else []
        rows = [x for x in rows if any(x.values.values())]
        if not rows:
            return None
        row = r.choice(rows)
        d = _delta(r, row.values["opening"] or row.values["total"])
        if row.values["opening"] + d < 0:
            d = -d
        _set(
            rec, t, row, "opening", d, rule, f"07表{row.label}年初结转和结余+本年收入-本年支出≠年末结转和结余"
        )
        return rec
    if rule == "X-01":
        t = T["02"]
        rows = _xiang(t)
        if not rows:
            return None
        row = r.choice(rows)
        col = "business" if t.rows[0].values.get("business") else "other"
        d = abs(_delta(r, row.values["total"]))
        for x in _path(t, row.code):
            x.values["total"] += d
            x.values[col] += d
        rec.append(
            FaultRecord(
                rule,
                "02",
                "合计",
                None,
                "total",
                round((t.rows[0].values["total"] - d) / 100, 2),
                round(t.rows[0].values["total"] / 100, 2),
                "02表收入合计与01表本年收入合计不符",
            )
        )
        return rec
    if rule == "X-02":
        t = T["01"]
        rows = [x for x in t.rows if x.kind == "class" and x.values["amount"] > 100]
        if len(rows) < 2:
            return None
        a, b = r.sample(rows, 2)
        d = r.randint(50, min(a.values["amount"], b.values["amount"]) - 1)
        _set(rec, t, a, "amount", d, rule, f"01表{a.label}与03表同类支出不符")
        _set(rec, t, b, "amount", -d, rule, f"01表{b.label}与03表同类支出不符")
        return rec
    if rule == "X-03":
        t = T["04"]
        gen = t.find(label="一般公共预算财政拨款", side="income")
        fund = t.find(label="政府性基金预算财政拨款", side="income")
        d = r.randint(50, max(51, gen.values["amount"] // 10))
        if d >= gen.values["amount"]:
            return None
        _set(rec, t, gen, "amount", -d, rule, "04表一般公共预算财政拨款收入与01表不符")
        _set(rec, t, fund, "amount", d, rule, "04表政府性基金预算财政拨款收入与01表不符")
        return rec
    if rule == "X-04":
        t = T["02"]
        rows = [x for x in _xiang(t, "fiscal", 100)]
        if not rows:
            return None
        row = r.choice(rows)
        d = r.randint(50, row.values["fiscal"] - 1)
        for x in _path(t, row.code):
            x.values["fiscal"] -= d
            x.values["other"] += d
        tot = t.rows[0].values["fiscal"]
        rec.append(
            FaultRecord(
                rule,
                "02",
                "合计",
                None,
                "fiscal",
                round((tot + d) / 100, 2),
                round(tot / 100, 2),
                "02表财政拨款收入与04表本年收入合计不符（误列为其他收入）",
            )
        )
        return rec
    if rule == "X-05":
        t = T["04"]
        rows = [x for x in t.rows if x.kind == "class" and x.values["general"] > 100]
        if len(rows) < 2:
            return None
        a, b = r.sample(rows, 2)
        d = r.randint(50, min(a.values["general"], b.values["general"]) - 1)
        for row, dd in ((a, d), (b, -d)):
            _set(rec, t, row, "general", dd, rule, f"04表{row.label}一般公共预算支出与05表不符")
            _set(rec, t, row, "total", dd, rule, "", primary=False)
        return rec
    if rule == "X-06":
        t = T["06"]
        items = [
            x for x in t.rows if x.kind == "item" and x.code.startswith("301") and x.values["amount"] > 0
        ]
        row = r.choice(items)
        d = _delta(r, row.values["amount"])
        _set(rec, t, row, "amount", d, rule, "06表人员经费合计与05表基本支出不符")
        t.find(code="301").values["amount"] += d
        t.find(label="人员经费合计").values["amount"] += d
        return rec
    if rule == "X-07":
        for tid, cols in (("07", ("total", "project", "income")), ("08", ("total", "project"))):
            t = T[tid]
            rows = _xiang(t, "project")
            if not rows:
                continue
            row = r.choice(rows)
            d = abs(_delta(r, row.values["total"]))
            for x in _path(t, row.code):
                for c in cols:
                    x.values[c] += d
            tot = t.rows[0].values["total"]
            rec.append(
                FaultRecord(
                    rule,
                    tid,
                    "合计",
                    None,
                    "total",
                    round((tot - d) / 100, 2),
                    round(tot / 100, 2),
                    f"{tid}表本年支出合计与04表相应资金来源合计不符",
                )
            )
            return rec
        return None
    if rule == "X-08":
        t5, t3 = T["05"], T["03"]
        rows = [
            x for x in _xiang(t5, "project") if t3.find(code=x.code).values["project"] == x.values["project"]
        ]
        col = "project"
        if not rows:
            rows = [
                x for x in _xiang(t5, "basic") if t3.find(code=x.code).values["basic"] == x.values["basic"]
            ]
            col = "basic"
        if not rows:
            return None
        row = r.choice(rows)
        d = abs(_delta(r, row.values[col]))
        old = row.values["total"]
        for x in _path(t5, row.code):
            x.values["total"] += d
            x.values[col] += d
        rec.append(
            FaultRecord(
                rule,
                "05",
                row.label,
                row.code,
                "total",
                round(old / 100, 2),
                round(row.values["total"] / 100, 2),
                "05表一般公共预算支出大于03表同一科目的全部支出",
            )
        )
        return rec
    if rule == "X-09":
        t6, t9 = T["06"], T["09"]
        v = t9.rows[0].values
        for item, econ in (("reception", "30217"), ("vehicle_operation", "30231"), ("outbound", "30212")):
            line = t6.find(code=econ).values["amount"]
            if line > 1:
                cur = v[f"actual_{item}"]
                new = r.randint(0, line - 1)
                d = new - cur
                v[f"actual_{item}"] = new
                v["actual_total"] += d
                if item.startswith("vehicle"):
                    v["actual_vehicle"] += d
                rec.append(
                    FaultRecord(
                        rule,
                        "09",
                        "三公经费",
                        None,
                        f"actual_{item}",
                        round(cur / 100, 2),
                        round(new / 100, 2),
                        f"09表{item}决算数小于06表对应经济科目{econ}",
                    )
                )
                return rec
        return None
    raise ValueError(rule)


def plan_narrative_fault(rule: str, facts: list[dict], r: random.Random) -> tuple[dict, FaultRecord] | None:
    """Choose a stated fact to misstate: (overrides, record) or None."""
    kinds = {
        "N-01": ["total", "income_total", "expenditure_total", "fiscal_total"],
        "N-02": [
            "fiscal_income_share",
            "basic_expenditure_share",
            "class_share",
            "general_budget_expenditure_share",
        ],
        "N-03": ["basic_expenditure", "personnel_expenditure", "public_expenditure"],
        "N-04": ["item_actual"],
        "N-05": ["item_execution_rate", "budget_initial_total"],
        "N-06": ["sangong_actual_total", "sangong_actual_reception", "sangong_actual_vehicle_operation"],
        "N-07": ["total_change"],
        "N-08": ["project_actual"],
        "Y-02": ["total_prior"],
    }[rule]
    cands = [f for f in facts if f["kind"] in kinds]
    if rule in ("N-02", "N-05"):
        cands = [f for f in cands if 1.0 < abs(f["value"]) < 99.0] or cands
    elif rule == "N-06":
        cands = [f for f in cands if f["value"] > 0] or cands
    if not cands:
        return None
    f = r.choice(cands)
    v = f["value"]
    if f["unit"] == "%":
        new = round(v + r.choice([-1, 1]) * r.uniform(0.5, 6.0), 2)
        if new <= 0:
            new = round(v + r.uniform(0.5, 6.0), 2)
    else:
        base = round(v * 100)
        d = _delta(r, base)
        if rule == "N-07":  # keep the direction of the change
            d = abs(d) if base >= 0 else -abs(d)
        new = round((base + d) / 100, 2)
    key = (f["kind"], f["subject_code"] if f["subject_code"] else f["label"])
    if f["kind"] in ("class_share", "class_expenditure", "item_actual", "item_execution_rate"):
        key = (f["kind"], f["subject_code"])
    rec = FaultRecord(
        rule,
        None,
        f["label"],
        f["subject_code"],
        f["kind"],
        v,
        new,
        f"情况说明中{f['label']}（{f['kind']}）与表内数据不符",
        also_breaks=list(CLAIM_RULES_BY_KIND.get(f["kind"], [])),
    )
    return {key: new}, rec


def apply_rounding(ts: TableSet, facts: list[dict], r: random.Random) -> tuple[str, dict] | None:
    """One genuine 0.01 difference; returns (kind, narrative overrides) or None.
    Never in N-08: per-project 执行数 are not rounded from a finer total, so a
    0.01 gap between them and 项目支出 is an inconsistency (issue 5: the 2023
    sample's 25.32 vs 25.33 is a fail), not rounding."""
    kind = r.choice(["02", "04", "06"])
    one = r.choice([-1, 1])
    if kind == "02":
        t = ts["02"]
        row = r.choice([x for x in t.rows if x.kind == "class"])
        comp = max((c for c in t.columns if c != "total"), key=lambda c: row.values.get(c, 0))
        if row.values[comp] + one < 0:
            one = 1
        row.values["total"] += one
        row.values[comp] += one
        return kind, {}
    if kind == "04":
        t = ts["04"]
        row = r.choice([x for x in t.rows if x.kind == "class" and x.values["general"] > 0])
        row.values["general"] += one
        row.values["total"] += one
        return kind, {}
    if kind == "06":
        ts["06"].find(code="301").values["amount"] += one
        return kind, {}
    projs = [f for f in facts if f["kind"] == "project_actual" and f["value"] > 0.01]
    if not projs:
        return None
    f = r.choice(projs)
    return kind, {("project_actual", f["label"]): round(f["value"] - 0.01, 2)}
