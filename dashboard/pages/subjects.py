"""科目分析: one subject across all units, its trend, and the 类→款→项 tree."""

from __future__ import annotations

import plotly.express as px
import polars as pl
import streamlit as st

from dashboard import queries, ui


def render() -> None:
    st.title("科目分析")
    if not ui.require_warehouse():
        return
    c1, c2 = st.columns([1, 3])
    with c1:
        year = ui.year_select("subjects-year")
    opts = queries.subject_options(year)
    if opts.is_empty():
        st.info("该年度没有科目数据。")
        return
    labels = {c: f"{c} {n}（{lvl}）" for c, n, lvl in zip(opts["subject_code"], opts["subject_name"],
                                                          opts["subject_level"], strict=True)}  # fmt: skip
    code = ui.url_selectbox("科目", list(labels), "code", "subjects-code", c2, format_func=labels.get)

    by_unit = queries.subject_by_unit(year, code)
    total = float(by_unit["total"].sum()) if not by_unit.is_empty() else 0.0
    m = st.columns(2)
    m[0].metric("支出单位数", len(by_unit))
    m[1].metric("合计（万元）", ui.wan(total))
    tab1, tab2, tab3 = st.tabs(
        ["各单位支出", "历年趋势", "科目结构"], key="subjects-tab", bind="query-params"
    )
    if tab1.open:  # lazy: only the open tab runs
        with tab1:
            if by_unit.is_empty():
                st.info("没有单位在该科目有支出。")
            else:
                top = by_unit.head(30)
                fig = px.bar(top, x="unit_name", y="total", labels={"unit_name": "单位", "total": "合计（万元）"},
                             title=f"{labels[code]}：支出最多的单位")  # fmt: skip
                ui.wan_chart(fig, category="单位")
                st.plotly_chart(fig, key="subjects-bar")
                ui.show_table(by_unit, "subjects-units", f"科目_{code}_{year}")
    if tab2.open:  # lazy: only the open tab runs
        with tab2:
            tr = queries.subject_trend(code)
            fig = px.line(
                tr,
                x="fiscal_year",
                y="total",
                markers=True,
                labels={"fiscal_year": "年度", "total": "合计（万元）"},
            )
            fig.update_xaxes(dtick=1, tickformat="d")
            ui.wan_chart(fig, category="年度")
            st.plotly_chart(fig, key="subjects-trend")
            ui.static_table(ui.labelled(tr))
    if tab3.open:  # lazy: only the open tab runs
        with tab3:
            tree = queries.subject_tree(year)
            if not tree.is_empty():
                tree = tree.with_columns(
                    pl.col("section_name").fill_null("（未分款）"),
                    pl.col("item_name").fill_null("（未分项）"),
                )
                fig = px.sunburst(tree, path=["class_name", "section_name", "item_name"], values="total",
                                  title=f"{year} 年 支出功能分类结构（万元）")  # fmt: skip
                ui.wan_hierarchy(fig)
                st.plotly_chart(fig, key="subjects-sunburst")
