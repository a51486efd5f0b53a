"""异常识别: units far from their peer group on key ratios."""

from __future__ import annotations

import pandas as pd

from dashboard.db import run

# --------------------------------------------------------------------------- 异常识别

# Key ratios per unit-year; a unit is an outlier when its robust z-score within
# its peer group (same unit_type, same year) is beyond the threshold.
OUTLIER_METRICS = {
    "personnel_share_pct": "人员经费占比（%）",
    "sangong_per_staff": "人均三公经费（万元/人）",
    "expenditure_yoy_pct": "支出同比变动（%）",
    "project_share_pct": "项目支出占比（%）",
}
SQL_OUTLIERS = """
with base as (
    select unit_id, unit_name, unit_type, fiscal_year,
           personnel_share_pct::double as personnel_share_pct,
           (sangong_actual / nullif(staff_count, 0))::double as sangong_per_staff,
           expenditure_yoy_pct::double as expenditure_yoy_pct,
           project_share_pct::double as project_share_pct
    from fct_unit_year_summary
    where fiscal_year = ? and unit_type is not null
),
long as (
    unpivot base on personnel_share_pct, sangong_per_staff, expenditure_yoy_pct, project_share_pct
    into name metric value value
),
stats as (
    select unit_type, metric, median(value) as peer_median, count(*) as peers
    from long group by unit_type, metric
),
mad as (
    select long.unit_type, long.metric, median(abs(long.value - stats.peer_median)) as peer_mad
    from long join stats using (unit_type, metric)
    group by long.unit_type, long.metric
)
select long.unit_id, long.unit_name, long.unit_type, long.metric, long.value,
       stats.peer_median, mad.peer_mad, stats.peers,
       0.6745 * (long.value - stats.peer_median) / nullif(mad.peer_mad, 0) as robust_z
from long
join stats using (unit_type, metric)
join mad using (unit_type, metric)
where stats.peers >= ?
  and abs(0.6745 * (long.value - stats.peer_median) / nullif(mad.peer_mad, 0)) >= ?
order by abs(robust_z) desc, long.unit_id
"""


def outliers(year: int, threshold: float = 3.5, min_peers: int = 5, type_label=None) -> pd.DataFrame:
    """Outliers with a Chinese reason; ``type_label`` maps a unit-type code to
    its display name in the reason (the dashboard passes ``ui.unit_type_label``)."""
    df = run(SQL_OUTLIERS, [year, min_peers, threshold])
    type_label = type_label or (lambda t: t)
    if not df.empty:
        df["metric_label"] = df["metric"].map(OUTLIER_METRICS)
        df["reason"] = [
            f"{OUTLIER_METRICS.get(m, m)}为 {v:.2f}，同类单位（{t}，{n} 家）中位数 {med:.2f}，"
            f"{'高于' if z > 0 else '低于'}中位数 {abs(z):.1f} 个稳健标准差"
            for m, v, t, n, med, z in zip(
                df["metric"],
                df["value"],
                df["unit_type"].map(type_label),
                df["peers"],
                df["peer_median"],
                df["robust_z"],
                strict=True,
            )
        ]
    return df
