"""Injected faults and genuine rounding differences.

A fault is tied to the rule it breaks (its `rule`); the cell or stated value
that was changed is recorded with the consistent value (`expected`) and what
was printed. Table faults (samplegen.table_faults) edit the printed `TableSet`; narrative faults are
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

from samplegen.tables import TableSet

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


def visible_delta(r: random.Random, base: int) -> int:
    """A visible error (≥ 0.5 万元), signed so the printed value stays ≥ 0."""
    mag = max(50, round(abs(base) * r.uniform(0.05, 0.25)))
    mag = min(mag, 500000)
    if base - mag < 0:
        return mag
    return mag if r.random() < 0.5 else -mag


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
        d = visible_delta(r, base)
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
