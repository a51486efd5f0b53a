"""单位对比: pick units (or a unit type), a measure and a level."""

from __future__ import annotations

import plotly.express as px
import streamlit as st

from dashboard import queries, ui

MAX_STRUCTURE_UNITS = 12  # side by side in one table


def render() -> None:
    st.title("单位对比")
    if not ui.require_warehouse():
        return
    c1, c2, c3, c4 = st.columns(4)
    with c1:
        year = ui.year_select("compare-year")
    units = queries.units_for_year(year)
    names = dict(zip(units["unit_id"], units["unit_name"], strict=True))
    by_type = ui.url_selectbox("按单位类型选择", ["（不按类型）", *queries.unit_types()], "type", "compare-type", c2,
                               format_func=ui.unit_type_label)  # fmt: skip
    measure = ui.url_selectbox("指标", list(queries.SUBJECT_MEASURES), "measure", "compare-measure", c3,
                               format_func=queries.SUBJECT_MEASURES.get)  # fmt: skip
    level = ui.url_selectbox("科目级次", [*queries.SUBJECT_LEVELS, queries.ECONOMIC_LEVEL], "level", "compare-level",
                             c4, help="经济分类按公开06表基本支出统计")  # fmt: skip
    unit_type = None if by_type == "（不按类型）" else by_type
    if unit_type:
        picked = queries.units_of_type(year, unit_type)
    else:
        picked = ui.url_multiselect("选择单位", list(names), "units", "compare-units",
                                    format_func=lambda u: names.get(u, u), placeholder="选择两个或更多单位")  # fmt: skip
    if not picked:
        st.info("请选择要对比的单位。")
        return

    df = queries.compare(year, None if unit_type else picked, measure, level, unit_type=unit_type)
    if df.empty:
        st.info("所选单位在该年度没有对应的明细数据。")
        return
    df["label"] = df["code"] + " " + df["name"].fillna("")
    title = f"{year} 年 {queries.SUBJECT_MEASURES[measure] if level != queries.ECONOMIC_LEVEL else '基本支出'}（万元）"
    if len(picked) <= MAX_STRUCTURE_UNITS:
        st.subheader(
            f"结构对比：各{'经济分类' if level == queries.ECONOMIC_LEVEL else '科目'}占本单位比重（%）"
        )
        structure = df.pivot_table(index="label", columns="unit_name", values="share_pct", aggfunc="sum")
        st.table(structure.rename_axis(index="科目", columns="单位").style.format("{:,.2f}", na_rep="—"))
    tab1, tab2, tab3, tab4 = st.tabs(
        ["分组柱状图", "构成（100%）", "历年趋势", "预算执行"], key="compare-tab", bind="query-params"
    )
    if tab1.open:  # lazy: only the open tab runs
        with tab1:
            fig = px.bar(df, x="label", y="amount", color="unit_name", barmode="group", title=title,
                         labels={"label": f"科目（{level}）", "amount": "金额（万元）", "unit_name": "单位"})  # fmt: skip
            ui.wan_chart(fig, category="科目")
            st.plotly_chart(fig, key="compare-bar")
    if tab2.open:  # lazy: only the open tab runs
        with tab2:
            fig = px.bar(df, x="unit_name", y="share_pct", color="label", title=f"{title}：科目构成",
                         labels={"unit_name": "单位", "share_pct": "占比（%）", "label": "科目"})  # fmt: skip
            fig.update_layout(barmode="stack")
            ui.wan_chart(fig, pct=True, category="单位")
            st.plotly_chart(fig, key="compare-share")
    if tab3.open:  # lazy: only the open tab runs
        with tab3:
            tm = st.selectbox("趋势指标", list(queries.TREND_MEASURES), format_func=queries.TREND_MEASURES.__getitem__,
                              key="compare-trend-measure")  # fmt: skip
            tr = queries.trend(picked, tm)
            fig = px.line(tr, x="fiscal_year", y="amount", color="unit_name", markers=True,
                          labels={"fiscal_year": "年度", "amount": "金额（万元）", "unit_name": "单位"})  # fmt: skip
            fig.update_xaxes(dtick=1, tickformat="d")
            ui.wan_chart(fig, category="年度")
            st.plotly_chart(fig, key="compare-trend")
    if tab4.open:  # lazy: only the open tab runs
        with tab4:
            ex = queries.execution(year, picked)
            ui.show_table(ex, "compare-exec", f"预算执行_{year}")

    st.subheader("对比明细")
    totals = df.groupby("unit_name", as_index=False)["amount"].sum()
    st.table(
        totals.rename(columns={"unit_name": "单位", "amount": "合计（万元）"}).style.format(
            {"合计（万元）": "{:,.2f}"}
        )
    )
    ui.show_table(df[["unit_id", "unit_name", "code", "name", "amount", "share_pct", "rank"]], "compare",
                  f"单位对比_{year}_{level}")  # fmt: skip
