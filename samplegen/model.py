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

from samplegen.district import Unit
from samplegen.economic_items import ECON_TO_SUBJECT, economic_items
from samplegen.truth import SANGONG_ITEMS, Indicator, Project, UnitYear, apportion, cents
from samplegen.unit_params import draw_params
from samplegen.unit_templates import Template

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
        self.p = draw_params(unit, seed)
        self.staff = unit.staff_count
        self.salary_index = 1.0
        self.gen_bal: dict[str, int] = {}
        self.fund_bal: dict[str, int] = {}
        self.nf_bal = 0
        self.vehicles = self.p.vehicles
        self.project_scale = 1.0

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
        econ = economic_items(p, t, self.staff, self.salary_index, self.vehicles, r, staff_f)
        if bought:
            econ["31013"] = cents(r.uniform(14, 28))
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
        for econ_code, (adm, inst) in ECON_TO_SUBJECT.items():
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
        for (code, _w), amt in zip(t.basic, apportion(rest, [w for _, w in t.basic]), strict=True):
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
                amount = cents(
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
                split = apportion(amount, [pr.uniform(0.5, 1.5) for _ in names])
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
                amount = cents(full_basic / 100 * p.fund_base * r.uniform(0.5, 1.5))
            amount += self.fund_bal.get(code, 0) // 2
            if amount:
                uy.line(code).fund_project += amount
        for code, _names in t.state_capital:
            amount = cents(full_basic / 100 * p.sc_base * r.uniform(0.8, 1.2))
            if amount:
                uy.line(code).sc_project += amount
        # -- non-fiscal spending --
        main_codes = [c for c, _ in t.basic]
        main_w = [w for _, w in t.basic]
        if p.fiscal_share < 0.999:
            nf_basic = round(total_basic * (1 - p.fiscal_share) / p.fiscal_share * r.uniform(0.95, 1.05))
            for code, amt in zip(main_codes, apportion(nf_basic, main_w), strict=True):
                uy.line(code).nf_basic += amt
            if r.random() < 0.5 and t.projects:
                uy.line(t.projects[0][0]).nf_project += round(nf_basic * r.uniform(0.02, 0.1))
        affiliated_inc = 0
        if t.affiliated_remittance and r.random() < 0.6:
            affiliated_inc = cents(r.uniform(10, 60))
            code = t.projects[-1][0]
            uy.line(code).nf_project += affiliated_inc
        if t.operating:
            uy.line(main_codes[0]).operating += round(total_basic / p.fiscal_share * r.uniform(0.05, 0.15))
        if t.remit_superior and r.random() < 0.6:
            uy.line(main_codes[0]).remit += cents(r.uniform(0.5, 3))
        if t.affiliated_subsidy and r.random() < 0.6:
            uy.line(main_codes[0]).aff_sub += cents(r.uniform(20, 120))
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
            op_targets, apportion(operating_inc, [float(x.operating + 1) for x in op_targets]), strict=True
        ):
            ln.inc_operating += amt
        for attr, amount in (
            ("inc_business", business),
            ("inc_superior", superior),
            ("inc_affiliated", affiliated),
            ("inc_other", other),
        ):
            for ln, amt in zip(targets, apportion(amount, weights), strict=True):
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
        a["reception"] = econ.get("30217", 0) + (cents(r.uniform(0.1, 1.5)) if r.random() < 0.15 else 0)
        a["vehicle_operation"] = econ.get("30231", 0) + (
            cents(r.uniform(0.2, 2)) if self.vehicles and r.random() < 0.1 else 0
        )
        a["vehicle_purchase"] = econ.get("31013", 0)
        a["meeting"] = econ.get("30215", 0) + (cents(r.uniform(0.2, 3)) if r.random() < 0.25 else 0)
        a["training"] = econ.get("30216", 0) + (cents(r.uniform(0.2, 4)) if r.random() < 0.3 else 0)
        b = {}
        for k, v in a.items():
            if v:
                x = r.random()
                b[k] = round(v * r.uniform(0.85, 0.99)) if x < 0.12 else round(v * r.uniform(1.0, 1.6))
            else:
                b[k] = cents(r.uniform(0.5, 3)) if r.random() < 0.15 and k != "vehicle_purchase" else 0
        uy.sangong_actual, uy.sangong_budget = a, b
        # -- vehicles, procurement --
        if bought:
            self.vehicles += 1 if r.random() < 0.5 else 0
        if self.vehicles:
            uses = ["执法执勤用车", "应急保障用车", "特种专业技术用车", "其他用车"] if admin else ["其他用车"]
            if u.unit_type == "hospital":
                uses = ["特种专业技术用车", "其他用车"]
            split = apportion(self.vehicles, [r.uniform(0.2, 1) for _ in uses])
            uy.vehicles = {k: v for k, v in zip(uses, split, strict=True) if v}
        public = sum(v for k, v in econ.items() if k[:3] in ("302", "310"))
        base = public + sum(ln.gen_project for ln in uy.lines.values())
        if r.random() < 0.9 and base:
            total = round(base * r.uniform(0.05, 0.35))
            goods, works, services = apportion(
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
                sim.gen_bal[code] = cents(r.uniform(2, 40))
        for code, _ in unit.template.fund:
            sim.fund_bal[code] = cents(r.uniform(5, 80))
        if unit.template.fiscal_share[0] < 0.999:
            sim.nf_bal = cents(r.uniform(5, 300))
    out: dict[int, UnitYear] = {}
    for i, y in enumerate(run):
        uy = sim.year(y, first=i == 0, y01_delta=y01.get(y, 0))
        uy.new_unit = new_unit and i == 0
        out[y] = uy
    return out
