"""Shared page helpers: Chinese column labels, 万元 formatting, table views with
XLSX / CSV export, and the warehouse guard."""

from __future__ import annotations

import polars as pl
import streamlit as st

from dashboard import export, queries
from dashboard.widgets import chrome, url_multiselect, url_selectbox  # noqa: F401  (pages use ui.*)

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
    "cells_unchecked": "未参与勾稽核对的数字",
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
    "rule_description": "规则说明",
    "sentence": "原文语句",
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
    # 07/08 and subject codes
    "class_code": "类",
    "section_code": "款",
    "item_code": "项",
    "subject_name_printed": "科目名称（文中）",
    "row_no": "行次",
    "opening": "年初结转和结余（万元）",
    "income": "本年收入（万元）",
    "closing": "年末结转和结余（万元）",
    # 09 三公
    "budget_total": "三公经费预算：合计（万元）",
    "budget_outbound": "预算：因公出国（境）费（万元）",
    "budget_vehicle": "预算：公务用车购置及运行费（万元）",
    "budget_vehicle_purchase": "预算：公务用车购置费（万元）",
    "budget_vehicle_operation": "预算：公务用车运行费（万元）",
    "budget_reception": "预算：公务接待费（万元）",
    "budget_meeting": "预算：会议费（万元）",
    "budget_training": "预算：培训费（万元）",
    "actual_total": "三公经费决算：合计（万元）",
    "actual_outbound": "决算：因公出国（境）费（万元）",
    "actual_vehicle": "决算：公务用车购置及运行费（万元）",
    "actual_vehicle_purchase": "决算：公务用车购置费（万元）",
    "actual_vehicle_operation": "决算：公务用车运行费（万元）",
    "actual_reception": "决算：公务接待费（万元）",
    "actual_meeting": "决算：会议费（万元）",
    "actual_training": "决算：培训费（万元）",
    # 预算执行、绩效、采购
    "item_label": "项目",
    "budget_initial": "年初预算数（万元）",
    "budget_adjusted": "调整预算数（万元）",
    "budget_full_year": "全年预算数（万元）",
    "actual_stated": "决算数（文中，万元）",
    "actual_table": "决算数（公开05表，万元）",
    "budget_initial_table": "年初预算数（公开05表，万元）",
    "project_no": "序号",
    "procurement_total": "政府采购支出总额（万元）",
    "goods": "货物（万元）",
    "works": "工程（万元）",
    "services": "服务（万元）",
    "awarded_sme": "授予中小企业合同（万元）",
    "awarded_small_micro": "其中授予小微企业（万元）",
    # 数据质量
    "finding_id": "检查结果编号",
    "severity": "严重程度",
    "location": "位置",
    "tolerance": "容差",
    "excess": "超出容差",
    "acknowledged": "已确认",
    "ack_note": "确认说明",
    "acked_by": "确认人",
    "acked_at": "确认时间",
    "documents": "文档数",
    "rules_run": "已运行规则",
    "passed": "通过",
    "rounding": "舍入差异",
    "insufficient_data": "数据不足",
    "not_run": "未运行",
    "unacknowledged_failures": "未确认的未通过项",
    # 刷新记录
    "inbox": "收件目录",
    "files_new": "新文件",
    "files_changed": "变更文件",
    "files_unchanged": "未变文件",
    "files_duplicate": "重复文件",
    "files_missing": "缺失文件",
    "documents_parsed": "解析文档",
    "documents_superseding": "更正版本",
    "units_flagged": "待核实单位",
    "parse_seconds": "解析耗时（秒）",
    "dbt_seconds": "建模耗时（秒）",
    "dq_seconds": "质量检查耗时（秒）",
}


