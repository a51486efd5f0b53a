"""单位详情 helpers: table 06 as its economic tree, table 09 laid out as
published, the unit's history across years, the reader's notes per table."""

from __future__ import annotations

import plotly.express as px
import polars as pl
import streamlit as st

from dashboard import queries, ui

# 公开09表 as printed: rows 预算数 / 决算数, the items as columns.
SANGONG_COLUMNS = [
    ("total", "合计"),
    ("outbound", "因公出国（境）费"),
    ("vehicle", "公务用车购置及运行费：小计"),
    ("vehicle_purchase", "公务用车购置费"),
    ("vehicle_operation", "公务用车运行费"),
    ("reception", "公务接待费"),
    ("meeting", "会议费"),
    ("training", "培训费"),
]
HISTORY = queries.TREND_MEASURES  # fct_unit_year_summary columns


def reader_notes(problems: pl.DataFrame | None, table_no: str, placed: pl.DataFrame | None = None) -> None:
    """Cells the reader realigned, corrected or could not place, on their table;
    the cells it placed by the identities, one by one."""
    if problems is not None:
        for msg in problems.filter(pl.col("table_id") == table_no)["message"]:
            st.warning(f"解析提示：{msg}")
    if placed is None:
        return
    mine = placed.filter(pl.col("table_id") == table_no)
    if not mine.is_empty():
        st.caption("以下数字由勾稽关系确定位置（原件中空白单元格未保留或排列不平衡），请对照原件核对：")
        names = pl.Series([_column_name(k) for k in mine["column_key"]], dtype=pl.String)
        ui.static_table(
            mine.drop("table_id").with_columns(column_key=names).rename(PLACED_HEADERS, strict=False)
        )


def _column_name(key: str) -> str:
    from ingest.verify import COLUMN_NAMES

    named = ui.label(key).removesuffix("（万元）")
    return COLUMN_NAMES.get(key, named) if named == key else named


PLACED_HEADERS = {
    "row_label": "项目",
    "subject_code": "科目编码",
    "column_key": "栏目",
    "amount_wan_yuan": "金额（万元）",
    "page_no": "页码",
    "placement": "如何确定",
}


def table_06(doc: str, year: int, prefix: str) -> None:
    st.markdown("**基本支出决算明细表（公开06表）**（金额单位：万元）")
    tree = queries.unit_tree_06(doc, year)
    if tree.is_empty():
        st.caption("该文档没有这张表的数据。")
        return
    indented = ["　" * int(d) * 2 + str(n) for d, n in zip(tree["depth"], tree["economic_name"], strict=True)]
    level = pl.col("depth").replace_strict({0: "合计", 1: "类", 2: "款"}, return_dtype=pl.String)
    tree = tree.with_columns(economic_name=pl.Series(indented, dtype=pl.String)).select(
        level.alias("economic_level"), pl.exclude("depth")
    )
    ui.show_table(tree, "detail-06", f"{prefix}_公开06表", static=len(tree) <= 80, title=f"{prefix} 公开06表")


def table_09(doc: str, prefix: str) -> None:
    st.markdown("**财政拨款“三公”经费支出决算表（公开09表）**（金额单位：万元）")
    df = queries.document_table("fct_three_public_expenses", doc)
    if df is None or df.is_empty():
        st.caption("该文档没有这张表的数据。")
        return
    row = df.row(0, named=True)
    cols = [(k, name) for k, name in SANGONG_COLUMNS if f"budget_{k}" in df.columns]
    cols = [(k, n) for k, n in cols if k not in ("meeting", "training") or row.get(f"actual_{k}") is not None]
    table = pl.DataFrame(
        {
            "": ["预算数", "决算数"],
            **{n: [row.get(f"{side}_{k}") for side in ("budget", "actual")] for k, n in cols},
        },
        schema={"": pl.String, **{n: pl.Float64 for _, n in cols}},
    )
    ui.static_table(table, index="")


def history(unit_id: str, name: str) -> None:
    h = queries.unit_history(unit_id)
    if h.is_empty():
        st.caption("该单位没有已入库的决算。")
        return
    measure = st.selectbox(
        "指标", list(HISTORY), format_func=HISTORY.__getitem__, key="detail-history-measure"
    )
    fig = px.line(h, x="fiscal_year", y=measure, markers=True,
                  labels={"fiscal_year": "年度", measure: f"{HISTORY[measure]}（万元）"})  # fmt: skip
    fig.update_xaxes(dtick=1, tickformat="d")
    ui.wan_chart(fig, category="年度")
    st.plotly_chart(fig, key="detail-history")
    ui.show_table(h, "detail-history", f"{name}_历年", static=True, title=f"{name} 历年决算")
