"""The truth: what each unit received and spent each year, in integer cents of
万元 (1 = 0.01 万元 = 100 元), so every identity holds exactly.

One `UnitYear` per unit-year, simulated in order so balances carry over
(this year's 年初结转和结余 = last year's 年末). The simulation starts one year
before the first requested year (unpublished) so the first published year has a
prior total to compare with and non-trivial opening balances.

Per functional 项 (`SubjectLine`) the model keeps spending by fund
(一般公共预算 `gen_*`, 政府性基金 `fund_*`, 国有资本经营 `sc_*`, non-fiscal `nf_*`)
and kind (basic/project, 经营, 上缴上级, 对附属单位补助), income by source, and
fiscal balances by fund. Basic spending paid by the general budget is drawn as
economic items (table 06) first and then mapped to functional 项, so 06 and 05
agree by construction."""

from __future__ import annotations

import random
from dataclasses import dataclass, field

from samplegen.district import Unit
from samplegen.unit_templates import Template

# Personnel-related economic items and the functional 项 they are charged to.
# (admin units use the first code, 事业单位 the second)
_ECON_TO_SUBJECT = {
    "30108": ("2080505", "2080505"),
    "30109": ("2080506", "2080506"),
    "30110": ("2101101", "2101102"),
    "30111": ("2101103", "2101103"),
    "30113": ("2210201", "2210201"),
    "30301": ("2080501", "2080502"),
    "30302": ("2080501", "2080502"),
    "30304": ("2080801", "2080801"),
}


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


def _cents(x: float) -> int:
    return round(x * 100)


def _apportion(total: int, weights: list[float]) -> list[int]:
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


@dataclass
class _UnitParams:
    per_staff: float
    public_per: float
    fiscal_share: float
    project_intensity: float
    retiree_ratio: float
    has_gen_carry: bool
    vehicles: int
    optional_items: dict[str, bool]
    project_weights: dict[str, float]
    project_names: dict[str, list[str]]
    fund_base: float
    sc_base: float
    housing_subsidy: float  # share of 30102 charged to 2210203 购房补贴
    rent_subsidy: float  # share of 30102 charged to 2210202 提租补贴
    other_pension: bool  # 30399 charged to 2080599
    large_equipment: int


def _params(unit: Unit, seed: int) -> _UnitParams:
    t = unit.template
    r = random.Random(f"{seed}/params/{t.key}")
    optional = {
        code: r.random() < p
        for code, p in (
            ("30103", 0.4),
            ("30106", 0.08),
            ("30111", 1.0 if t.admin else 0.0),
            ("30114", 0.12),
            ("30199", 0.6),
            ("30301", 0.08),
            ("30304", 0.2),
            ("30305", 0.1),
            ("30309", 0.1),
            ("30399", 0.4),
            ("30202", 0.5),
            ("30203", 0.2),
            ("30205", 0.5),
            ("30206", 0.6),
            ("30209", 0.5),
            ("30214", 0.15),
            ("30215", 0.5),
            ("30216", 0.6),
            ("30217", 0.45),
            ("30218", 0.6 if t.unit_type in ("hospital", "school") else 0.1),
            ("30226", 0.5),
            ("30227", 0.4),
            ("30239", 0.7 if t.admin else 0.1),
            ("30240", 0.05),
            ("31002", 0.45),
            ("31003", 0.5 if t.unit_type in ("hospital", "institution") else 0.05),
            ("31007", 0.25),
        )
    }
    weights = {code: r.uniform(0.3, 1.0) for code, _ in t.projects}
    names: dict[str, list[str]] = {}
    for code, pool in t.projects:
        k = r.randint(1, len(pool))
        names[code] = list(pool[:k])
    return _UnitParams(
        per_staff=r.uniform(*t.per_staff),
        public_per=r.uniform(*t.public_per_staff),
        fiscal_share=r.uniform(*t.fiscal_share),
        project_intensity=r.uniform(*t.project_intensity),
        retiree_ratio=r.uniform(*t.retiree_ratio),
        has_gen_carry=r.random() < 0.35,
        vehicles=r.randint(*t.vehicles),
        optional_items=optional,
        project_weights=weights,
        project_names=names,
        fund_base=r.uniform(0.1, 0.6),
        sc_base=r.uniform(0.3, 0.9),
        housing_subsidy=r.uniform(0.05, 0.14) if r.random() < 0.5 else 0.0,
        rent_subsidy=r.uniform(0.02, 0.05) if r.random() < 0.3 else 0.0,
        other_pension=r.random() < 0.3,
        large_equipment=r.randint(*t.large_equipment),
    )


