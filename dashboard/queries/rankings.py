"""排名: units ranked on any measure by value, change between a base year and
a year (amount and %), or share, for one year or a year range.

A measure is a key of MEASURES (a closed set: summary columns, 三公 items)
or ``subject:<code>`` for a 类/款/项 of 公开03表 (the code is a bound
parameter)."""

from __future__ import annotations

import polars as pl

from dashboard.db import run

SUMMARY_MEASURES = {
    "expenditure_total": "本年支出合计",
    "basic_expenditure": "基本支出",
    "project_expenditure": "项目支出",
    "personnel_expenditure": "人员经费",
    "public_expenditure": "公用经费",
    "sangong_actual": "三公经费",
    "income_total": "本年收入合计",
}
SANGONG_MEASURES = {
    "actual_outbound": "三公：因公出国（境）费",
    "actual_vehicle": "三公：公务用车购置及运行费",
    "actual_vehicle_purchase": "三公：公务用车购置费",
    "actual_vehicle_operation": "三公：公务用车运行费",
    "actual_reception": "三公：公务接待费",
}
MEASURES = SUMMARY_MEASURES | SANGONG_MEASURES
SUBJECT_PREFIX = "subject:"
# What a ranking is ordered by (descending), with its column.
RANK_BY = {
    "change": ("增减额（万元）", "change"),
    "change_pct": ("增减率（%）", "change_pct"),
    "value": ("金额（万元）", "value"),
    "share_pct": ("占全区比重（%）", "share_pct"),
    "unit_share_pct": ("占本单位支出比重（%）", "unit_share_pct"),
}

_SOURCES = {
    **{
        m: f"select unit_id, fiscal_year, {m}::double as value from fct_unit_year_summary "
        "where fiscal_year between ? and ?"
        for m in SUMMARY_MEASURES
    },
    **{
        m: f"select unit_id, fiscal_year, sum({m})::double as value from fct_three_public_expenses "
        "where fiscal_year between ? and ? group by unit_id, fiscal_year"
        for m in SANGONG_MEASURES
    },
    SUBJECT_PREFIX: "select unit_id, fiscal_year, sum(total)::double as value from fct_expenditure_by_subject "
    "where fiscal_year between ? and ? and starts_with(subject_code, ?) group by unit_id, fiscal_year",
}
_SQL_RANKING = """
with vals as ({source}),
cur as (select unit_id, value from vals where fiscal_year = ?),
base as (select unit_id, value from vals where fiscal_year = ?),
tot as (select unit_id, expenditure_total from fct_unit_year_summary where fiscal_year = ?)
select cur.unit_id, u.canonical_name as unit_name, u.unit_type, u.department,
       base.value as base_value, cur.value as value,
       cur.value - base.value as change,
       round(100 * (cur.value - base.value) / nullif(abs(base.value), 0), 2) as change_pct,
       round(100 * cur.value / nullif(sum(cur.value) over (), 0), 2) as share_pct,
       round(100 * cur.value / nullif(tot.expenditure_total, 0), 2) as unit_share_pct
from cur
left join base on cur.unit_id = base.unit_id
left join tot on cur.unit_id = tot.unit_id
left join dim_units as u on cur.unit_id = u.unit_id
"""
# A ranking reads only its two years; a series the whole range.
SQL_RANKING = {
    k: _SQL_RANKING.format(source=src.replace("between ? and ?", "in (?, ?)")) for k, src in _SOURCES.items()
}
_SQL_SERIES = "with vals as ({source}) select unit_id, fiscal_year, value from vals order by fiscal_year"
SQL_SERIES = {k: _SQL_SERIES.format(source=src) for k, src in _SOURCES.items()}
SQL_RANK_SUBJECTS = """
select subject_code, subject_level, subject_name
from dim_subjects
where fiscal_year = ? and subject_level in ('类', '款', '项')
order by subject_code
"""


def _source(measure: str) -> tuple[str, list]:
    if measure.startswith(SUBJECT_PREFIX):
        return SUBJECT_PREFIX, [measure[len(SUBJECT_PREFIX) :]]
    if measure not in MEASURES:
        raise ValueError(f"未知的指标：{measure}")
    return measure, []


def ranking(measure: str, year: int, base_year: int, by: str = "change") -> pl.DataFrame:
    """Units of ``year`` with the measure's value, its change since
    ``base_year`` and shares, ordered by ``by`` (descending; units without a
    base value last), with ``rank`` 1..n."""
    if by not in RANK_BY:
        raise ValueError(f"未知的排序依据：{by}")
    key, extra = _source(measure)
    df = run(SQL_RANKING[key], [base_year, year, *extra, year, base_year, year])
    col = RANK_BY[by][1]
    df = df.sort([col, "unit_name"], descending=[True, False], nulls_last=True, maintain_order=True)
    return df.with_row_index("rank", offset=1).with_columns(pl.col("rank").cast(pl.Int64))


def series(measure: str, first: int, last: int, unit_ids: list[str]) -> pl.DataFrame:
    """The measure per unit and year from ``first`` to ``last`` (the chosen units)."""
    key, extra = _source(measure)
    df = run(SQL_SERIES[key], [first, last, *extra])
    return df.filter(pl.col("unit_id").is_in(list(unit_ids)))


def rank_subjects(year: int) -> pl.DataFrame:
    return run(SQL_RANK_SUBJECTS, [year])
