"""总览: the year's units with totals, splits, 三公, YoY and quality status."""

from __future__ import annotations

import streamlit as st

from dashboard import queries, ui


def _pct(part, whole) -> str | None:
    if part is None or not whole:
        return None
    return f"占 {100 * float(part) / float(whole):.2f}%"


def render() -> None:
    st.title("总览")
    if not ui.require_warehouse():
        return
    c1, c2, c3 = st.columns(3)
    with c1:
        year = ui.year_select("overview-year")
    deps = c2.multiselect("主管部门", queries.departments(), key="overview-deps", placeholder="全部部门")
    types = c3.multiselect(
        "单位类型",
        queries.unit_types(),
        key="overview-types",
        placeholder="全部类型",
        format_func=ui.unit_type_label,
    )

    h = queries.headline(year, deps, types)
    total = h.get("expenditure_total")
    prior = h.get("prior_expenditure_total")
    yoy = (
        None if not prior or total is None else f"{100 * (float(total) - float(prior)) / float(prior):+.2f}%"
    )
    m = st.columns(5)
    m[0].metric("单位数", int(h.get("units") or 0))
    m[1].metric("本年支出合计（万元）", ui.wan(total), yoy, help="同比变动按上年也已公开的单位计算")
    m[2].metric("基本支出（万元）", ui.wan(h.get("basic_expenditure")), _pct(h.get("basic_expenditure"), total),
                delta_color="off")  # fmt: skip
    m[3].metric("项目支出（万元）", ui.wan(h.get("project_expenditure")), _pct(h.get("project_expenditure"), total),
                delta_color="off")  # fmt: skip
    m[4].metric("三公经费（万元）", ui.wan(h.get("sangong_actual")))
    m2 = st.columns(5)
    m2[0].metric("人员经费（万元）", ui.wan(h.get("personnel_expenditure")))
    m2[1].metric("公用经费（万元）", ui.wan(h.get("public_expenditure")))

    df = queries.overview(year, deps, types)
    if "dq_failed" in df.columns:
        df["dq_status"] = [
            "未检查" if r != r or not r else ("通过" if f == 0 else f"{int(f)} 项未通过")
            for f, r in zip(df["dq_failed"].fillna(0), df["dq_rules"], strict=True)
        ]
        df = df.drop(columns=["dq_failed", "dq_rules"])
    else:
        df["dq_status"] = "未检查"
    st.subheader(f"{year} 年各单位决算（万元）")
    ui.show_table(df, "overview", f"总览_{year}")
