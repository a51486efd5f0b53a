"""The truth's shape: one `UnitYear` per unit-year, what the unit received and
spent per functional 项 (`SubjectLine`), its projects and their indicators, in
integer cents of 万元 (1 = 0.01 万元 = 100 元), so every identity holds exactly;
and the integer-cent arithmetic it is built with."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class SubjectLine:
    code: str
    gen_basic: int = 0
    gen_project: int = 0
    fund_basic: int = 0
    fund_project: int = 0
    sc_basic: int = 0
    sc_project: int = 0
    nf_basic: int = 0
    nf_project: int = 0
    operating: int = 0  # 经营支出
    remit: int = 0  # 上缴上级支出
    aff_sub: int = 0  # 对附属单位补助支出
    inc_general: int = 0
    inc_fund: int = 0
    inc_sc: int = 0
    inc_superior: int = 0
    inc_business: int = 0
    inc_operating: int = 0
    inc_affiliated: int = 0
    inc_other: int = 0
    gen_open: int = 0
    gen_close: int = 0
    fund_open: int = 0
    fund_close: int = 0
    budget_initial: int = 0  # 一般公共预算 年初预算
    budget_adjusted: int = 0  # 调整预算 (全年预算)

    @property
    def basic(self) -> int:
        return self.gen_basic + self.fund_basic + self.sc_basic + self.nf_basic

    @property
    def project(self) -> int:
        return self.gen_project + self.fund_project + self.sc_project + self.nf_project

    @property
    def total_exp(self) -> int:
        return self.basic + self.project + self.remit + self.operating + self.aff_sub

    @property
    def gen_exp(self) -> int:
        return self.gen_basic + self.gen_project

    @property
    def fund_exp(self) -> int:
        return self.fund_basic + self.fund_project

    @property
    def sc_exp(self) -> int:
        return self.sc_basic + self.sc_project

    @property
    def fiscal_income(self) -> int:
        return self.inc_general + self.inc_fund + self.inc_sc

    @property
    def total_income(self) -> int:
        return (
            self.fiscal_income
            + self.inc_superior
            + self.inc_business
            + self.inc_operating
            + self.inc_affiliated
            + self.inc_other
        )


@dataclass
class Indicator:
    level1: str
    level2: str
    name: str
    target: str
    actual: str


@dataclass
class Project:
    name: str
    code: str  # functional 项 it is charged to
    budget: int  # 全年预算数
    actual: int  # 执行数 (= its share of 05 项目支出)
    indicators: list[Indicator] = field(default_factory=list)


SANGONG_ITEMS = ("outbound", "vehicle_purchase", "vehicle_operation", "reception", "meeting", "training")


@dataclass
class UnitYear:
    unit_id: str
    year: int
    staff: int
    retirees: int
    lines: dict[str, SubjectLine]
    econ: dict[str, int]  # 5-digit economic items of 06 (general budget basic spending)
    nf_open: int
    nf_close: int
    use_nf: int  # 使用非财政拨款结余
    distribution: int  # 结余分配
    sangong_budget: dict[str, int]
    sangong_actual: dict[str, int]
    projects: list[Project]
    procurement: dict[str, int]  # goods, works, services, sme, small_micro
    vehicles: dict[str, int]  # by use
    equipment_large: int
    new_unit: bool = False  # first year of a newly founded unit (no prior year)
    y01_delta: int = 0  # injected: opening balance differs from last year's closing

    def line(self, code: str) -> SubjectLine:
        ln = self.lines.get(code)
        if ln is None:
            ln = self.lines[code] = SubjectLine(code)
        return ln


def cents(x: float) -> int:
    return round(x * 100)


def apportion(total: int, weights: list[float]) -> list[int]:
    """Split integer `total` by weights, exactly (largest remainder)."""
    if total == 0 or not weights:
        return [0] * len(weights)
    s = sum(weights)
    if s <= 0:
        weights = [1.0] * len(weights)
        s = float(len(weights))
    raw = [total * w / s for w in weights]
    base = [int(r) for r in raw]
    rest = total - sum(base)
    order = sorted(range(len(raw)), key=lambda i: raw[i] - base[i], reverse=True)
    for i in order[:rest]:
        base[i] += 1
    return base
