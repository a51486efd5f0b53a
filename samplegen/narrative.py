"""第一部分 概况, 第三部分 情况说明, 名词解释 and the 绩效自评 attachment, with
every number taken from the tables, and the list of facts the narrative states
(`facts` in the manifest, kinds as in docs/facts.md).

Sentences come from several templates per statement; a unit's
`narrative_style` picks the family and a per-document RNG varies the rest.
Narrative faults are `overrides`: (kind, subject_code or label) -> the value
printed instead of the true one; everything else in the sentence stays true."""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from samplegen.catalog import CHINESE_ORDINALS, ECON_NAMES, functional_name, qualified_name
from samplegen.tables import TableSet
from samplegen.truth import Project, UnitYear

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


class _Writer:
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

    def _value(self, kind: str, code: str | None, label: str | None, true: float) -> float:
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
            v = self._value(kind, code, lab, round(cents / 100, 2))
            self._record(kind, code, lab, v, "万元")
            cents = round(v * 100)
        s = money(cents, self.trim)
        return f" {s} 万元" if self.spaced else f"{s}万元"

    def signed_amt(self, cents: int, kind: str) -> str:
        """Magnitude text of a signed change; the fact keeps the sign."""
        v = self._value(kind, None, LABELS[kind], round(cents / 100, 2))
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
            p = self._value(kind, code, lab, p)
            self._record(kind, code, lab, p, "%")
        s = pct_text(abs(p), self.trim)
        return f" {s}%" if self.spaced else f"{s}%"

    def count(self, n: int, kind: str, unit: str) -> str:
        v = int(self._value(kind, None, LABELS[kind], n))
        self._record(kind, None, LABELS[kind], v, unit)
        return f" {v} " if self.spaced else str(v)


def _reason(
    uy: UnitYear, prior: UnitYear | None, ts: TableSet, prior_ts: TableSet | None, r: random.Random
) -> str:
    if prior is None or prior_ts is None:
        return ""
    b0 = prior_ts["03"].rows[0].values["basic"]
    b1 = ts["03"].rows[0].values["basic"]
    p0 = prior_ts["03"].rows[0].values["project"]
    p1 = ts["03"].rows[0].values["project"]
    db, dp = b1 - b0, p1 - p0
    if abs(dp) >= abs(db):
        names0 = {p.name: p.actual for p in prior.projects}
        deltas = sorted(((p.actual - names0.get(p.name, 0), p.name) for p in uy.projects), reverse=dp > 0)
        top = deltas[0][1] if deltas else None
        if dp > 0:
            base = r.choice(["项目支出增加", "新增专项工作任务，项目支出相应增加", "部分项目资金量加大"])
            return base + (f"，其中{top}增加较多" if top else "")
        return r.choice(["项目支出减少", "部分项目完成，项目支出相应减少", "压减一般性项目支出"]) + (
            f"，其中{top}减少较多" if top else ""
        )
    if db > 0:
        return r.choice(
            [
                "人员变动及工资调整，人员经费增加",
                "新增编制人员，人员经费增加",
                "按政策调整工资标准，基本支出增加",
            ]
        )
    return r.choice(
        ["人员减少，人员经费相应减少", "严格落实过紧日子要求，压减公用经费", "退休人员增加，在职人员经费减少"]
    )


def _gap_reason(actual: int, budget: int, is_project: bool, r: random.Random) -> str:
    if budget == 0:
        return "年初未安排预算，年中" + r.choice(["追加专项经费", "根据工作需要追加预算", "上级补助资金拨入"])
    if actual > budget:
        if is_project:
            return r.choice(["年中追加项目经费", "新增工作任务追加预算", "上年结转资金在本年使用"])
        return r.choice(["人员调资及新增人员，追加人员经费", "按政策调整缴费基数", "年中追加人员相关经费"])
    if is_project:
        return r.choice(["部分项目按实际进度支付，资金结转下年使用", "项目实施节约资金", "政府采购节约资金"])
    return r.choice(["人员变动，按实际发生数支出", "严格控制支出，节约经费", "部分人员调出"])


