"""异常识别: units far from their peer group (unit type and size band, unit
type, or department) on key ratios; each row says which group was used."""

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
    g1, g2 = st.columns(2)
    grouping = g1.radio("同类单位", list(queries.PEER_GROUPINGS), format_func=queries.PEER_GROUPINGS.get,
                        horizontal=True, key="outliers-grouping")  # fmt: skip
    size_by = g2.radio("规模按", ["staff", "expenditure"], horizontal=True, key="outliers-size",
                       format_func={"staff": "人数", "expenditure": "本年支出合计"}.get,
                       disabled=grouping != "type_size")  # fmt: skip
    st.caption("同类单位在同一年度内比较；某单位的同类不足设定家数时，依次改用同类型、全区，并在“比较组”中注明。"
               "偏离程度 = 0.6745 ×（数值 − 中位数）÷ 中位数绝对偏差。")  # fmt: skip
    df = queries.outliers(year, float(threshold), int(min_peers), type_label=ui.unit_type_label,
                          grouping=grouping, size_by=size_by)  # fmt: skip
    st.metric("异常条目", len(df))
    if df.is_empty():
        st.success("没有超过阈值的单位。")
        return
    cols = [
        "unit_id",
        "unit_name",
        "unit_type",
        "metric_label",
        "peer_basis",
        "peer_group",
        "value",
        "peer_median",
        "robust_z",
        "peers",
        "reason",
    ]
    shown = df.select(cols).rename({"peer_basis": "比较组依据", "peer_group": "比较组"})
    ui.show_table(shown, "outliers", f"异常识别_{year}")
