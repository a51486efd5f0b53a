"""单位详情: one unit-year, its tables rebuilt from the warehouse, facts,
findings, document versions and source file; every line carries its page."""

from __future__ import annotations

import streamlit as st

from dashboard import queries, ui

SUMMARY_FIELDS = [
    ("income_total", "本年收入合计"),
    ("expenditure_total", "本年支出合计"),
    ("basic_expenditure", "基本支出"),
    ("project_expenditure", "项目支出"),
    ("personnel_expenditure", "人员经费"),
    ("public_expenditure", "公用经费"),
    ("sangong_budget", "三公经费预算"),
    ("sangong_actual", "三公经费决算"),
    ("budget_initial_total", "年初预算"),
    ("operating_expenses", "机关运行经费"),
    ("procurement_total", "政府采购"),
]


def render() -> None:
    st.title("单位详情")
    if not ui.require_warehouse():
        return
    units = queries.all_units()
    names = dict(zip(units["unit_id"], units["unit_name"], strict=True))
    c1, c2 = st.columns([3, 1])
    unit_id = c1.selectbox("单位", list(names), format_func=lambda u: f"{names[u]}（{u}）", key="detail-unit")
    years = queries.unit_years(unit_id) if unit_id else []
    if not years:
        st.info("该单位尚无已入库的决算。")
        _documents(unit_id)
        return
    year = c2.selectbox("年度", years, key="detail-year", format_func=lambda y: f"{y} 年")
    s = queries.unit_summary(unit_id, year)
    doc = s["document_id"]
    st.caption(
        f"主管部门：{s.get('department') or '—'}　单位类型：{s.get('unit_type') or '—'}　人数：{s.get('staff_count') or '—'}"
        f"　文档：{doc}（第 {s.get('version_no') or 1} 版）"
    )
    st.subheader("主要指标（万元）")
    present = [(k, v) for k, v in SUMMARY_FIELDS if k in s]
    for i in range(0, len(present), 4):
        cols = st.columns(4)
        for col, (k, v) in zip(cols, present[i : i + 4], strict=False):
            col.metric(v, ui.wan(s.get(k)))

    t03, t06, other, facts, findings, docs = st.tabs(
        [
            "支出决算表（公开03表）",
            "基本支出明细（公开06表）",
            "其他公开表",
            "绩效与说明",
            "数据质量",
            "文档版本",
        ]
    )
    with t03:
        ui.show_table(queries.unit_table_03(doc, year), "detail-03", f"{names[unit_id]}_{year}_支出决算表")
    with t06:
        ui.show_table(queries.unit_table_06(doc), "detail-06", f"{names[unit_id]}_{year}_基本支出明细")
    with other:
        for table, title in queries.DOCUMENT_TABLES.items():
            if table in ("fct_performance_projects", "fct_budget_execution", "fct_procurement"):
                continue
            df = queries.document_table(table, doc)
            if df is None:
                continue
            st.markdown(f"**{title}**")
            if df.empty:
                st.caption("该文档没有这张表的数据。")
            else:
                ui.show_table(df, f"detail-{table}", f"{names[unit_id]}_{year}_{table}")
    with facts:
        for table in ("fct_performance_projects", "fct_budget_execution", "fct_procurement"):
            df = queries.document_table(table, doc)
            if df is None:
                continue
            st.markdown(f"**{queries.DOCUMENT_TABLES[table]}**")
            if df.empty:
                st.caption("文中未说明。")
            else:
                ui.show_table(df, f"detail-{table}", f"{names[unit_id]}_{year}_{table}")
    with findings:
        f = queries.unit_findings(unit_id, year)
        if f is None:
            st.info("数据质量检查结果尚未生成（仓库中没有 dq_findings 表）。")
        else:
            ui.show_table(f, "detail-findings", f"{names[unit_id]}_{year}_数据质量")
    with docs:
        _documents(unit_id)


def _documents(unit_id: str) -> None:
    st.markdown("**文档版本与来源文件**")
    ui.show_table(queries.unit_documents(unit_id), "detail-docs", f"{unit_id}_文档版本")