_INDICATORS = [
    ("产出指标", "数量指标", "完成{n}项工作任务", "{n}项", "{n}项"),
    ("产出指标", "质量指标", "验收合格率", "100%", "100%"),
    ("产出指标", "时效指标", "按计划时间完成", "≤计划期", "≤计划期"),
    ("效益指标", "社会效益指标", "服务覆盖人群", "≥{m}人次", "{m2}人次"),
    ("满意度指标", "服务对象满意度指标", "服务对象满意度", "≥90%", "{s}%"),
    ("成本指标", "经济成本指标", "预算执行控制率", "≤100%", "{e}%"),
]


def _indicators(r: random.Random, rate: float) -> list[Indicator]:
    out = []
    for l1, l2, name, target, actual in r.sample(_INDICATORS, r.randint(3, 5)):
        n = r.randint(2, 30)
        m = r.randint(5, 200) * 10
        vals = {"n": n, "m": m, "m2": m + r.randint(0, 40) * 10, "s": r.randint(90, 99), "e": f"{rate:.2f}"}
        out.append(Indicator(l1, l2, name.format(**vals), target.format(**vals), actual.format(**vals)))
    return out


class _Simulator:
    def __init__(self, unit: Unit, seed: int):
        self.unit = unit
        self.t: Template = unit.template
        self.seed = seed
        self.p = _params(unit, seed)
        self.staff = unit.staff_count
        self.salary_index = 1.0
        self.gen_bal: dict[str, int] = {}
        self.fund_bal: dict[str, int] = {}
        self.nf_bal = 0
        self.vehicles = self.p.vehicles
        self.project_scale = 1.0

    # -- economic items of general-budget basic spending (table 06) --
    def _econ(self, r: random.Random, staff_f: float) -> dict[str, int]:
        p, t = self.p, self.t
        w = p.per_staff * self.salary_index
        opt = p.optional_items

        def noisy(x: float) -> float:
            return x * r.uniform(0.9, 1.1)

        e: dict[str, float] = {}
        e["30101"] = noisy(0.21 * w * staff_f)
        e["30102"] = noisy((0.20 if t.admin else 0.08) * w * staff_f)
        if opt["30103"]:
            e["30103"] = noisy(0.04 * w * staff_f)
        if opt["30106"]:
            e["30106"] = noisy(0.01 * w * staff_f)
        e["30107"] = noisy((0.16 if t.admin else 0.31) * w * staff_f)
        base = e["30101"] + e["30102"] + e.get("30103", 0) + e["30107"]
        e["30108"] = 0.16 * base
        e["30109"] = 0.08 * base
        e["30110"] = noisy(0.075 * base)
        if opt["30111"]:
            e["30111"] = noisy(0.03 * base)
        e["30112"] = noisy(0.005 * base)
        e["30113"] = 0.12 * base
        if opt["30114"]:
            e["30114"] = noisy(0.01 * base)
        if opt["30199"]:
            e["30199"] = r.uniform(0.0, 0.03) * base
        retirees = self.staff * p.retiree_ratio
        if retirees >= 1:
            e["30302"] = noisy(retirees * r.uniform(0.4, 1.6))
        if opt["30301"]:
            e["30301"] = r.uniform(3, 25)
        if opt["30304"] and r.random() < 0.6:
            e["30304"] = r.uniform(5, 40)
        if opt["30305"]:
            e["30305"] = r.uniform(0.5, 6)
        if opt["30309"]:
            e["30309"] = r.uniform(0.5, 5)
        if opt["30399"]:
            e["30399"] = r.uniform(0.01, 0.06) * base
        pub = p.public_per * staff_f
        e["30201"] = noisy(0.18 * pub)
        for code, share in (
            ("30202", 0.03),
            ("30203", 0.05),
            ("30205", 0.02),
            ("30206", 0.06),
            ("30209", 0.12),
            ("30214", 0.08),
            ("30215", 0.02),
            ("30216", 0.03),
            ("30218", 0.10),
            ("30226", 0.05),
            ("30227", 0.06),
            ("30240", 0.005),
        ):
            if opt[code]:
                e[code] = noisy(share * pub)
        e["30207"] = noisy(0.04 * pub)
        e["30211"] = noisy(0.05 * pub)
        e["30213"] = noisy(0.06 * pub) if r.random() < 0.8 else 0.0
        if opt["30217"] and r.random() < 0.85:
            e["30217"] = r.uniform(0.05, 0.02 * pub + 0.5)
        if r.random() < 0.03 and self.t.admin:
            e["30212"] = r.uniform(2, 12)
        e["30228"] = 0.02 * base
        e["30229"] = noisy(0.015 * base)
        if self.vehicles:
            e["30231"] = self.vehicles * r.uniform(1.2, 2.6)
        if opt["30239"]:
            e["30239"] = noisy(0.4 * staff_f)
        e["30299"] = noisy(0.05 * pub) if r.random() < 0.8 else 0.0
        if opt["31002"] and r.random() < 0.7:
            e["31002"] = r.uniform(0.5, 2.0) * (staff_f**0.5)
        if opt["31003"] and r.random() < 0.6:
            e["31003"] = r.uniform(2, 20) * (staff_f**0.5)
        if opt["31007"] and r.random() < 0.6:
            e["31007"] = r.uniform(1, 8)
        return {k: _cents(v) for k, v in e.items() if _cents(v) > 0}

    def year(self, year: int, first: bool, y01_delta: int) -> UnitYear:
        u, t, p = self.unit, self.t, self.p
        r = random.Random(f"{self.seed}/year/{t.key}/{year}")
        if not first:
            self.staff = max(3, round(self.staff * r.uniform(0.95, 1.06)))
            self.salary_index *= r.uniform(1.0, 1.06)
            self.project_scale *= r.uniform(0.8, 1.25)
        admin = t.admin
        bought = False
        if self.vehicles and r.random() < 0.05 and u.unit_type != "school":
            bought = True
        staff_f = self.staff * p.fiscal_share
        econ = self._econ(r, staff_f)
        if bought:
            econ["31013"] = _cents(r.uniform(14, 28))
        uy = UnitYear(
            unit_id=u.unit_id,
            year=year,
            staff=self.staff,
            retirees=round(self.staff * p.retiree_ratio),
            lines={},
            econ=econ,
            nf_open=0,
            nf_close=0,
            use_nf=0,
            distribution=0,
            sangong_budget={},
            sangong_actual={},
            projects=[],
            procurement={},
            vehicles={},
            equipment_large=p.large_equipment,
            y01_delta=y01_delta,
        )
        # -- basic spending of the general budget, by functional 项 --
        total_basic = sum(econ.values())
        specific: dict[str, int] = {}
        for econ_code, (adm, inst) in _ECON_TO_SUBJECT.items():
            if econ.get(econ_code):
                code = adm if admin else inst
                specific[code] = specific.get(code, 0) + econ[econ_code]
        if p.housing_subsidy and econ.get("30102"):
            specific["2210203"] = round(econ["30102"] * p.housing_subsidy)
        if p.rent_subsidy and econ.get("30102"):
            specific["2210202"] = round(econ["30102"] * p.rent_subsidy)
        if p.other_pension and econ.get("30399"):
            specific["2080599"] = econ["30399"]
        rest = total_basic - sum(specific.values())
        assert rest > 0
        for (code, _w), amt in zip(t.basic, _apportion(rest, [w for _, w in t.basic]), strict=True):
            specific[code] = specific.get(code, 0) + amt
        for code, amt in specific.items():
            if amt:
                uy.line(code).gen_basic += amt
        # -- projects of the general budget --
        full_basic = total_basic / max(p.fiscal_share, 0.05)
        no_projects = r.random() < 0.04
        pr = random.Random(f"{self.seed}/projects/{t.key}/{year}")
        if not no_projects:
            for code, _pool in t.projects:
                if r.random() < 0.1 and len(t.projects) > 1:
                    continue
                amount = _cents(
                    full_basic
                    / 100
                    * p.project_intensity
                    * p.project_weights[code]
                    * self.project_scale
                    * r.uniform(0.6, 1.4)
                    / max(1, len(t.projects)) ** 0.5
                )
                amount += self.gen_bal.get(code, 0) // 2  # carried-over money gets spent
                if amount <= 0:
                    continue
                names = p.project_names[code]
                split = _apportion(amount, [pr.uniform(0.5, 1.5) for _ in names])
                for name, actual in zip(names, split, strict=True):
                    if actual <= 0:
                        continue
                    budget = actual if pr.random() < 0.4 else round(actual * pr.uniform(1.0, 1.25))
                    rate = actual / budget * 100 if budget else 100.0
                    uy.projects.append(Project(name, code, budget, actual, _indicators(pr, rate)))
                    uy.line(code).gen_project += actual
        # -- 政府性基金 and 国有资本经营 --
        for code, _names in t.fund:
            amount = 0
            if r.random() < 0.85:
                amount = _cents(full_basic / 100 * p.fund_base * r.uniform(0.5, 1.5))
            amount += self.fund_bal.get(code, 0) // 2
            if amount:
                uy.line(code).fund_project += amount
        for code, _names in t.state_capital:
            amount = _cents(full_basic / 100 * p.sc_base * r.uniform(0.8, 1.2))
            if amount:
                uy.line(code).sc_project += amount
        # -- non-fiscal spending --
        main_codes = [c for c, _ in t.basic]
        main_w = [w for _, w in t.basic]
        if p.fiscal_share < 0.999:
            nf_basic = round(total_basic * (1 - p.fiscal_share) / p.fiscal_share * r.uniform(0.95, 1.05))
            for code, amt in zip(main_codes, _apportion(nf_basic, main_w), strict=True):
                uy.line(code).nf_basic += amt
            if r.random() < 0.5 and t.projects:
                uy.line(t.projects[0][0]).nf_project += round(nf_basic * r.uniform(0.02, 0.1))
        affiliated_inc = 0
        if t.affiliated_remittance and r.random() < 0.6:
            affiliated_inc = _cents(r.uniform(10, 60))
            code = t.projects[-1][0]
            uy.line(code).nf_project += affiliated_inc
        if t.operating:
            uy.line(main_codes[0]).operating += round(total_basic / p.fiscal_share * r.uniform(0.05, 0.15))
        if t.remit_superior and r.random() < 0.6:
            uy.line(main_codes[0]).remit += _cents(r.uniform(0.5, 3))
        if t.affiliated_subsidy and r.random() < 0.6:
            uy.line(main_codes[0]).aff_sub += _cents(r.uniform(20, 120))
        # -- fiscal income by subject: spending + change in balances --
        for code, ln in uy.lines.items():
            ln.gen_open = self.gen_bal.get(code, 0)
            close = 0
            if p.has_gen_carry and ln.gen_project and r.random() < 0.6:
                close = round(ln.gen_project * r.uniform(0.05, 0.25))
            ln.gen_close = max(close, ln.gen_open - ln.gen_exp)
            ln.inc_general = ln.gen_exp + ln.gen_close - ln.gen_open
            ln.fund_open = self.fund_bal.get(code, 0)
            close = 0
            if ln.fund_exp and r.random() < 0.6:
                close = round(ln.fund_exp * r.uniform(0.05, 0.4))
            ln.fund_close = max(close, ln.fund_open - ln.fund_exp)
            ln.inc_fund = ln.fund_exp + ln.fund_close - ln.fund_open
            ln.inc_sc = ln.sc_exp
        # balances on subjects not spent on this year stay as they are
        for bal, attr in ((self.gen_bal, "gen"), (self.fund_bal, "fund")):
            for code, amt in bal.items():
                if code not in uy.lines and amt:
                    ln = uy.line(code)
                    setattr(ln, f"{attr}_open", amt)
                    setattr(ln, f"{attr}_close", amt)
        # -- non-fiscal income: balances, 使用非财政拨款结余, 结余分配 --
        nf_lines = [ln for ln in uy.lines.values() if ln.nf_basic or ln.nf_project or ln.operating]
        nf_exp = sum(
            ln.nf_basic + ln.nf_project + ln.operating + ln.remit + ln.aff_sub for ln in uy.lines.values()
        )
        uy.nf_open = self.nf_bal + y01_delta
        if nf_exp:
            if r.random() < 0.15:
                uy.use_nf = round(nf_exp * r.uniform(0.01, 0.05))
            if (t.operating or p.fiscal_share < 0.7) and r.random() < 0.15:
                uy.distribution = round(nf_exp * r.uniform(0.005, 0.03))
            close = round(nf_exp * r.uniform(0.0, 0.12)) if r.random() < 0.6 else 0
        else:
            close = uy.nf_open
        nf_income = nf_exp + uy.distribution + close - uy.nf_open - uy.use_nf
        if nf_income < 0:
            close -= nf_income
            nf_income = 0
        uy.nf_close = close
        # split non-fiscal income by source
        operating_inc = 0
        if t.operating:
            op_exp = sum(ln.operating for ln in uy.lines.values())
            operating_inc = min(nf_income, round(op_exp * r.uniform(1.0, 1.15)))
        left = nf_income - operating_inc
        affiliated = min(left, affiliated_inc)
        left -= affiliated
        superior = round(left * r.uniform(0.02, 0.1)) if t.superior and left else 0
        left -= superior
        other = round(left * r.uniform(0.001, 0.01)) if left and r.random() < 0.5 else 0
        left -= other
        business = left
        # by subject, in proportion to non-fiscal spending
        targets = nf_lines or [uy.line(main_codes[0])]
        weights = [float(ln.nf_basic + ln.nf_project + ln.operating + 1) for ln in targets]
        op_targets = [ln for ln in targets if ln.operating] or targets
        for ln, amt in zip(
            op_targets, _apportion(operating_inc, [float(x.operating + 1) for x in op_targets]), strict=True
        ):
            ln.inc_operating += amt
        for attr, amount in (
            ("inc_business", business),
            ("inc_superior", superior),
            ("inc_affiliated", affiliated),
            ("inc_other", other),
        ):
            for ln, amt in zip(targets, _apportion(amount, weights), strict=True):
                setattr(ln, attr, getattr(ln, attr) + amt)
        # -- budgets (一般公共预算 年初预算 / 调整预算) per 项 --
        project_codes = {c for c, _ in t.projects}
        for ln in uy.lines.values():
            if not ln.gen_exp:
                continue
            basic_b = ln.gen_basic if r.random() < 0.45 else round(ln.gen_basic * r.uniform(0.9, 1.04))
            proj_b = 0
            if ln.gen_project:
                x = r.random()
                if x < 0.12:
                    proj_b = 0  # added during the year (追加)
                elif x < 0.4:
                    proj_b = ln.gen_project
                else:
                    proj_b = round(ln.gen_project * r.uniform(0.6, 1.3))
            ln.budget_initial = basic_b + proj_b
            if r.random() < 0.4 or ln.code not in project_codes:
                ln.budget_adjusted = max(ln.gen_exp, round(ln.gen_exp * r.uniform(1.0, 1.04)))
            else:
                ln.budget_adjusted = round(ln.gen_exp * r.uniform(1.0, 1.15))
        # -- 三公 (财政拨款): 06 lines plus project-funded parts --
        a = {k: 0 for k in SANGONG_ITEMS}
        a["outbound"] = econ.get("30212", 0)
        a["reception"] = econ.get("30217", 0) + (_cents(r.uniform(0.1, 1.5)) if r.random() < 0.15 else 0)
        a["vehicle_operation"] = econ.get("30231", 0) + (
            _cents(r.uniform(0.2, 2)) if self.vehicles and r.random() < 0.1 else 0
        )
        a["vehicle_purchase"] = econ.get("31013", 0)
        a["meeting"] = econ.get("30215", 0) + (_cents(r.uniform(0.2, 3)) if r.random() < 0.25 else 0)
        a["training"] = econ.get("30216", 0) + (_cents(r.uniform(0.2, 4)) if r.random() < 0.3 else 0)
        b = {}
        for k, v in a.items():
            if v:
                x = r.random()
                b[k] = round(v * r.uniform(0.85, 0.99)) if x < 0.12 else round(v * r.uniform(1.0, 1.6))
            else:
                b[k] = _cents(r.uniform(0.5, 3)) if r.random() < 0.15 and k != "vehicle_purchase" else 0
        uy.sangong_actual, uy.sangong_budget = a, b
        # -- vehicles, procurement --
        if bought:
            self.vehicles += 1 if r.random() < 0.5 else 0
        if self.vehicles:
            uses = ["执法执勤用车", "应急保障用车", "特种专业技术用车", "其他用车"] if admin else ["其他用车"]
            if u.unit_type == "hospital":
                uses = ["特种专业技术用车", "其他用车"]
            split = _apportion(self.vehicles, [r.uniform(0.2, 1) for _ in uses])
            uy.vehicles = {k: v for k, v in zip(uses, split, strict=True) if v}
        public = sum(v for k, v in econ.items() if k[:3] in ("302", "310"))
        base = public + sum(ln.gen_project for ln in uy.lines.values())
        if r.random() < 0.9 and base:
            total = round(base * r.uniform(0.05, 0.35))
            goods, works, services = _apportion(
                total, [r.uniform(0.2, 1), r.uniform(0, 0.6), r.uniform(0.3, 1)]
            )
            if r.random() < 0.5:
                services += works
                works = 0
            sme = round(total * r.uniform(0.6, 1.0))
            small = round(sme * r.uniform(0.5, 1.0))
            uy.procurement = {
                "goods": goods,
                "works": works,
                "services": services,
                "sme": sme,
                "small_micro": small,
            }
        # -- carry balances forward --
        self.gen_bal = {c: ln.gen_close for c, ln in uy.lines.items() if ln.gen_close}
        self.fund_bal = {c: ln.fund_close for c, ln in uy.lines.items() if ln.fund_close}
        self.nf_bal = uy.nf_close
        return uy


