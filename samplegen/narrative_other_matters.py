"""第三部分 情况说明, sections 九 to 十三: 三公 经费, 机关运行经费, 政府采购,
国有资产占用 and 预算绩效 (with the 绩效自评 attachment tables)."""

from __future__ import annotations

from samplegen.narrative_text import PerfTable, Section, SectionContext, money, pct, pct_text
from samplegen.truth import Project


def sangong(c: SectionContext) -> Section:
    """九: “三公” budget and actual, in total and by item."""
    ts, w, r, y, sangong_extra = c.ts, c.w, c.r, c.uy.year, c.sangong_extra
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
    return s


def operating_expenses(c: SectionContext) -> Section:
    """十: 机关运行经费 (administrative units only)."""
    uy, w, y, word, admin = c.uy, c.w, c.uy.year, c.word, c.admin
    s = Section("十、机关运行经费支出说明")
    if admin:
        ops = sum(v for k, v in uy.econ.items() if k.startswith("302"))
        s.paragraphs.append(
            f"{y}年度本{word}机关运行经费支出{w.amt(ops, 'operating_expenses')}，主要用于办公费、邮电费、"
            "差旅费、维修（护）费、公务用车运行维护费等日常公用经费支出。"
        )
    else:
        s.paragraphs.append(f"本{word}为事业单位，不涉及机关运行经费支出。")
    return s


def procurement(c: SectionContext) -> Section:
    """十一: 政府采购 by kind and to small firms."""
    uy, w, y, word = c.uy, c.w, c.uy.year, c.word
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
    return s


def assets(c: SectionContext) -> Section:
    """十二: vehicles and large equipment."""
    uy, w, y, word = c.uy, c.w, c.uy.year, c.word
    s = Section("十二、国有资产占用情况说明")
    nveh = sum(uy.vehicles.values())
    detail = "、".join(f"{k}{v}辆" for k, v in uy.vehicles.items())
    s.paragraphs.append(
        f"截至{y}年12月31日，本{word}共有车辆{w.count(nveh, 'vehicles_total', '辆')}辆"
        + (f"，其中：{detail}" if detail else "")
        + f"。单价100万元（含）以上设备{w.count(uy.equipment_large, 'equipment_large', '台(套)')}台（套）。"
    )
    return s


def performance(c: SectionContext) -> tuple[Section, list[PerfTable]]:
    """十三: 绩效自评 of every project, and the attachment table of each."""
    uy, w, r, y, word, name, department = c.uy, c.w, c.r, c.uy.year, c.word, c.name, c.department
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
            b_val = round(w.stated_value("project_budget", None, p.name, p.budget / 100) * 100)
            a_val = round(w.stated_value("project_actual", None, p.name, p.actual / 100) * 100)
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
    return s, attachments
