"""第三部分 情况说明, sections 一 to 八: the accounts themselves (totals, income,
expenditure, fiscal appropriations, the general budget and its execution against
the initial budget, basic spending, 政府性基金 and 国有资本经营)."""

from __future__ import annotations

import random

from samplegen.catalog import ECON_NAMES, functional_name, qualified_name
from samplegen.narrative_text import Section, SectionContext, pct
from samplegen.tables import TableSet
from samplegen.truth import UnitYear


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


def totals(c: SectionContext) -> Section:
    """一: 收入支出决算总计 and its change on last year, with a reason."""
    uy, prior, ts, prior_ts, w, r = c.uy, c.prior, c.ts, c.prior_ts, c.w, c.r
    y, py, word, name, style, state_prior = uy.year, uy.year - 1, c.word, c.name, c.style, c.state_prior
    total = ts["01"].find(label="总计", side="income").values["amount"]
    prior_total = prior_ts["01"].find(label="总计", side="income").values["amount"] if prior_ts else None
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
    return s


def income(c: SectionContext) -> Section:
    """二: 本年收入 by source."""
    w, y, style = c.w, c.uy.year, c.style
    t02 = c.ts["02"]
    income_total = t02.rows[0].values["total"]
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
    return s


def expenditure(c: SectionContext) -> Section:
    """三: 本年支出, basic and project."""
    w, y, style = c.w, c.uy.year, c.style
    exp = c.ts["03"].rows[0].values
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
    return s


def fiscal(c: SectionContext) -> Section:
    """四: 财政拨款收支总计 by fund."""
    w, y = c.w, c.uy.year
    t04 = c.ts["04"]
    s = Section("四、财政拨款收入支出决算总体情况说明")
    fiscal_total = t04.find(label="总计", side="income").values["amount"]
    inc04 = {r_.label: r_.values["amount"] for r_ in t04.rows if r_.side == "income" and r_.kind == "income"}
    txt = f"{y}年度财政拨款收、支总计{w.amt(fiscal_total, 'fiscal_total')}。"
    bits = [f"{k}收入{w.amt(v)}" for k, v in inc04.items() if v]
    if bits:
        txt += "其中：" + "，".join(bits) + "。"
    s.paragraphs.append(txt)
    return s


def general_budget(c: SectionContext) -> Section:
    """五: 一般公共预算财政拨款支出, its structure, and each 项 against the initial budget."""
    uy, w, r, y, style = c.uy, c.w, c.r, c.uy.year, c.style
    t05 = c.ts["05"]
    exp = c.ts["03"].rows[0].values
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
            kuans = [
                k.label
                for k in t05.rows
                if k.kind == "kuan" and k.required_code.startswith(row.required_code)
            ]
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
    b_init = sum(lines[row.required_code].budget_initial for row in xiang)
    b_adj = sum(lines[row.required_code].budget_adjusted for row in xiang)
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
        ln = lines[row.required_code]
        label = functional_name(row.required_code, y)
        qn = qualified_name(row.required_code, y)
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
    return s


def basic(c: SectionContext) -> Section:
    """六: basic spending as 人员经费 and 公用经费 (table 06)."""
    uy, w, y = c.uy, c.w, c.uy.year
    t06 = c.ts["06"]
    g = c.ts["05"].rows[0].values
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
    return s


def funds(c: SectionContext) -> list[Section]:
    """七、八: 政府性基金 and 国有资本经营 appropriations (or that there were none)."""
    ts, w, r, y, name, word = c.ts, c.w, c.r, c.uy.year, c.name, c.word
    out: list[Section] = []
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
        out.append(s)
    return out
