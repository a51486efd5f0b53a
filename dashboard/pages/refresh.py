"""刷新与覆盖: run log, freshness, quarantine, missing disclosures."""

from __future__ import annotations

from datetime import datetime

import polars as pl
import streamlit as st

from dashboard import queries, ui


def render() -> None:
    st.title("刷新与覆盖")
    try:
        info = queries.warehouse_info()
    except FileNotFoundError:
        st.warning(f"数据仓库文件不存在：{queries.warehouse_path()}（请先运行 juesuan refresh）")
        return
    last = queries.last_success()
    c = st.columns(3)
    c[0].metric("仓库发布时间", datetime.fromtimestamp(info["mtime"]).strftime("%Y-%m-%d %H:%M:%S"))
    c[1].metric("最近一次成功刷新", "—" if last is None else str(last)[:19])
    c[2].metric("仓库大小（兆字节）", f"{info['size'] / 1e6:,.2f}")

    st.subheader("刷新记录")
    runs = queries.runs()
    if runs is None or runs.is_empty():
        st.info("暂无刷新记录。")
    else:
        ui.show_table(runs, "refresh-runs", "刷新记录")

    if not queries.has_table("fct_disclosure_coverage"):
        st.warning("数据仓库尚未完成构建（缺少公开覆盖表）。")
        return
    st.subheader("公开覆盖情况")
    cov = queries.coverage().rename({"expected": "expected_count"})
    ui.static_table(ui.display(cov))

    st.subheader("未公开的单位")
    years = [None, *queries.years()]
    y = ui.url_selectbox("年度", years, "year", "refresh-year",
                         format_func=lambda v: "全部年度" if v is None else f"{v} 年")  # fmt: skip
    missing = queries.missing_disclosures(y)
    _table_or_all_clear(
        missing, "refresh-missing", "未公开单位", "名录中的单位均已公开。", static=len(missing) <= 50
    )

    st.subheader("隔离的文件")
    _table_or_all_clear(queries.quarantine(), "refresh-quarantine", "隔离文件", "没有被隔离的文件。")

    st.subheader("待核实的单位名称")
    _table_or_all_clear(queries.review_units(), "refresh-review", "待核实单位", "没有待核实的单位名称。")


def _table_or_all_clear(df: pl.DataFrame, key: str, name: str, all_clear: str, static: bool = False) -> None:
    """A list of things to act on, or a green note when it is empty."""
    if df.is_empty():
        st.success(all_clear)
    else:
        ui.show_table(df, key, name, static=static)