def build_narrative(
    *,
    uy: UnitYear,
    prior: UnitYear | None,
    ts: TableSet,
    prior_ts: TableSet | None,
    name: str,
    department: str,
    duties: tuple[str, ...],
    admin: bool,
    is_department: bool,
    style: int,
    trim: bool,
    sangong_extra: bool,
    overrides: dict | None = None,
    state_prior: bool = False,
    seed: str = "",
) -> Narrative:
    r = random.Random(f"narrative/{seed}/{uy.unit_id}/{uy.year}")
    w = _Writer(overrides or {}, trim, style == 1)
    y, py = uy.year, uy.year - 1
    word = "部门" if is_department else "单位"
    t01, t02, t03, t04, t05, t06 = ts["01"], ts["02"], ts["03"], ts["04"], ts["05"], ts["06"]
    total = t01.find(label="总计", side="income").values["amount"]
    income_total = t02.rows[0].values["total"]
    exp = t03.rows[0].values
    prior_total = prior_ts["01"].find(label="总计", side="income").values["amount"] if prior_ts else None

    # ---------- 第一部分 概况 ----------
    overview = [Section("一、部门主要职责" if is_department else "一、单位主要职能")]
    overview[0].paragraphs = [f"（{CHINESE_ORDINALS[i]}）{d}；" for i, d in enumerate(duties or ())]
    if overview[0].paragraphs:
        overview[0].paragraphs[-1] = overview[0].paragraphs[-1].rstrip("；") + "。"
    comp = Section("二、部门决算单位构成" if is_department else "二、机构设置情况")
    if is_department:
        comp.paragraphs.append(f"从决算单位构成看，{name}部门决算由纳入独立核算的单位本级决算组成。")
    else:
        comp.paragraphs.append(f"{name}为{department}所属单位，实行独立核算。")
    comp.paragraphs.append(f"截至{y}年末，本{word}实有人员{uy.staff}人，离退休人员{uy.retirees}人。")
    overview.append(comp)

    sections: list[Section] = []
    # ---------- 一、收入支出决算总体情况 ----------
    s = Section("一、收入支出决算总体情况说明")
    reason = _reason(uy, prior, ts, prior_ts, r)
    if prior_total is None or uy.new_unit:
        s.paragraphs.append(
            f"{y}年度收、支总计{w.amt(total, 'total')}。本{word}为{y}年新设立{word}，无上年决算数据可比。"
        )
    else:
        change = total - prior_total
        up = change >= 0
        more, grow = ("增加", "增长") if up else ("减少", "下降")
        if change == 0:
            s.paragraphs.append(f"{y}年度收、支总计{w.amt(total, 'total')}，与{py}年度持平。")
            pt = ch = ""
        else:
            pt = w.rate(pct(change, prior_total), "total_change_pct") if prior_total else ""
            ch = w.signed_amt(change, "total_change")
        if change == 0:
            pass
        elif style == 0:
            s.paragraphs.append(
                f"{y}年度收、支总计{w.amt(total, 'total')}。与{py}年度相比，收、支总计各{more}{ch}，"
                f"{grow}{pt}，主要原因是{reason}。"
            )
        elif style == 1:
            s.paragraphs.append(
                f"{name}{y}年度收入支出总计{w.amt(total, 'total')}。与{py}年度相比，收入支出总计{more}{ch}，"
                f"{grow}{pt}。主要原因：{reason}。"
            )
        else:
            state_prior = True
        if state_prior and change != 0:
            prior_txt = w.amt(prior_total, "total_prior")
            if style == 2:
                s.paragraphs.append(
                    f"{y}年度本{word}收入总计{w.amt(total, 'total')}，支出总计{w.amt(total)}。{py}年度收支总计为"
                    f"{prior_txt}，本年度{more}{ch}，{grow}{pt}，原因是{reason}。"
                )
            else:
                s.paragraphs.append(f"{py}年度收、支总计为{prior_txt}。")
        elif change != 0:
            w.derive_prior()
    sections.append(s)

    # ---------- 二、收入 ----------
    s = Section("二、收入决算情况说明")
    row02 = t02.rows[0].values
    fiscal = row02["fiscal"]
    head = f"{y}年度收入合计" if style != 1 else "本年收入合计"
    parts = [
        f"{head}{w.amt(income_total, 'income_total')}，其中：财政拨款收入{w.amt(fiscal, 'fiscal_income')}，"
        f"占{'本年收入的' if style != 1 else ''}{w.rate(pct(fiscal, income_total), 'fiscal_income_share')}"
    ]
    for col, label in (
        ("superior_subsidy", "上级补助收入"),
        ("business", "事业收入"),
        ("operating", "经营收入"),
        ("affiliated_remittance", "附属单位上缴收入"),
        ("other", "其他收入"),
    ):
        if row02[col]:
            parts.append(f"{label}{w.amt(row02[col])}，占{w.rate(pct(row02[col], income_total))}")
    s.paragraphs.append("；".join(parts) + "。")
    sections.append(s)

    # ---------- 三、支出 ----------
    s = Section("三、支出决算情况说明")
    head = f"{y}年度支出合计" if style != 1 else "本年支出合计"
    parts = [
        f"{head}{w.amt(exp['total'], 'expenditure_total')}，其中：基本支出{w.amt(exp['basic'], 'basic_expenditure')}，"
        f"占本年支出的{w.rate(pct(exp['basic'], exp['total']), 'basic_expenditure_share')}"
    ]
    if exp["project"]:
        parts.append(
            f"项目支出{w.amt(exp['project'], 'project_expenditure')}，占本年支出的"
            f"{w.rate(pct(exp['project'], exp['total']), 'project_expenditure_share')}"
        )
    for col, label in (
        ("remit_superior", "上缴上级支出"),
        ("operating", "经营支出"),
        ("affiliated_subsidy", "对附属单位补助支出"),
    ):
        if exp[col]:
            parts.append(f"{label}{w.amt(exp[col])}，占{w.rate(pct(exp[col], exp['total']))}")
    s.paragraphs.append("；".join(parts) + "。")
    sections.append(s)

    # ---------- 四、财政拨款收支总体 ----------
    s = Section("四、财政拨款收入支出决算总体情况说明")
    fiscal_total = t04.find(label="总计", side="income").values["amount"]
    inc04 = {r_.label: r_.values["amount"] for r_ in t04.rows if r_.side == "income" and r_.kind == "income"}
    txt = f"{y}年度财政拨款收、支总计{w.amt(fiscal_total, 'fiscal_total')}。"
    bits = [f"{k}收入{w.amt(v)}" for k, v in inc04.items() if v]
    if bits:
        txt += "其中：" + "，".join(bits) + "。"
    s.paragraphs.append(txt)
    sections.append(s)

    # ---------- 五、一般公共预算财政拨款支出 ----------
    s = Section("五、一般公共预算财政拨款支出决算情况说明")
    g = t05.rows[0].values
    gbe = g["total"]
    s.paragraphs.append("（一）一般公共预算财政拨款支出决算总体情况")
    s.paragraphs.append(
        f"{y}年度一般公共预算财政拨款支出{w.amt(gbe, 'general_budget_expenditure')}，"
        f"占本年支出合计的{w.rate(pct(gbe, exp['total']), 'general_budget_expenditure_share')}。"
    )
    s.paragraphs.append("（二）一般公共预算财政拨款支出决算结构情况")
    classes = [row for row in t05.rows if row.kind == "class"]
    items = []
    for i, row in enumerate(classes):
        amt_txt = w.amt(row.values["total"], "class_expenditure", row.code, row.label)
        share = w.rate(pct(row.values["total"], gbe), "class_share", row.code, row.label)
        if style == 0:
            kuans = [k.label for k in t05.rows if k.kind == "kuan" and k.code.startswith(row.code)]
            items.append(f"{i + 1}. {row.label}（类）{amt_txt}，占{share}。主要用于{'、'.join(kuans)}。")
        else:
            items.append(f"{row.label}（类）{amt_txt}，占{share}")
    if style == 0:
        s.paragraphs.append(f"{y}年度一般公共预算财政拨款支出{w.amt(gbe)}，主要用于以下方面：")
        s.paragraphs.extend(items)
    else:
        s.paragraphs.append(
            f"一般公共预算财政拨款支出{w.amt(gbe)}，主要用于以下方面：" + "；".join(items) + "。"
        )
    s.paragraphs.append("（三）一般公共预算财政拨款支出决算具体情况")
    xiang = [row for row in t05.rows if row.kind == "xiang"]
    lines = uy.lines
    b_init = sum(lines[row.code].budget_initial for row in xiang)
    b_adj = sum(lines[row.code].budget_adjusted for row in xiang)
    full_year = style == 1
    txt = f"{y}年度一般公共预算财政拨款支出年初预算为{w.amt(b_init, 'budget_initial_total')}，"
    if full_year:
        txt += f"全年预算为{w.amt(b_adj, 'budget_full_year_total')}，"
    txt += f"支出决算为{w.amt(gbe)}"
    if b_init:
        txt += f"，完成年初预算的{w.rate(pct(gbe, b_init), 'execution_rate_total')}"
    txt += "。"
    if gbe != b_init:
        txt += (
            f"决算数{'大于' if gbe > b_init else '小于'}年初预算数的主要原因是："
            + _gap_reason(gbe, b_init, g["project"] > g["basic"], r)
            + "。"
        )
    s.paragraphs.append(txt + "其中：")
    for i, row in enumerate(xiang):
        ln = lines[row.code]
        label = functional_name(row.code, y)
        qn = qualified_name(row.code, y)
        txt = f"{i + 1}. {qn}。年初预算为{w.amt(ln.budget_initial, 'item_budget_initial', row.code, label)}，"
        if full_year:
            txt += f"全年预算为{w.amt(ln.budget_adjusted, 'item_budget_full_year', row.code, label)}，"
        txt += f"支出决算为{w.amt(row.values['total'], 'item_actual', row.code, label)}"
        if ln.budget_initial:
            rate = pct(row.values["total"], ln.budget_initial)
            txt += f"，完成年初预算的{w.rate(rate, 'item_execution_rate', row.code, label)}"
        txt += "。"
        a, b = row.values["total"], ln.budget_initial
        if a == b:
            txt += "决算数与年初预算数持平。"
        else:
            word2 = "大于" if a > b else "小于"
            txt += f"决算数{word2}年初预算数的主要原因是：{_gap_reason(a, b, bool(ln.gen_project), r)}。"
        s.paragraphs.append(txt)
    sections.append(s)

    # ---------- 六、基本支出 ----------
    s = Section("六、一般公共预算财政拨款基本支出决算情况说明")
    personnel = t06.find(label="人员经费合计").values["amount"]
    public = t06.find(label="公用经费合计").values["amount"]
    pn = [ECON_NAMES[c] for c in sorted(uy.econ) if c[:3] in ("301", "303") and uy.econ[c]]
    qn_ = [ECON_NAMES[c] for c in sorted(uy.econ) if c[:3] in ("302", "310") and uy.econ[c]]
    s.paragraphs.append(
        f"{y}年度一般公共预算财政拨款基本支出{w.amt(g['basic'])}，其中：人员经费"
        f"{w.amt(personnel, 'personnel_expenditure')}，主要包括：{'、'.join(pn)}；公用经费"
        f"{w.amt(public, 'public_expenditure')}，主要包括：{'、'.join(qn_) or '无'}。"
    )
    sections.append(s)

    # ---------- 七、八 ----------
    for tid, title, fund_name in (
        ("07", "七、政府性基金预算财政拨款收入支出决算情况说明", "政府性基金预算财政拨款"),
        ("08", "八、国有资本经营预算财政拨款支出决算情况说明", "国有资本经营预算财政拨款"),
    ):
        s = Section(title)
        tab = ts[tid]
        if tab.has_data:
            tot = tab.rows[0].values
            names = [row.label for row in tab.rows if row.kind == "xiang"]
            txt = f"{y}年度{fund_name}支出{w.amt(tot['total'])}，主要用于{'、'.join(names)}。"
            if tid == "07":
                txt += (
                    f"年初结转和结余{w.amt(tot['opening'])}，本年收入{w.amt(tot['income'])}，"
                    f"年末结转和结余{w.amt(tot['closing'])}。"
                )
            s.paragraphs.append(txt)
        else:
            s.paragraphs.append(
                r.choice(
                    [
                        f"本{word}{y}年度无{fund_name}收入和支出。",
                        f"{name}{y}年度没有{fund_name}收入支出，故{'政府性基金' if tid == '07' else '国有资本经营'}预算财政拨款决算表无数据。",
                    ]
                )
            )
        sections.append(s)

    # ---------- 九、三公 ----------
    s = Section("九、财政拨款“三公”经费支出决算情况说明")
    t09 = ts["09"].rows[0].values
    bt, at = t09["budget_total"], t09["actual_total"]
    s.paragraphs.append("（一）“三公”经费财政拨款支出决算总体情况说明")
    txt = (
        f"{y}年度“三公”经费财政拨款支出预算为{w.amt(bt, 'sangong_budget_total')}，"
        f"支出决算为{w.amt(at, 'sangong_actual_total')}"
    )
    if bt:
        txt += f"，完成预算的{w.rate(pct(at, bt))}"
    txt += "。"
    if at < bt:
        txt += (
            "决算数小于预算数的主要原因是："
            + r.choice(["严格落实中央八项规定精神，厉行节约", "全面贯彻过紧日子要求，压减费用支出"])
            + "。"
        )
    elif at > bt:
        txt += "决算数大于预算数的主要原因是：" + r.choice(["车辆维修费用增加", "接待任务增加"]) + "。"
    elif at == 0:
        txt += "本年度未发生“三公”经费支出。"
    s.paragraphs.append(txt)
    s.paragraphs.append("（二）“三公”经费财政拨款支出决算具体情况说明")
    s.paragraphs.append(
        f"1. 因公出国（境）费预算为{w.amt(t09['budget_outbound'], 'sangong_budget_outbound')}，"
        f"支出决算为{w.amt(t09['actual_outbound'], 'sangong_actual_outbound')}。"
        + ("本年度未发生因公出国（境）费用。" if not t09["actual_outbound"] else "主要用于公务出访交流。")
    )
    s.paragraphs.append(
        f"2. 公务用车购置及运行维护费预算为{w.amt(t09['budget_vehicle'], 'sangong_budget_vehicle')}，"
        f"支出决算为{w.amt(t09['actual_vehicle'], 'sangong_actual_vehicle')}。其中：公务用车购置费预算为"
        f"{w.amt(t09['budget_vehicle_purchase'], 'sangong_budget_vehicle_purchase')}，支出决算为"
        f"{w.amt(t09['actual_vehicle_purchase'], 'sangong_actual_vehicle_purchase')}；公务用车运行维护费预算为"
        f"{w.amt(t09['budget_vehicle_operation'], 'sangong_budget_vehicle_operation')}，支出决算为"
        f"{w.amt(t09['actual_vehicle_operation'], 'sangong_actual_vehicle_operation')}。"
        + (
            "主要用于公务用车燃料费、维修费、保险费等支出。"
            if t09["actual_vehicle_operation"]
            else "本年度无公务用车运行维护支出。"
        )
    )
    s.paragraphs.append(
        f"3. 公务接待费预算为{w.amt(t09['budget_reception'], 'sangong_budget_reception')}，"
        f"支出决算为{w.amt(t09['actual_reception'], 'sangong_actual_reception')}。"
        + (
            "主要用于接待上级部门检查调研等公务活动。"
            if t09["actual_reception"]
            else "本年度未发生公务接待费用。"
        )
    )
    if sangong_extra:
        s.paragraphs.append(
            f"4. 会议费支出决算为{w.amt(t09.get('actual_meeting', 0))}；培训费支出决算为"
            f"{w.amt(t09.get('actual_training', 0))}。"
        )
    sections.append(s)

    # ---------- 十、机关运行经费 ----------
    s = Section("十、机关运行经费支出说明")
    if admin:
        ops = sum(v for k, v in uy.econ.items() if k.startswith("302"))
        s.paragraphs.append(
            f"{y}年度本{word}机关运行经费支出{w.amt(ops, 'operating_expenses')}，主要用于办公费、邮电费、"
            "差旅费、维修（护）费、公务用车运行维护费等日常公用经费支出。"
        )
    else:
        s.paragraphs.append(f"本{word}为事业单位，不涉及机关运行经费支出。")
    sections.append(s)

    # ---------- 十一、政府采购 ----------
    s = Section("十一、政府采购支出说明")
    pr = uy.procurement
    if pr:
        tot = pr["goods"] + pr["works"] + pr["services"]
        s.paragraphs.append(
            f"{y}年度本{word}政府采购支出总额{w.amt(tot, 'procurement_total')}，其中：政府采购货物支出"
            f"{w.amt(pr['goods'], 'procurement_goods')}、政府采购工程支出{w.amt(pr['works'], 'procurement_works')}、"
            f"政府采购服务支出{w.amt(pr['services'], 'procurement_services')}。授予中小企业合同金额"
            f"{w.amt(pr['sme'], 'procurement_sme')}，占政府采购支出总额的{w.rate(pct(pr['sme'], tot))}，其中：授予小微企业"
            f"合同金额{w.amt(pr['small_micro'], 'procurement_small_micro')}，占授予中小企业合同金额的"
            f"{w.rate(pct(pr['small_micro'], pr['sme']))}。"
        )
    else:
        s.paragraphs.append(f"{y}年度本{word}未发生政府采购支出。")
    sections.append(s)

    # ---------- 十二、国有资产 ----------
    s = Section("十二、国有资产占用情况说明")
    nveh = sum(uy.vehicles.values())
    detail = "、".join(f"{k}{v}辆" for k, v in uy.vehicles.items())
    s.paragraphs.append(
        f"截至{y}年12月31日，本{word}共有车辆{w.count(nveh, 'vehicles_total', '辆')}辆"
        + (f"，其中：{detail}" if detail else "")
        + f"。单价100万元（含）以上设备{w.count(uy.equipment_large, 'equipment_large', '台(套)')}台（套）。"
    )
    sections.append(s)

    # ---------- 十三、绩效 ----------
    s = Section("十三、预算绩效情况说明")
    projs: list[Project] = uy.projects
    if projs:
        amount = sum(p.actual for p in projs)
        s.paragraphs.append(
            f"根据预算绩效管理要求，本{word}组织对{y}年度一般公共预算项目支出全面开展绩效自评，共涉及项目"
            f"{w.count(len(projs), 'performance_project_count', '个')}个，资金"
            f"{w.amt(amount, 'performance_project_amount')}，占一般公共预算项目支出总额的100%。"
        )
        attachments = []
        for i, p in enumerate(projs):
            b_txt = w.amt(p.budget, "project_budget", None, p.name)
            a_txt = w.amt(p.actual, "project_actual", None, p.name)
            b_val = round(w._value("project_budget", None, p.name, p.budget / 100) * 100)
            a_val = round(w._value("project_actual", None, p.name, p.actual / 100) * 100)
            rate = pct(a_val, b_val)
            r_txt = w.rate(rate, "project_execution_rate", None, p.name)
            s.paragraphs.append(
                f"{i + 1}. {p.name}项目绩效自评综述：项目全年预算数为{b_txt}，执行数为{a_txt}，完成预算的{r_txt}。"
                + r.choice(
                    [
                        "项目按计划实施，主要绩效目标基本完成。",
                        "项目资金使用规范，产出和效益指标均达到预期。",
                        "项目实施总体良好，服务对象满意度较高。",
                    ]
                )
            )
            attachments.append(
                PerfTable(
                    p.name,
                    department,
                    name,
                    money(b_val),
                    money(a_val),
                    pct_text(rate) + "%",
                    [(i_.level1, i_.level2, i_.name, i_.target, i_.actual) for i_ in p.indicators],
                )
            )
    else:
        attachments = []
        s.paragraphs.append(f"本{word}{y}年度无一般公共预算项目支出，未开展项目支出绩效自评。")
    sections.append(s)

    glossary = [
        "（一）财政拨款收入：指本级财政当年拨付的资金，包括一般公共预算财政拨款、政府性基金预算财政拨款和国有资本经营预算财政拨款。",
        "（二）事业收入：指事业单位开展专业业务活动及其辅助活动取得的收入。",
        "（三）年初结转和结余：指以前年度尚未完成、结转到本年按有关规定继续使用的资金。",
        "（四）年末结转和结余：指本年度或以前年度预算安排、因客观条件发生变化无法按原计划实施，需延迟到以后年度按有关规定继续使用的资金。",
        "（五）基本支出：指为保障机构正常运转、完成日常工作任务而发生的人员支出和公用支出。",
        "（六）项目支出：指在基本支出之外为完成特定行政任务和事业发展目标所发生的支出。",
        "（七）“三公”经费：指用财政拨款安排的因公出国（境）费、公务用车购置及运行维护费和公务接待费。",
        "（八）机关运行经费：指为保障行政单位（含参照公务员法管理的事业单位）运行用于购买货物和服务的各项资金。",
    ]
    return Narrative(overview, sections, glossary, attachments, w.facts)
