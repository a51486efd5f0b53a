"""异常识别: units far from their peer group (same unit type) on key ratios."""

from __future__ import annotations

import streamlit as st

from dashboard import queries, ui


def render() -> None:
    st.title("异常识别")
    if not ui.require_warehouse():
        return
    c1, c2, c3 = st.columns(3)
    with c1:
        year = ui.year_select("outliers-year")
    threshold = c2.slider("偏离阈值（稳健 z 值）", 2.0, 6.0, 3.5, 0.5, key="outliers-threshold")
    min_peers = c3.number_input("同类单位至少", 3, 50, 5, key="outliers-peers")
    st.caption("同类 = 同一单位类型、同一年度；偏离程度 = 0.6745 ×（数值 − 中位数）÷ 中位数绝对偏差。")
    df = queries.outliers(year, float(threshold), int(min_peers), type_label=ui.unit_type_label)
    st.metric("异常条目", len(df))
    if df.empty:
        st.success("没有超过阈值的单位。")
        return
    cols = [
        "unit_id",
        "unit_name",
        "unit_type",
        "metric_label",
        "value",
        "peer_median",
        "robust_z",
        "peers",
        "reason",
    ]
    ui.show_table(df[cols], "outliers", f"异常识别_{year}")
