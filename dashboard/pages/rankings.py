"""排名: which units spend most, grew most, or take the largest share, on any
measure. Default: 本年支出合计 by 增减额 against the prior year, so "which
units' 三公经费 grew most" is one choice (指标 = 三公经费)."""

from __future__ import annotations

import plotly.express as px
import plotly.graph_objects as go
import polars as pl
import streamlit as st

from dashboard import queries, ui
from dashboard.queries import rankings as rq

TOP = 20
COLUMNS = ["rank", "unit_name", "unit_type", "department", "base_value", "value", "change", "change_pct",
           "share_pct", "unit_share_pct"]  # fmt: skip


def _measure_options(year: int) -> dict[str, str]:
    opts = dict(rq.MEASURES)
    subjects = rq.rank_subjects(year)
    for code, level, name in zip(subjects["subject_code"], subjects["subject_level"], subjects["subject_name"],
                                 strict=True):  # fmt: skip
        opts[f"{rq.SUBJECT_PREFIX}{code}"] = f"科目（{level}）：{code} {name or ''}"
    return opts


def render() -> None:
    st.title("排名")
    if not ui.require_warehouse():
        return
    years = queries.years()
    c1, c2, c3, c4 = st.columns([3, 2, 1, 1])
    with c3:
        year = ui.year_select("rank-year")
    bases = [y for y in sorted(years, reverse=True) if y < year] or [year]
    base = ui.url_selectbox("基期年度", bases, "base", "rank-base", c4, format_func=lambda y: f"{y} 年",
                            help="增减额、增减率按“年度”对比“基期年度”计算；默认上一年（同比）")  # fmt: skip
    opts = _measure_options(year)
    measure = ui.url_selectbox("指标", list(opts), "measure", "rank-measure", c1, format_func=opts.get)
    by = ui.url_selectbox("排序依据", list(rq.RANK_BY), "by", "rank-by", c2,
                          format_func=lambda k: rq.RANK_BY[k][0])  # fmt: skip
    df = rq.ranking(measure, year, base, by)
    if df.is_empty():
        st.info("该年度没有这个指标的数据。")
        return
    title, col = rq.RANK_BY[by]
    span = f"{year} 年" if base == year else f"{year} 年比 {base} 年"
    st.subheader(f"{opts[measure]}：按{title.split('（')[0]}排名（{span}）")
    top = df.drop_nulls(col).head(TOP)
    if not top.is_empty():
        pct = col.endswith("pct")
        shown_top = top.reverse()  # plotly draws the first bar at the bottom
        colors = (
            ["#c0392b" if v >= 0 else "#2e86c1" for v in shown_top[col]] if col.startswith("change") else None
        )
        # graph_objects, not plotly.express: ~100 ms less per chart
        fig = go.Figure(
            go.Bar(x=shown_top[col].to_list(), y=shown_top["unit_name"].to_list(), orientation="h",
                   marker_color=colors)
        )  # fmt: skip
        fig.update_layout(height=max(320, 28 * len(top)), xaxis_title=title, yaxis_title="单位",
                          margin={"l": 10, "r": 10, "t": 30, "b": 10})  # fmt: skip
        ui.wan_chart(fig, axis="x", pct=pct, category="单位")
        st.plotly_chart(fig, key="rank-bar")
    shown = df.select(COLUMNS).rename(
        {"base_value": f"{base} 年（万元）", "value": f"{year} 年（万元）", "change": "增减额（万元）",
         "change_pct": "增减率（%）", "share_pct": "占全区比重（%）", "unit_share_pct": "占本单位支出比重（%）"}
    )  # fmt: skip
    ui.show_table(shown, "rank", f"排名_{year}", title=f"{opts[measure]} 排名（{span}）")
    if base < year:
        trend = st.expander(
            f"前 {min(10, len(top))} 个单位 {base}–{year} 年走势", key="rank-trend-open", on_change="rerun"
        )
        if trend.open:  # built only when opened
            with trend:
                tr = rq.series(measure, base, year, top["unit_id"].head(10).to_list())
                names = dict(zip(df["unit_id"], df["unit_name"], strict=True))
                tr = tr.with_columns(unit_name=pl.col("unit_id").replace_strict(names, default=None))
                fig = px.line(tr, x="fiscal_year", y="value", color="unit_name", markers=True,
                              labels={"fiscal_year": "年度", "value": "金额（万元）", "unit_name": "单位"})  # fmt: skip
                fig.update_xaxes(dtick=1, tickformat="d")
                ui.wan_chart(fig, category="年度")
                st.plotly_chart(fig, key="rank-trend")