# Codes stored in the warehouse (the unit registry uses English unit-type
# codes) shown in Chinese everywhere: tables, filters, exports, captions.
UNIT_TYPE_LABELS = {
    "bureau": "行政机关（局）",
    "street": "街道办事处",
    "school": "学校",
    "hospital": "医院",
    "service_centre": "服务中心",
    "institution": "其他事业单位",
}
VALUE_LABELS = {
    "unit_type": UNIT_TYPE_LABELS,
    "document_status": {"loaded": "已入库", "quarantined": "已隔离"},
    "document_format": {"text": "文本", "pdf": "PDF", "scan": "扫描件（文字识别）", "xlsx": "Excel", "xls": "Excel", "html": "网页", "docx": "Word", "csv": "CSV", "json": "JSON"},
    "status": {"success": "成功", "dq_failed": "数据质量检查出错", "unchanged": "无变化", "failed": "失败",
               "interrupted": "中断", "running": "运行中"},
    "outcome": {"fail": "未通过", "rounding": "舍入差异", "pass": "通过", "not_applicable": "不适用",
                "insufficient_data": "数据不足"},
    "side": {"income": "收入", "expenditure": "支出"},
    "severity": {"error": "错误", "warning": "警告", "info": "提示"},
    "quarantine_code": {"unreadable": "无法读取", "parser_error": "解析失败", "parser_crash": "解析程序异常",
                        "no_unit": "无法识别单位", "no_year": "无法识别年度"},
}  # fmt: skip


def label(col: str) -> str:
    return LABELS.get(col, col)


def unit_type_label(code) -> str:
    """A unit type in Chinese (codes the dashboard does not know are shown as stored)."""
    if code is None:
        return "—"
    return UNIT_TYPE_LABELS.get(code, code)


def value_label(col: str, value):
    """A stored code of column ``col`` in Chinese (unchanged when not a known code)."""
    m = VALUE_LABELS.get(col)
    if m is None or not isinstance(value, str):
        return value
    return m.get(value, value)


# Plotly: amounts in 万元 with two decimals on axes and in hover text.
WAN_TICKFORMAT = ",.2f"


def wan_chart(fig, axis: str = "y", pct: bool = False, category: str = ""):
    """Format the amount axis and the hover text of a plotly bar/line figure as
    万元 with two decimals (``pct``: a percentage with two decimals).
    ``category`` labels the other axis' value in the hover text."""
    other = "x" if axis == "y" else "y"
    fmt = f"%{{{axis}:,.2f}}" + ("%" if pct else " 万元")
    getattr(fig, f"update_{axis}axes")(tickformat=",.2f", ticksuffix="%" if pct else "")
    cat = f"{category}：%{{{other}}}" if category else f"%{{{other}}}"
    for trace in fig.data:
        name = f"{trace.name}<br>" if trace.name else ""
        trace.hovertemplate = f"{name}{cat}<br>{fmt}<extra></extra>"
    fig.update_layout(separators=".,", hoverlabel={"namelength": -1})
    return fig


def wan_hierarchy(fig):
    """Sunburst/treemap: values in 万元 with two decimals in the hover text."""
    fig.update_traces(
        hovertemplate="%{label}<br>%{value:,.2f} 万元<br>占上级 %{percentParent:.2%}<extra></extra>"
    )
    return fig


def wan(v) -> str:
    """An amount in 万元 with two decimals (— when missing)."""
    if v is None or v != v:  # None or NaN
        return "—"
    try:
        return f"{float(v):,.2f}"
    except (TypeError, ValueError):
        return str(v)


# Columns that count things: shown and exported as integers.
COUNT_COLUMNS = {
    "staff_count", "version_no", "versions_count", "n_problems", "cells_unchecked", "dq_failed", "dq_rules", "failed", "checks",
    "units", "peers", "files_seen", "files_new", "files_changed", "files_unchanged", "files_duplicate",
    "files_missing", "documents_parsed", "documents_loaded", "documents_quarantined", "documents_superseding",
    "units_flagged", "findings", "expected_count", "disclosed", "unexpected", "documents_count", "documents",
    "rules_run", "passed", "rounding", "insufficient_data", "not_run", "unacknowledged_failures", "rank",
    "page_no", "row_no", "project_no", "fiscal_year",
}  # fmt: skip
PLAIN_INTEGERS = ("年度", "页码", "行次", "行号", "序号")


def _display_expr(name: str, dtype: pl.DataType) -> pl.Expr | None:
    c = pl.col(name)
    if name in COUNT_COLUMNS and dtype.is_numeric():
        return c.round().cast(pl.Int64) if dtype.is_float() else c.cast(pl.Int64)
    if dtype.is_float():
        return export.two_decimals(c)
    if dtype == pl.Boolean:
        return pl.when(c.is_null()).then(pl.lit("—")).when(c).then(pl.lit("是")).otherwise(pl.lit("否"))
    if dtype == pl.String:
        return (c.replace(VALUE_LABELS[name]) if name in VALUE_LABELS else c).fill_null("—")
    if dtype == pl.Null:
        return pl.lit("—", dtype=pl.String)
    return None


