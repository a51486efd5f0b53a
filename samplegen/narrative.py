"""第一部分 概况, 第三部分 情况说明, 名词解释 and the 绩效自评 attachment, with
every number taken from the tables, and the list of facts the narrative states
(`facts` in the manifest, kinds as in docs/facts.md).

Sentences come from several templates per statement; a unit's
`narrative_style` picks the family and a per-document RNG varies the rest.
Narrative faults are `overrides`: (kind, subject_code or label) -> the value
printed instead of the true one; everything else in the sentence stays true."""

from __future__ import annotations

import random

from samplegen import narrative_accounts as accounts
from samplegen import narrative_other_matters as other
from samplegen.catalog import CHINESE_ORDINALS
from samplegen.narrative_text import FactWriter, Narrative, Section, SectionContext
from samplegen.tables import TableSet
from samplegen.truth import UnitYear

GLOSSARY = [
    "（一）财政拨款收入：指本级财政当年拨付的资金，包括一般公共预算财政拨款、政府性基金预算财政拨款和国有资本经营预算财政拨款。",
    "（二）事业收入：指事业单位开展专业业务活动及其辅助活动取得的收入。",
    "（三）年初结转和结余：指以前年度尚未完成、结转到本年按有关规定继续使用的资金。",
    "（四）年末结转和结余：指本年度或以前年度预算安排、因客观条件发生变化无法按原计划实施，需延迟到以后年度按有关规定继续使用的资金。",
    "（五）基本支出：指为保障机构正常运转、完成日常工作任务而发生的人员支出和公用支出。",
    "（六）项目支出：指在基本支出之外为完成特定行政任务和事业发展目标所发生的支出。",
    "（七）“三公”经费：指用财政拨款安排的因公出国（境）费、公务用车购置及运行维护费和公务接待费。",
    "（八）机关运行经费：指为保障行政单位（含参照公务员法管理的事业单位）运行用于购买货物和服务的各项资金。",
]


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
    w = FactWriter(overrides or {}, trim, style == 1)
    y = uy.year
    word = "部门" if is_department else "单位"
    c = SectionContext(
        uy=uy,
        prior=prior,
        ts=ts,
        prior_ts=prior_ts,
        name=name,
        department=department,
        admin=admin,
        is_department=is_department,
        style=style,
        sangong_extra=sangong_extra,
        state_prior=state_prior,
        w=w,
        r=r,
    )

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

    # ---------- 第三部分 情况说明, in document order (the sections share the RNG) ----------
    sections = [accounts.totals(c), accounts.income(c), accounts.expenditure(c), accounts.fiscal(c)]
    sections += [accounts.general_budget(c), accounts.basic(c), *accounts.funds(c)]
    sections += [other.sangong(c), other.operating_expenses(c), other.procurement(c), other.assets(c)]
    performance, attachments = other.performance(c)
    sections.append(performance)
    return Narrative(overview, sections, list(GLOSSARY), attachments, w.facts)
