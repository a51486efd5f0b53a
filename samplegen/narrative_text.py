"""The pieces a narrative is made of: its sections and 绩效自评 tables, the facts
it states (`facts` in the manifest, kinds as in docs/facts.md), amounts and rates
as printed, and the writer that records each stated number as a fact."""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from samplegen.tables import TableSet
from samplegen.truth import UnitYear

LABELS = {
    "total": "收支总计",
    "total_prior": "上年收支总计",
    "total_change": "收支总计增减",
    "total_change_pct": "收支总计增减率",
    "income_total": "收入合计",
    "fiscal_income": "财政拨款收入",
    "fiscal_income_share": "财政拨款收入占比",
    "expenditure_total": "支出合计",
    "basic_expenditure": "基本支出",
    "basic_expenditure_share": "基本支出占比",
    "project_expenditure": "项目支出",
    "project_expenditure_share": "项目支出占比",
    "fiscal_total": "财政拨款收支总计",
    "general_budget_expenditure": "一般公共预算财政拨款支出",
    "general_budget_expenditure_share": "一般公共预算财政拨款支出占比",
    "budget_initial_total": "年初预算",
    "budget_full_year_total": "全年预算",
    "execution_rate_total": "完成率",
    "personnel_expenditure": "人员经费",
    "public_expenditure": "公用经费",
    "operating_expenses": "机关运行经费",
    "procurement_total": "政府采购支出总额",
    "procurement_goods": "货物",
    "procurement_works": "工程",
    "procurement_services": "服务",
    "procurement_sme": "授予中小企业合同金额",
    "procurement_small_micro": "授予小微企业合同金额",
    "vehicles_total": "车辆",
    "equipment_large": "单价100万元以上设备",
    "performance_project_count": "绩效自评项目数",
    "performance_project_amount": "绩效自评资金",
    "sangong_budget_total": "三公经费",
    "sangong_actual_total": "三公经费",
    "sangong_budget_outbound": "因公出国(境)费",
    "sangong_actual_outbound": "因公出国(境)费",
    "sangong_budget_vehicle": "公务用车购置及运行维护费",
    "sangong_actual_vehicle": "公务用车购置及运行维护费",
    "sangong_budget_vehicle_purchase": "公务用车购置费",
    "sangong_actual_vehicle_purchase": "公务用车购置费",
    "sangong_budget_vehicle_operation": "公务用车运行维护费",
    "sangong_actual_vehicle_operation": "公务用车运行维护费",
    "sangong_budget_reception": "公务接待费",
    "sangong_actual_reception": "公务接待费",
}


@dataclass
class NarrFact:
    kind: str
    subject_code: str | None
    label: str
    value: float
    unit: str

    def to_dict(self) -> dict:
        return {
            "kind": self.kind,
            "subject_code": self.subject_code,
            "label": self.label,
            "value": self.value,
            "unit": self.unit,
        }


@dataclass
class Section:
    heading: str
    paragraphs: list[str] = field(default_factory=list)
    level: int = 1


@dataclass
class PerfTable:
    """One 项目支出绩效自评表 (attachment)."""

    project: str
    department: str
    unit: str
    budget: str
    actual: str
    rate: str
    indicators: list[tuple[str, str, str, str, str]]


@dataclass
class Narrative:
    overview: list[Section]
    explanation: list[Section]
    glossary: list[str]
    attachments: list[PerfTable]
    facts: list[NarrFact]


def pct(num: int, den: int) -> float:
    if den == 0:
        return 0.0
    return float((Decimal(num) * 100 / Decimal(den)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP))


def money(cents: int, trim: bool = False) -> str:
    sign = "-" if cents < 0 else ""
    c = abs(cents)
    s = f"{sign}{c // 100}.{c % 100:02d}"
    if trim:
        s = s.rstrip("0").rstrip(".")
    return s


def pct_text(p: float, trim: bool = False) -> str:
    s = f"{p:.2f}"
    if trim:
        s = s.rstrip("0").rstrip(".")
    return s


class FactWriter:
    """Amounts and rates as text, recording each stated number as a fact (a
    narrative fault's override is printed and recorded instead of the truth)."""

    def __init__(self, overrides: dict, trim: bool, spaced: bool):
        self.overrides = overrides
        self.trim = trim
        self.spaced = spaced
        self.facts: list[NarrFact] = []
        self._seen: set[tuple] = set()

    def _record(self, kind: str, code: str | None, label: str, value: float, unit: str) -> None:
        key = (kind, code, label)
        if key in self._seen:
            return
        self._seen.add(key)
        self.facts.append(NarrFact(kind, code, label, value, unit))

    def stated_value(self, kind: str, code: str | None, label: str | None, true: float) -> float:
        """What the document states for a fact: the override if a fault planted one."""
        for k in ((kind, code), (kind, label)):
            if k in self.overrides:
                return self.overrides[k]
        return true

    def amt(
        self, cents: int, kind: str | None = None, code: str | None = None, label: str | None = None
    ) -> str:
        """`123.45万元`, recording a fact when `kind` is given."""
        if kind:
            lab = label or LABELS.get(kind, kind)
            v = self.stated_value(kind, code, lab, round(cents / 100, 2))
            self._record(kind, code, lab, v, "万元")
            cents = round(v * 100)
        s = money(cents, self.trim)
        return f" {s} 万元" if self.spaced else f"{s}万元"

    def signed_amt(self, cents: int, kind: str) -> str:
        """Magnitude text of a signed change; the fact keeps the sign."""
        v = self.stated_value(kind, None, LABELS[kind], round(cents / 100, 2))
        self._record(kind, None, LABELS[kind], v, "万元")
        s = money(abs(round(v * 100)), self.trim)
        return f" {s} 万元" if self.spaced else f"{s}万元"

    def derive_prior(self) -> None:
        """docs/facts.md: `total_prior` = total − change when the text does not state it."""
        got = {f.kind: f.value for f in self.facts}
        if "total" in got and "total_change" in got and "total_prior" not in got:
            v = round((round(got["total"] * 100) - round(got["total_change"] * 100)) / 100, 2)
            self._record("total_prior", None, LABELS["total_prior"], v, "万元")

    def rate(
        self, p: float, kind: str | None = None, code: str | None = None, label: str | None = None
    ) -> str:
        if kind:
            lab = label or LABELS.get(kind, kind)
            p = self.stated_value(kind, code, lab, p)
            self._record(kind, code, lab, p, "%")
        s = pct_text(abs(p), self.trim)
        return f" {s}%" if self.spaced else f"{s}%"

    def count(self, n: int, kind: str, unit: str) -> str:
        v = int(self.stated_value(kind, None, LABELS[kind], n))
        self._record(kind, None, LABELS[kind], v, unit)
        return f" {v} " if self.spaced else str(v)


@dataclass
class SectionContext:
    """What every 情况说明 section reads: the unit-year, its tables, last year's,
    how the unit words its narrative, the fact writer and the document's RNG
    (sections draw from it in document order)."""

    uy: UnitYear
    prior: UnitYear | None
    ts: TableSet
    prior_ts: TableSet | None
    name: str
    department: str
    admin: bool
    is_department: bool
    style: int
    sangong_extra: bool
    state_prior: bool
    w: FactWriter
    r: random.Random

    @property
    def word(self) -> str:
        return "部门" if self.is_department else "单位"
