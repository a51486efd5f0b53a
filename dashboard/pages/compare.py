"""单位对比: pick units (or a unit type), a measure and a level."""

from __future__ import annotations

import plotly.express as px
import polars as pl
import streamlit as st

from dashboard import queries, ui

MAX_STRUCTURE_UNITS = 12  # side by side in one table


BY = {"units": "单位", "departments": "部门（本级及下属单位合计）"}
BASIS_COLUMNS = {
    "department_name": "部门", "rollup_basis": "口径", "member_units": "名录中本级及下属单位数",
    "member_units_reporting": "当年已公开的本级及下属单位", "units_summed": "相加的单位",
    "expenditure_total": "相加后本年支出合计（万元）", "department_expenditure_total": "部门汇总决算本年支出合计（万元）",
}  # fmt: skip


def _pick_departments(year: int) -> list[str]:
    deps = queries.department_options(year)
    names = dict(zip(deps["department_id"], deps["department_name"], strict=True))
    return ui.url_multiselect("选择部门", list(names), "departments", "compare-departments",
                              format_func=lambda d: names.get(d, d), placeholder="选择两个或更多部门")  # fmt: skip


def _department_basis(year: int, picked: list[str]) -> None:
    """What each 部门's figures add up (the roster's 级次), so no money counts twice."""
    st.caption(
        "部门口径：按单位名录的级次，把部门本级和下属单位各自公开的决算相加。部门自己公开的汇总决算已包含这些单位，"
        "不再相加，以免重复计算；某年度本级和下属单位都未公开时，改用该部门的汇总决算。名录外的单位不计入任何部门。"
    )
    basis = queries.department_basis(year, picked)
    basis = basis.with_columns(pl.col("rollup_basis").replace(queries.ROLLUP_BASIS))
    ui.static_table(basis.select(list(BASIS_COLUMNS)).rename(BASIS_COLUMNS))


def _as_departments(df: pl.DataFrame, departments: bool) -> pl.DataFrame:
    return df.rename({"unit_id": "部门编码", "unit_name": "部门"}) if departments else df


def render() -> None:
    st.title("单位对比")
    if not ui.require_warehouse():
        return
    c0, c1, c2, c3, c4 = st.columns(5)
    with c0:
        year = ui.year_select("compare-year")
    modes = list(BY) if queries.has_department_rollup() else ["units"]
    by = ui.url_selectbox("对比对象", modes, "by", "compare-by", c1, format_func=BY.get,
                          help="部门：本级和下属单位相加，按单位名录的部门归属")  # fmt: skip
    departments = by == "departments"
    who = "部门" if departments else "单位"
    measure = ui.url_selectbox("指标", list(queries.SUBJECT_MEASURES), "measure", "compare-measure", c3,
                               format_func=queries.SUBJECT_MEASURES.get)  # fmt: skip
    level = ui.url_selectbox("科目级次", [*queries.SUBJECT_LEVELS, queries.ECONOMIC_LEVEL], "level", "compare-level",
                             c4, help="经济分类按公开06表基本支出统计")  # fmt: skip
    unit_type = None
    if departments:
        picked = _pick_departments(year)
    else:
        units = queries.units_for_year(year)
        names = dict(zip(units["unit_id"], units["unit_name"], strict=True))
        by_type = ui.url_selectbox("按单位类型选择", ["（不按类型）", *queries.unit_types()], "type", "compare-type",
                                   c2, format_func=ui.unit_type_label)  # fmt: skip
        unit_type = None if by_type == "（不按类型）" else by_type
        if unit_type:
            picked = queries.units_of_type(year, unit_type)
        else:
            picked = ui.url_multiselect("选择单位", list(names), "units", "compare-units",
                                        format_func=lambda u: names.get(u, u), placeholder="选择两个或更多单位")  # fmt: skip
    if not picked:
        st.info(f"请选择要对比的{who}。")
        return
    if departments:
        _department_basis(year, picked)

    df = queries.compare(year, None if unit_type else picked, measure, level, unit_type=unit_type,
                         departments=departments)  # fmt: skip
    if df.is_empty():
        st.info(f"所选{who}在该年度没有对应的明细数据。")
        return
    df = df.with_columns(label=pl.col("code") + " " + pl.col("name").fill_null(""))
    title = f"{year} 年 {queries.SUBJECT_MEASURES[measure] if level != queries.ECONOMIC_LEVEL else '基本支出'}（万元）"
    if len(picked) <= MAX_STRUCTURE_UNITS:
        st.subheader(
            f"结构对比：各{'经济分类' if level == queries.ECONOMIC_LEVEL else '科目'}占本{who}比重（%）"
        )
        structure = df.pivot("unit_name", index="label", values="share_pct", aggregate_function="sum",
                             sort_columns=True)  # fmt: skip
        ui.static_table(structure.rename({"label": "科目"}), index="科目", columns_name=who)
    tab1, tab2, tab3, tab4 = st.tabs(
        ["分组柱状图", "构成（100%）", "历年趋势", "预算执行"], key="compare-tab", bind="query-params"
    )
    if tab1.open:  # lazy: only the open tab runs
        with tab1:
            fig = px.bar(df, x="label", y="amount", color="unit_name", barmode="group", title=title,
                         labels={"label": f"科目（{level}）", "amount": "金额（万元）", "unit_name": who})  # fmt: skip
            ui.wan_chart(fig, category="科目")
            st.plotly_chart(fig, key="compare-bar")
    if tab2.open:  # lazy: only the open tab runs
        with tab2:
            fig = px.bar(df, x="unit_name", y="share_pct", color="label", title=f"{title}：科目构成",
                         labels={"unit_name": who, "share_pct": "占比（%）", "label": "科目"})  # fmt: skip
            fig.update_layout(barmode="stack")
            ui.wan_chart(fig, pct=True, category=who)
            st.plotly_chart(fig, key="compare-share")
    if tab3.open:  # lazy: only the open tab runs
        with tab3:
            tm = st.selectbox("趋势指标", list(queries.TREND_MEASURES), format_func=queries.TREND_MEASURES.__getitem__,
                              key="compare-trend-measure")  # fmt: skip
            tr = (queries.department_trend if departments else queries.trend)(picked, tm)
            fig = px.line(tr, x="fiscal_year", y="amount", color="unit_name", markers=True,
                          labels={"fiscal_year": "年度", "amount": "金额（万元）", "unit_name": who})  # fmt: skip
            fig.update_xaxes(dtick=1, tickformat="d")
            ui.wan_chart(fig, category="年度")
            st.plotly_chart(fig, key="compare-trend")
    if tab4.open:  # lazy: only the open tab runs
        with tab4:
            ex = (queries.department_execution if departments else queries.execution)(year, picked)
            ui.show_table(_as_departments(ex, departments), "compare-exec", f"预算执行_{year}")

    st.subheader("对比明细")
    totals = df.group_by("unit_name").agg(pl.col("amount").sum()).sort("unit_name")
    ui.static_table(totals.rename({"unit_name": who, "amount": "合计（万元）"}))
    detail = df.select(["unit_id", "unit_name", "code", "name", "amount", "share_pct", "rank"])
    ui.show_table(_as_departments(detail, departments), "compare",
                  f"{who}对比_{year}_{level}")  # fmt: skip
