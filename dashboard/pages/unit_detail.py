"""单位详情: one unit-year, its tables rebuilt from the warehouse, facts,
findings, document versions and source file; every line carries its page."""

from __future__ import annotations

import polars as pl
import streamlit as st

from dashboard import queries, ui
from dashboard.pages import unit_tables

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


# The nine published tables rebuilt from the warehouse (01-06 here; 07-09 under 其他公开表).
PUBLISHED_TABS = {
    "01": "01 收支总表",
    "02": "02 收入",
    "03": "03 支出",
    "04": "04 财拨收支",
    "05": "05 一般公共预算",
    "06": "06 基本支出",
    "09": "09 三公经费",
}
SHOWN_ELSEWHERE = {
    "fct_income_by_subject",
    "fct_fiscal_appropriations",
    "fct_general_budget_expenditure",
    "fct_performance_projects",
    "fct_budget_execution",
    "fct_procurement",
    "fct_three_public_expenses",
}
# Facts read from the 情况说明 (the 绩效与说明 tab).
NARRATIVE_TABLES = ["fct_performance_projects", "fct_budget_execution", "fct_procurement"]
# Column headings of the published tables (the same warehouse column can mean
# 经营收入 in 02 and 经营支出 in 03).
TABLE_COLUMNS = {
    "01": {"income_label": "收入项目", "income_amount": "收入金额（万元）", "expenditure_code": "支出功能分类科目编码",
           "expenditure_label": "支出项目", "expenditure_amount": "支出金额（万元）"},
    "02": {"total": "本年收入合计（万元）", "fiscal": "财政拨款收入（万元）", "superior_subsidy": "上级补助收入（万元）",
           "business": "事业收入（万元）", "operating": "经营收入（万元）",
           "affiliated_remittance": "附属单位上缴收入（万元）", "other": "其他收入（万元）"},
    "03": {"total": "本年支出合计（万元）", "basic": "基本支出（万元）", "project": "项目支出（万元）",
           "remit_superior": "上缴上级支出（万元）", "operating": "经营支出（万元）",
           "affiliated_subsidy": "对附属单位补助支出（万元）"},
    "04": {"income_label": "收入项目", "income_total": "收入金额（万元）", "expenditure_code": "支出功能分类科目编码",
           "expenditure_label": "支出项目", "expenditure_total": "支出合计（万元）",
           "expenditure_general": "一般公共预算财政拨款（万元）", "expenditure_fund": "政府性基金预算财政拨款（万元）",
           "expenditure_state_capital": "国有资本经营预算财政拨款（万元）"},
    "05": {"budget_initial": "年初预算数（万元）", "budget_adjusted": "调整预算数（万元）",
           "total": "决算数：合计（万元）", "basic": "基本支出（万元）", "project": "项目支出（万元）"},
}  # fmt: skip
# Keys and load stamps: not part of the published tables.
TECHNICAL_COLUMNS = ("line_key", "document_id", "unit_id", "fiscal_year", "document_loaded_at", "subject_key",
                     "item_key", "project_key", "execution_key")  # fmt: skip


def _plain_columns(df: pl.DataFrame) -> pl.DataFrame:
    return df.drop([c for c in TECHNICAL_COLUMNS if c in df.columns])


def _published_table(no: str, doc: str, year: int, prefix: str) -> None:
    if no == "06":
        return unit_tables.table_06(doc, year, prefix)
    if no == "09":
        return unit_tables.table_09(doc, prefix)
    title = queries.SUBJECT_TABLES.get(no, queries.TWO_SIDED_TABLES.get(no, (None, "")))[1]
    if no in queries.SUBJECT_TABLES:
        df = queries.unit_subject_table(no, doc, year)
    else:
        df = queries.unit_two_sided_table(no, doc)
    st.markdown(f"**{title}**（金额单位：万元）")
    if df is None:
        st.caption("数据仓库中没有这张表。")
        return
    if df.is_empty():
        st.caption("该文档没有这张表的数据。")
        return
    if no == "05":  # 年初/调整预算 columns only where the document printed them
        df = df.drop([c for c in ("budget_initial", "budget_adjusted") if df[c].is_null().all()])
    ui.show_table(df.rename(TABLE_COLUMNS.get(no, {}), strict=False), f"detail-{no}", f"{prefix}_公开{no}表")