def labelled(df: pl.DataFrame) -> pl.DataFrame:
    """Chinese headers; a header two columns share gets a number (polars needs unique names)."""
    out: dict[str, str] = {}
    for c in df.columns:
        name, n = label(c), 2
        while name in out.values():
            name, n = f"{label(c)}（{n}）", n + 1
        out[c] = name
    return df.rename(out)


def display(df: pl.DataFrame) -> pl.DataFrame:
    """Chinese headers and codes, amounts rounded to 2 decimals, counts as
    integers, booleans as 是/否, missing text as —."""
    exprs = [e.alias(n) for n, d in df.schema.items() if (e := _display_expr(n, d)) is not None]
    return labelled(df.with_columns(exprs) if exprs else df)


def static_table(frame: pl.DataFrame, index: str | None = None, columns_name: str | None = None) -> None:
    """A small static table (st.table): 万元 as 1,234.56, counts as 1,234, years and
    pages plain, missing as —; ``index``: the column shown as row headers.
    st.table formats numbers only through a pandas Styler, so the frame becomes
    pandas here, at Streamlit's door (the one place the pages hand it pandas)."""
    amounts = [c for c, d in frame.schema.items() if d.is_float()]
    counts = [c for c, d in frame.schema.items() if d.is_integer()]
    shown = frame.to_pandas()
    for c in counts:
        shown[c] = shown[c].astype("Int64")  # integers also where a value is missing
    if index is not None:
        shown = shown.set_index(index)
    if columns_name is not None:
        shown = shown.rename_axis(columns=columns_name)
    fmt = {c: "{:,.2f}" for c in amounts} | {c: ("{}" if c in PLAIN_INTEGERS else "{:,}") for c in counts}
    st.table(shown.style.format({c: f for c, f in fmt.items() if c != index}, na_rep="—"))


def _column_formats(shown: pl.DataFrame) -> dict:
    """st.dataframe formats: 万元 as 1,234.56, counts as 1,234, years and pages plain."""
    out = {}
    for c, dtype in shown.schema.items():
        if dtype.is_float():
            out[c] = st.column_config.NumberColumn(c, format="%,.2f")
        elif dtype.is_integer():
            out[c] = st.column_config.NumberColumn(c, format="%d" if c in PLAIN_INTEGERS else "%,d")
    return out


# The download buttons under every table: extension → (label, MIME type).
EXPORT_FORMATS = {
    "xlsx": ("导出 XLSX", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    "csv": ("导出 CSV", "text/csv"),
    "parquet": ("导出 Parquet", "application/vnd.apache.parquet"),
}


def show_table(
    df: pl.DataFrame, key: str, name: str, static: bool = False, title: str | None = None
) -> pl.DataFrame:
    """Render a table with Chinese headers, 万元 with thousands separators and
    two decimals, integers for counts; XLSX / CSV downloads of exactly what is
    shown, built only when clicked (``title``: the export's title row)."""
    shown = display(df)
    if static:
        static_table(shown)
    else:
        # column formats, not a Styler: a Styler costs ~0.25 ms per cell to marshal
        st.dataframe(shown, hide_index=True, column_config=_column_formats(shown), width="stretch",
                     placeholder="—")  # fmt: skip
    # One "导出" menu per table; the files are built only when a button is clicked.
    builders = {
        "xlsx": lambda: export.to_xlsx_bytes(shown, name, title),
        "csv": lambda: export.to_csv_bytes(shown),
        "parquet": lambda: export.to_parquet_bytes(shown),
    }
    with st.popover("导出", width="content"):
        for ext, (text, mime) in EXPORT_FORMATS.items():
            st.download_button(text, builders[ext], file_name=f"{name}.{ext}", mime=mime, key=f"{key}-{ext}",
                               on_click="ignore")  # fmt: skip
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


def year_select(key: str = "year", container=None) -> int:
    """The year, from ``?year=`` when given, else the latest."""
    return url_selectbox("年度", queries.years(), "year", key, container, format_func=lambda y: f"{y} 年")