def simulate(
    unit: Unit, years: list[int], seed: int, y01: dict[int, int] | None = None
) -> dict[int, UnitYear]:
    """UnitYears for every expected year of `unit`, plus the unpublished year
    before the first one when the unit already existed then (key year-1)."""
    y01 = y01 or {}
    sim = _Simulator(unit, seed)
    expected = unit.expected_years
    if not expected:
        return {}
    start = expected[0]
    new_unit = start > years[0]  # founded inside the range: no prior year
    run = list(expected) if new_unit else [start - 1, *expected]
    # Initial balances for units that existed before the range.
    if not new_unit:
        r = random.Random(f"{seed}/opening/{unit.key}")
        if sim.p.has_gen_carry:
            for code, _ in unit.template.projects[:1]:
                sim.gen_bal[code] = _cents(r.uniform(2, 40))
        for code, _ in unit.template.fund:
            sim.fund_bal[code] = _cents(r.uniform(5, 80))
        if unit.template.fiscal_share[0] < 0.999:
            sim.nf_bal = _cents(r.uniform(5, 300))
    out: dict[int, UnitYear] = {}
    for i, y in enumerate(run):
        uy = sim.year(y, first=i == 0, y01_delta=y01.get(y, 0))
        uy.new_unit = new_unit and i == 0
        out[y] = uy
    return out
