"""异常识别: units far from their peer group on key ratios.

A peer group is the unit type and size band (by staff or by 本年支出合计), the
unit type alone, or the department (部门 with its 本级 and subordinate units),
within one year. When a unit's group at the chosen level has fewer than
``min_peers`` members, the next broader one is used (unit type, then the whole
district), and the row says which group it was compared with."""

from __future__ import annotations

from collections.abc import Callable

import polars as pl

from dashboard.db import run

# --------------------------------------------------------------------------- 异常识别

OUTLIER_METRICS = {
    "personnel_share_pct": "人员经费占比（%）",
    "sangong_per_staff": "人均三公经费（万元/人）",
    "expenditure_yoy_pct": "支出同比变动（%）",
    "project_share_pct": "项目支出占比（%）",
}
# Size bands (closed dictionaries: the only text formatted into the SQL).
SIZE_BANDS = {
    "staff": """case when staff_count is null then '人数不详' when staff_count < 20 then '20人以下'
                     when staff_count < 50 then '20–49人' when staff_count < 100 then '50–99人'
                     else '100人及以上' end""",
    "expenditure": """case when expenditure_total is null then '支出不详' when expenditure_total < 500 then '500万元以下'
                           when expenditure_total < 2000 then '500–2000万元'
                           when expenditure_total < 10000 then '2000万–1亿元' else '1亿元及以上' end""",
}
PEER_GROUPINGS = {
    "type_size": "同类型同规模",
    "type": "同类型",
    "department": "同部门",
}
_GROUP_KEY = {
    "type_size": "coalesce(unit_type, '类型不详') || ' · ' || ({band})",
    "type": "coalesce(unit_type, '类型不详')",
    "department": "coalesce(department, '部门不详')",
}
SQL_OUTLIERS = """
with base as (
    select unit_id, unit_name, unit_type, fiscal_year,
           {group_key} as peer_group,
           coalesce(unit_type, '类型不详') as type_group,
           '全区' as all_group,
           personnel_share_pct::double as personnel_share_pct,
           (sangong_actual / nullif(staff_count, 0))::double as sangong_per_staff,
           expenditure_yoy_pct::double as expenditure_yoy_pct,
           project_share_pct::double as project_share_pct
    from fct_unit_year_summary
    where fiscal_year = ?
),
long as (
    unpivot base on personnel_share_pct, sangong_per_staff, expenditure_yoy_pct, project_share_pct
    into name metric value value
),
levels as (
    select unit_id, unit_name, unit_type, metric, value, 1 as level, peer_group as grp from long
    union all select unit_id, unit_name, unit_type, metric, value, 2, type_group from long
    union all select unit_id, unit_name, unit_type, metric, value, 3, all_group from long
),
stats as (
    select level, grp, metric, median(value) as peer_median, count(*) as peers
    from levels group by level, grp, metric
),
mad as (
    select l.level, l.grp, l.metric, median(abs(l.value - s.peer_median)) as peer_mad
    from levels l join stats s using (level, grp, metric)
    group by l.level, l.grp, l.metric
),
chosen as (
    -- the narrowest level whose group is big enough
    select l.*, s.peer_median, s.peers, m.peer_mad,
           row_number() over (partition by l.unit_id, l.metric order by l.level) as pick
    from levels l
    join stats s using (level, grp, metric)
    join mad m using (level, grp, metric)
    where s.peers >= ?
)
select unit_id, unit_name, unit_type, metric, value, grp as peer_group, level as peer_level,
       peer_median, peer_mad, peers,
       0.6745 * (value - peer_median) / nullif(peer_mad, 0) as robust_z
from chosen
where pick = 1 and abs(0.6745 * (value - peer_median) / nullif(peer_mad, 0)) >= ?
order by abs(robust_z) desc, unit_id
"""


def outliers(
    year: int,
    threshold: float = 3.5,
    min_peers: int = 5,
    type_label: Callable[[str], str] | None = None,
    grouping: str = "type",
    size_by: str = "staff",
) -> pl.DataFrame:
    """Outliers with a Chinese reason naming the peer group used; ``type_label``
    maps a unit-type code to its display name (the dashboard passes
    ``ui.unit_type_label``)."""
    if grouping not in _GROUP_KEY or size_by not in SIZE_BANDS:
        raise ValueError(f"unknown peer grouping {grouping!r} / size basis {size_by!r}")
    sql = SQL_OUTLIERS.format(group_key=_GROUP_KEY[grouping].format(band=SIZE_BANDS[size_by]))
    df = run(sql, [year, min_peers, threshold])
    type_label = type_label or (lambda t: t)
    if df.is_empty():
        return df
    wanted = PEER_GROUPINGS[grouping]
    basis = [
        wanted
        if lvl == 1
        else (f"同类型（{wanted}不足 {min_peers} 家）" if lvl == 2 else "全区（同类型不足）")
        for lvl in df["peer_level"]
    ]
    groups = [
        " · ".join(type_label(p) if i == 0 and lvl in (1, 2) and grouping != "department" else p
                   for i, p in enumerate(g.split(" · ")))
        for g, lvl in zip(df["peer_group"], df["peer_level"], strict=True)
    ]  # fmt: skip
    reasons = [
        f"{OUTLIER_METRICS.get(m, m)}为 {v:.2f}，同类单位（{b}：{g}，{n} 家）中位数 {med:.2f}，"
        f"{'高于' if z > 0 else '低于'}中位数 {abs(z):.1f} 个稳健标准差"
        for m, v, b, g, n, med, z in zip(
            df["metric"], df["value"], basis, groups, df["peers"], df["peer_median"], df["robust_z"], strict=True,
        )
    ]  # fmt: skip
    return df.with_columns(
        metric_label=pl.col("metric").replace_strict(OUTLIER_METRICS, default=None, return_dtype=pl.String),
        peer_basis=pl.Series(basis, dtype=pl.String),
        peer_group=pl.Series(groups, dtype=pl.String),
        reason=pl.Series(reasons, dtype=pl.String),
    )
