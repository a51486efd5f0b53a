"""The document a unit publishes, format-neutral (samplegen.doc_model): cover,
table of contents, 概况, the nine tables laid out per the layout spec, the
narrative and the 绩效自评 attachments, in the order the layout asks for."""

from __future__ import annotations

import random

from samplegen.blocks_econ_sangong import economic, sangong
from samplegen.blocks_subject import subject
from samplegen.blocks_two_sided import two_sided
from samplegen.catalog import CHINESE_ORDINALS
from samplegen.doc_model import Cover, DocModel, Heading, PageBreak, Paragraph, TableBlock
from samplegen.layout import Layout
from samplegen.narrative_text import Narrative
from samplegen.table_blocks import TITLES, BlockMaker
from samplegen.tables import TableSet

STANDARD_ORDER = ["01", "02", "03", "04", "05", "06", "07", "08", "09"]
SANGONG_SEVENTH = ["01", "02", "03", "04", "05", "06", "09", "07", "08"]


def build_document(
    *,
    ts: TableSet,
    narrative: Narrative,
    layout: Layout,
    year: int,
    title_name: str,
    line_name: str,
    is_department: bool,
    date: tuple[int, int, int],
    seed: str,
) -> DocModel:
    rng = random.Random(f"present/{seed}")
    word = "部门" if is_department else "单位"
    kind = "部门决算" if is_department else "单位决算"
    style = layout.narrative_style
    if style == 0:
        title = f"{year}年度{title_name}{kind}公开"
    elif style == 1:
        title = f"{title_name}{year}年度{kind}"
    else:
        title = f"{title_name}{year}年度{kind}公开"
    y_, m_, d_ = date
    date_txt = f"{y_}年{m_}月{d_:02d}日" if style != 1 else f"{y_}年{m_}月"
    doc = DocModel(title, title_name, year, date_txt, layout, seed=seed)
    B = doc.blocks
    B.append(Cover(title, date_txt))
    B.append(PageBreak())
    toc = [
        f"第一部分 {title_name}概况",
        "一、部门主要职责",
        "二、部门决算单位构成",
        f"第二部分 {title_name}{year}年度{kind}表",
    ]
    order = SANGONG_SEVENTH if layout.table_order == "sangong_seventh" else STANDARD_ORDER
    present = [tid for tid in order if tid not in ts.missing]
    for i, tid in enumerate(present):
        toc.append(f"{CHINESE_ORDINALS[i]}、{TITLES[tid]}")
    toc.append(f"第三部分 {title_name}{year}年度{kind}情况说明")
    toc += [sec.heading for sec in narrative.explanation]
    toc += ["第四部分 名词解释", "第五部分 附件"]
    B.append(Heading("目 录", 0))
    B += [Paragraph(x) for x in toc]
    B.append(PageBreak())
    B.append(Heading(f"第一部分 {title_name}概况", 0))
    for sec in narrative.overview:
        B.append(Heading(sec.heading, 1))
        B += [Paragraph(p) for p in sec.paragraphs]
    B.append(PageBreak())
    B.append(Heading(f"第二部分 {title_name}{year}年度{kind}表", 0))
    maker = BlockMaker(ts, layout, year, line_name, word, rng)
    for i, tid in enumerate(present):
        pos = i + 1
        if tid in ("01", "04"):
            blk = two_sided(maker, tid, pos)
        elif tid == "06":
            blk = economic(maker, pos)
        elif tid == "09":
            blk = sangong(maker, pos)
        else:
            blk = subject(maker, tid, pos)
        B.append(blk)
        B.append(PageBreak())
    B.append(Heading(f"第三部分 {title_name}{year}年度{kind}情况说明", 0))
    for sec in narrative.explanation:
        B.append(Heading(sec.heading, 1))
        B += [Paragraph(p) for p in sec.paragraphs]
    B.append(PageBreak())
    B.append(Heading("第四部分 名词解释", 0))
    B += [Paragraph(p) for p in narrative.glossary]
    if narrative.attachments:
        B.append(PageBreak())
        B.append(Heading("第五部分 附件", 0))
        for att in narrative.attachments:
            body = [
                ["项目名称", "", att.project, "", "", ""],
                ["主管部门", "", att.department, "项目实施单位", att.unit, ""],
                ["预算执行情况（万元）", "", "", "预算数（A）", "执行数（B）", "执行率（B/A）"],
                ["", "", "年度财政资金总额", att.budget, att.actual, att.rate],
                ["年度绩效指标", "一级指标", "二级指标", "三级指标", "年初目标值（A）", "实际完成值（B）"],
            ]
            body += [["", *ind] for ind in att.indicators]
            body.append(["偏差大或目标未完成原因分析", "", "无", "", "", ""])
            B.append(
                TableBlock(
                    None,
                    f"{year}年度项目支出绩效自评表",
                    None,
                    f"单位名称（盖章）：{line_name}",
                    None,
                    [],
                    body,
                    ["text"] * 6,
                )
            )
            B.append(PageBreak())
    while B and isinstance(B[-1], PageBreak):
        B.pop()
    return doc