def render() -> None:
    st.title("单位详情")
    if not ui.require_warehouse():
        return
    units = queries.all_units()
    names = dict(zip(units["unit_id"], units["unit_name"], strict=True))
    c1, c2 = st.columns([3, 1])
    unit_id = ui.url_selectbox("单位", list(names), "unit", "detail-unit", c1,
                               format_func=lambda u: f"{names[u]}（{u}）")  # fmt: skip
    years = queries.unit_years(unit_id) if unit_id else []
    if not years:
        st.info("该单位尚无已入库的决算。")
        _documents(unit_id)
        return
    year = ui.url_selectbox("年度", years, "year", "detail-year", c2, format_func=lambda y: f"{y} 年")
    s = queries.unit_summary(unit_id, year)
    if s is None:  # no summary row for this unit and year: say so rather than fail
        st.info("该单位该年度没有已入库的决算。")
        _documents(unit_id)
        return
    doc = s["document_id"]
    st.caption(
        f"主管部门：{s.get('department') or '—'}　单位类型：{ui.unit_type_label(s.get('unit_type'))}　人数：{s.get('staff_count') or '—'}"
        f"　文件：{_file_name(unit_id, doc)}（第 {s.get('version_no') or 1} 版）"
    )
    st.subheader("主要指标（万元）")
    present = [(k, v) for k, v in SUMMARY_FIELDS if k in s]
    for i in range(0, len(present), 4):
        cols = st.columns(4)
        for col, (k, v) in zip(cols, present[i : i + 4], strict=False):
            col.metric(v, ui.wan(s.get(k)))

    tabs = st.tabs(
        [*PUBLISHED_TABS.values(), "其他表", "绩效与说明", "数据质量", "历年", "文档"],
        key="detail-tab",
        bind="query-params",
    )
    other, facts, findings, hist, docs = tabs[len(PUBLISHED_TABS) :]
    prefix = f"{names[unit_id]}_{year}"
    problems = queries.document_problems(doc)
    placed = queries.placed_cells(doc)
    for tab, no in zip(tabs, PUBLISHED_TABS, strict=False):
        if tab.open:  # lazy: only the open tab runs
            with tab:
                unit_tables.reader_notes(problems, no, placed)
                _published_table(no, doc, year, prefix)
    if hist.open:  # lazy: only the open tab runs
        with hist:
            unit_tables.history(unit_id, names[unit_id])
    if other.open:  # lazy: only the open tab runs
        with other:
            others = [t for t in queries.DOCUMENT_TABLES if t not in SHOWN_ELSEWHERE]
            _document_tables(others, doc, prefix, "该文档没有这张表的数据。")
    if facts.open:  # lazy: only the open tab runs
        with facts:
            _document_tables(NARRATIVE_TABLES, doc, prefix, "文中未说明。")
    if findings.open:  # lazy: only the open tab runs
        with findings:
            f = queries.unit_findings(unit_id, year)
            if f is None:
                st.info("数据质量检查结果尚未生成（仓库中没有 dq_findings 表）。")
            else:
                ui.show_table(f, "detail-findings", f"{names[unit_id]}_{year}_数据质量")
    if docs.open:  # lazy: only the open tab runs
        with docs:
            _documents(unit_id)


def _document_tables(tables: list[str], doc: str, prefix: str, none_text: str) -> None:
    """The document's rows of each table as stored; tables the warehouse lacks are left out."""
    for table in tables:
        df = queries.document_table(table, doc)
        if df is None:
            continue
        title = queries.DOCUMENT_TABLES[table]
        st.markdown(f"**{title}**")
        if df.is_empty():
            st.caption(none_text)
        else:
            ui.show_table(_plain_columns(df), f"detail-{table}", f"{prefix}_{title}")


def _file_name(unit_id: str, doc: str) -> str:
    docs = queries.unit_documents(unit_id)
    names = docs.filter(pl.col("document_id") == doc)["file_name"].drop_nulls()
    return names[0] if len(names) else "—"


def _documents(unit_id: str) -> None:
    st.markdown("**文档版本与来源文件**")
    ui.show_table(queries.unit_documents(unit_id), "detail-docs", f"{unit_id}_文档版本")
