"""Shared page helpers: Chinese column labels, 万元 formatting, table views with
XLSX / CSV export, and the warehouse guard."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from dashboard import export, queries

LABELS = {
    "unit_id": "单位编码",
    "unit_name": "单位名称",
    "canonical_name": "单位名称",
    "department": "主管部门",
    "unit_type": "单位类型",
    "staff_count": "人数",
    "fiscal_year": "年度",
    "expenditure_total": "本年支出合计（万元）",
    "income_total": "本年收入合计（万元）",
    "basic_expenditure": "基本支出（万元）",
    "project_expenditure": "项目支出（万元）",
    "personnel_expenditure": "人员经费（万元）",
    "public_expenditure": "公用经费（万元）",
    "sangong_budget": "三公经费预算（万元）",
    "sangong_actual": "三公经费决算（万元）",
    "prior_expenditure_total": "上年支出合计（万元）",
    "expenditure_yoy_change": "支出同比增减（万元）",
    "expenditure_yoy_pct": "支出同比（%）",
    "version_no": "版本",
    "n_problems": "解析问题数",
    "dq_failed": "未通过规则数",
    "dq_rules": "已检查规则数",
    "dq_status": "数据质量",
    "code": "科目编码",
    "name": "科目名称",
    "amount": "金额（万元）",
    "share_pct": "占比（%）",
    "rank": "排名",
    "budget_initial_total": "年初预算（万元）",
    "execution_pct": "预算执行率（%）",
    "subject_code": "科目编码",
    "subject_level": "级次",
    "subject_name": "科目名称",
    "total": "合计（万元）",
    "basic": "基本支出（万元）",
    "project": "项目支出（万元）",
    "page_no": "页码",
    "economic_code": "经济分类编码",
    "economic_level": "级次",
    "economic_name": "经济分类名称",
    "cost_category": "人员/公用",
    "document_id": "文档编号",
    "version_no_": "版本",
    "versions_count": "版本数",
    "is_current": "当前版本",
    "document_status": "状态",
    "superseded_by_document_id": "被替代为",
    "unit_name_printed": "文中单位名称",
    "file_name": "文件名",
    "source_path": "来源文件",
    "document_format": "格式",
    "publication_date": "公开日期",
    "quarantine_code": "隔离代码",
    "quarantine_reason": "隔离原因",
    "first_seen_at": "首次发现时间",
    "loaded_at": "入库时间",
    "metric_label": "指标",
    "value": "数值",
    "peer_median": "同类中位数",
    "peer_mad": "同类离散度（MAD）",
    "peers": "同类单位数",
    "robust_z": "偏离程度（稳健 z 值）",
    "reason": "原因",
    "run_id": "运行编号",
    "started_at": "开始时间",
    "finished_at": "结束时间",
    "status": "状态",
    "error": "错误",
    "files_seen": "文件数",
    "documents_loaded": "入库文档",
    "documents_quarantined": "隔离文档",
    "findings": "未通过规则",
    "total_seconds": "耗时（秒）",
    "rule_id": "规则",
    "outcome": "结果",
    "expected": "应为",
    "actual": "实际",
    "difference": "差额",
    "row_label": "行",
    "table_id": "表",
    "failed": "未通过",
    "checks": "检查数",
    "expected_count": "应公开",
    "disclosed": "已公开",
    "unexpected": "名录外公开",
    "review_reason": "待核实原因",
    "suggested_unit_id": "建议归属单位",
    "documents_count": "文档数",
    "project_name": "项目名称",
    "budget": "预算数（万元）",
    "execution_rate_stated": "执行率（文中，%）",
    "execution_rate_computed": "执行率（计算，%）",
    "units": "单位数",
    "class_name": "类",
    "section_name": "款",
    "item_name": "项",
}


def label(col: str) -> str:
    return LABELS.get(col, col)


def wan(v) -> str:
    """An amount in 万元 with two decimals (— when missing)."""
    if v is None or (isinstance(v, float) and pd.isna(v)):
        return "—"
    try:
        return f"{float(v):,.2f}"
    except (TypeError, ValueError):
        return str(v)


def _display(df: pd.DataFrame) -> pd.DataFrame:
    out = df.copy()
    for c in out.columns:
        if out[c].dtype.kind == "f":
            out[c] = out[c].round(2)
    return out.rename(columns={c: label(c) for c in out.columns})


def show_table(df: pd.DataFrame, key: str, name: str, static: bool = False) -> pd.DataFrame:
    """Render a table with Chinese headers and 2-decimal amounts, plus XLSX and
    CSV (UTF-8 BOM) downloads of exactly what is shown."""
    shown = _display(df)
    fmt = {
        c: st.column_config.NumberColumn(c, format="%.2f")
        for c in shown.columns
        if shown[c].dtype.kind == "f"
    }
    if static:
        st.table(shown.style.format({c: "{:,.2f}" for c in fmt}, na_rep="—"))
    else:
        st.dataframe(shown, hide_index=True, column_config=fmt, width="stretch")
    c1, c2, _ = st.columns([1, 1, 4])
    c1.download_button(
        "导出 XLSX",
        export.to_xlsx_bytes(shown, name),
        file_name=f"{name}.xlsx",
        mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        key=f"{key}-xlsx",
    )
    c2.download_button(
        "导出 CSV", export.to_csv_bytes(shown), file_name=f"{name}.csv", mime="text/csv", key=f"{key}-csv"
    )
    return shown


def require_warehouse() -> bool:
    """Show a notice and return False when there is no usable warehouse."""
    try:
        present = queries.tables()
    except queries.WarehouseMissing as exc:
        st.warning(str(exc))
        return False
    if "fct_unit_year_summary" not in present:
        st.warning("数据仓库尚未完成构建（缺少 fct_unit_year_summary），请先运行 juesuan refresh。")
        return False
    if not queries.years():
        st.info("数据仓库中还没有已入库的决算文档。")
        return False
    return True


def year_select(key: str = "year") -> int:
    ys = queries.years()
    return st.selectbox("年度", ys, index=0, key=key, format_func=lambda y: f"{y} 年")
