"""总览, the morning check: last refresh and its status, documents received /
quarantined / missing for the year, open errors, then the units by total with
their year-on-year change."""

from __future__ import annotations

import plotly.graph_objects as go
import polars as pl
import streamlit as st

from dashboard import queries, ui
from dashboard.pages import roster

RUN_STATUS = ui.VALUE_LABELS["status"]


def _share(part, whole) -> str:
    if part is None or not whole:
        return ""
    return f"占本年支出 {100 * float(part) / float(whole):.2f}%"


def _when(ts) -> str:
    if ts is None:
        return "—"
    return ts.strftime("%Y-%m-%d %H:%M") if hasattr(ts, "strftime") else str(ts)[:16]


def _morning(year: int) -> None:
    last = queries.last_run()
    m = queries.morning(year)
    c = st.columns(6)
    if last is None:
        c[0].metric("最近一次刷新", "—")
        c[1].metric("刷新状态", "无记录")
    else:
        c[0].metric("最近一次刷新", _when(last.get("finished_at") or last.get("started_at")))
        raw_status = last.get("status")
        status = RUN_STATUS.get(raw_status or "", raw_status or "—")
        c[1].metric("刷新状态", status)
    c[2].metric(f"{year} 年已收文档", f"{m['received']:,}")
    c[3].metric("已隔离", f"{m['quarantined']:,}")
    c[4].metric("未公开单位", "—" if m["missing"] is None else f"{m['missing']:,}")
    c[5].metric("未确认错误", "—" if m["open_errors"] is None else f"{m['open_errors']:,}")
    if last is not None and last.get("status") in ("failed", "interrupted"):
        st.error(f"最近一次刷新{status}：看板显示的是上一次成功发布的数据。请到“刷新与覆盖”查看原因。")
    elif m["open_errors"]:
        st.warning(f"{year} 年有 {m['open_errors']:,} 条未确认的错误，请到“数据质量”查看证据。")


def render() -> None:
    st.title("总览")
    if not ui.require_warehouse():
        return
    c1, c2, c3 = st.columns(3)
    with c1:
        year = ui.year_select("overview-year")
    deps = ui.url_multiselect("主管部门", queries.departments(), "deps", "overview-deps", c2,
                              placeholder="全部部门")  # fmt: skip
    types = ui.url_multiselect("单位类型", queries.unit_types(), "types", "overview-types", c3,
                               placeholder="全部类型", format_func=ui.unit_type_label)  # fmt: skip
    _morning(year)
    roster.coverage_section(year)

    h = queries.headline(year, deps, types)
    total, prior = h.get("expenditure_total"), h.get("prior_expenditure_total")
    yoy = (
        None if not prior or total is None else f"{100 * (float(total) - float(prior)) / float(prior):+.2f}%"
    )
    m = st.columns(6)
    m[0].metric("单位数", f"{int(h.get('units') or 0):,}")
    m[1].metric("本年支出合计（万元）", ui.wan(total), yoy, help="同比按上年也已公开的单位计算")
    # Shares are captions, never drawn as an increase.
    for col, key, text in (
        (m[2], "basic_expenditure", "基本支出"),
        (m[3], "project_expenditure", "项目支出"),
    ):
        col.metric(f"{text}（万元）", ui.wan(h.get(key)))
        col.caption(_share(h.get(key), total))
    m[4].metric("人员经费（万元）", ui.wan(h.get("personnel_expenditure")))
    m[5].metric("三公经费（万元）", ui.wan(h.get("sangong_actual")))

    df = queries.overview(year, deps, types)
    if not df.is_empty():
        _chart(df, year)
    if "dq_failed" in df.columns:
        failed = pl.col("dq_failed").fill_null(0).cast(pl.Int64)
        status = (
            pl.when(pl.col("dq_rules").fill_null(0) == 0).then(pl.lit("未检查"))
            .when(failed == 0).then(pl.lit("通过"))
            .otherwise(failed.cast(pl.String) + " 项未通过")
        )  # fmt: skip
        df = df.with_columns(dq_status=status).drop("dq_failed", "dq_rules")
    else:
        df = df.with_columns(dq_status=pl.lit("未检查"))
    st.subheader(f"{year} 年各单位决算（万元）")
    ui.show_table(df, "overview", f"总览_{year}", title=f"{year} 年各单位决算")
    roster.coverage_tables(year)


def _chart(df: pl.DataFrame, year: int) -> None:
    d = df.drop_nulls("expenditure_total").sort("expenditure_total").tail(40)
    yoy = d["expenditure_yoy_pct"].to_list()
    d = d.with_columns(
        yoy_text=pl.Series([("—" if v is None else f"{v:+.2f}%") for v in yoy], dtype=pl.String),
        trend=pl.Series(
            ["无上年" if v is None else ("增加" if v >= 0 else "减少") for v in yoy], dtype=pl.String
        ),
    )
    colors = {"增加": "#c0392b", "减少": "#2e86c1", "无上年": "#95a5a6"}
    fig = go.Figure(
        [
            go.Bar(x=g["expenditure_total"].to_list(), y=g["unit_name"].to_list(), text=g["yoy_text"].to_list(),
                   name=f"同比{trend}", orientation="h", marker_color=colors[trend])
            for (trend,), g in d.group_by("trend", maintain_order=True)
        ]
    )  # fmt: skip
    fig.update_layout(
        title=f"{year} 年各单位本年支出合计（条末为同比变动）", height=max(360, 22 * len(d)),
        xaxis_title="本年支出合计（万元）", yaxis={"categoryorder": "array", "categoryarray": d["unit_name"].to_list()},
        margin={"l": 10, "r": 10, "t": 40, "b": 10}, legend_title_text="同比",
    )  # fmt: skip
    ui.wan_chart(fig, axis="x", category="单位")
    fig.update_traces(textposition="outside")
    st.plotly_chart(fig, key="overview-chart")
