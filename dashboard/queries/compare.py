"""单位对比 and 科目分析: amounts per unit and subject, trends, budget execution."""

from __future__ import annotations

import polars as pl

from dashboard.db import has_table, run
from dashboard.queries.rankings import SUMMARY_MEASURES

# --------------------------------------------------------------------------- 单位对比

# Measures of 公开03表 (功能分类) and the level to roll up to. Closed sets.
SUBJECT_MEASURES = {"total": "本年支出合计", "basic": "基本支出", "project": "项目支出"}
SUBJECT_LEVELS = {"类": "class_code", "款": "section_code", "项": "item_code"}
ECONOMIC_LEVEL = "经济分类"

# The amounts only (unit, code, amount): a unit type can mean thousands of
# units × dozens of subjects, and carrying repeated name strings out of DuckDB
# costs more than the aggregation itself. Names are looked up once per unit
# and per code (below) and joined in polars.
_SQL_COMPARE = """
with agg as (
    {agg}
),
shares as (
    select agg.unit_id, agg.code, agg.amount,
           round(100 * agg.amount / nullif(sum(agg.amount) over (partition by agg.unit_id), 0), 2) as share_pct,
           rank() over (partition by agg.code order by agg.amount desc) as rank
    from agg
)
select shares.* from shares
left join dim_units as u on shares.unit_id = u.unit_id
order by shares.code, u.canonical_name, shares.unit_id
"""
_AGG_SUBJECT = """
    select unit_id, {code} as code, sum({measure})::double as amount
    from {facts}
    where fiscal_year = ? and unit_id in ({units}) and {code} is not null
    group by unit_id, {code}
"""
_AGG_ECONOMIC = """
    select unit_id, economic_group as code, sum(amount)::double as amount
    from {facts}
    where fiscal_year = ? and unit_id in ({units})
    group by unit_id, economic_group
"""
# The department roll-up: a fact table whose unit_id is the 部门 each row adds
# up to (dim_department_members: its 本级 and subordinate units, or its own
# consolidated disclosure when none of them disclosed -- never both).
_ROLLED_UP = """(
        select m.department_id as unit_id, f.* exclude (unit_id)
        from {table} as f
        join dim_department_members as m on f.unit_id = m.unit_id and f.fiscal_year = m.fiscal_year
    )"""
_SUBJECT_FACTS = "fct_expenditure_by_subject"
_ECONOMIC_FACTS = "fct_basic_expenditure_by_economic_class"
# Which units: a bound list of ids, every unit of a bound unit type that year,
# or a bound list of 部门 ids (facts rolled up).
_IDS = "select unnest(?::varchar[])"
_UNIT_SETS = {
    "ids": (_IDS, False),
    "type": ("select unit_id from fct_unit_year_summary where fiscal_year = ? and unit_type = ?", False),
    "departments": (_IDS, True),
}


def _facts(table: str, rolled_up: bool) -> str:
    return _ROLLED_UP.format(table=table) if rolled_up else table


SQL_COMPARE_SUBJECT = {
    (m, lvl, by): _SQL_COMPARE.format(
        agg=_AGG_SUBJECT.format(measure=m, code=col, units=units, facts=_facts(_SUBJECT_FACTS, up))
    )
    for m in SUBJECT_MEASURES
    for lvl, col in SUBJECT_LEVELS.items()
    for by, (units, up) in _UNIT_SETS.items()
}
SQL_COMPARE_ECONOMIC = {
    by: _SQL_COMPARE.format(agg=_AGG_ECONOMIC.format(units=units, facts=_facts(_ECONOMIC_FACTS, up)))
    for by, (units, up) in _UNIT_SETS.items()
}
SQL_UNIT_NAMES = {
    by: f"select unit_id, canonical_name as unit_name from dim_units where unit_id in ({units})"
    for by, (units, _) in _UNIT_SETS.items()
}
SQL_SUBJECT_NAMES = (
    "select subject_code as code, subject_name as name from dim_subjects where fiscal_year = ?"
)
SQL_ECONOMIC_NAMES = (
    "select economic_code as code, economic_name as name from dim_economic_subjects where fiscal_year = ?"
)
# Printed names, for the rare code the year's dictionary does not know.
SQL_PRINTED_SUBJECT_NAMES = """
select subject_code as code, any_value(subject_name_printed) as name
from fct_expenditure_by_subject
where fiscal_year = ? and subject_code in (select unnest(?::varchar[]))
group by subject_code
"""
SQL_PRINTED_ECONOMIC_NAMES = """
select economic_code as code, any_value(economic_name_printed) as name
from fct_basic_expenditure_by_economic_class
where fiscal_year = ? and economic_code in (select unnest(?::varchar[]))
group by economic_code
"""

# Unit-year measures for trend lines (fct_unit_year_summary columns).
TREND_MEASURES = SUMMARY_MEASURES
SQL_TREND = {
    m: f"""
select fiscal_year, unit_id, unit_name, {m} as amount
from fct_unit_year_summary
where unit_id in (select unnest(?::varchar[]))
order by fiscal_year, unit_name
"""
    for m in TREND_MEASURES
}

SQL_UNITS_OF_TYPE = (
    "select unit_id from fct_unit_year_summary where fiscal_year = ? and unit_type = ? order by unit_id"
)

SQL_EXECUTION = """
select s.unit_id, s.unit_name, s.budget_initial_total, s.expenditure_total,
       round(100 * s.expenditure_total / nullif(s.budget_initial_total, 0), 2) as execution_pct
from fct_unit_year_summary as s
where s.fiscal_year = ? and s.unit_id in (select unnest(?::varchar[]))
order by s.unit_name
"""


def compare(
    year: int,
    unit_ids: list[str] | None,
    measure: str,
    level: str,
    unit_type: str | None = None,
    departments: bool = False,
) -> pl.DataFrame:
    """Amount per unit and subject at the chosen level, with rank and share.
    Units: ``unit_ids``, or all units of ``unit_type`` that year when given;
    ``departments``: ``unit_ids`` are 部门 ids and each 部门 is its members
    added up (``dim_department_members``).
    Columns: unit_id, unit_name, code, name, amount, share_pct, rank; ordered by
    code, then unit name."""
    by = "departments" if departments else "ids" if unit_type is None else "type"
    unit_params = [year, unit_type] if by == "type" else [list(unit_ids or [])]
    economic = level == ECONOMIC_LEVEL
    if economic:
        df = run(SQL_COMPARE_ECONOMIC[by], [year, *unit_params])
    else:
        if (measure, level, by) not in SQL_COMPARE_SUBJECT:
            raise ValueError(f"未知的指标或科目级次：{measure} / {level}")
        df = run(SQL_COMPARE_SUBJECT[(measure, level, by)], [year, *unit_params])
    cols = ["unit_id", "unit_name", "code", "name", "amount", "share_pct", "rank"]
    if df.is_empty():
        return df.with_columns(unit_name=pl.lit(None, pl.String), name=pl.lit(None, pl.String)).select(cols)
    unit_names = run(SQL_UNIT_NAMES[by], unit_params)
    names = _code_names(year, df["code"].unique(maintain_order=True).to_list(), economic)
    df = df.join(unit_names, on="unit_id", how="left", maintain_order="left").join(
        names, on="code", how="left", maintain_order="left"
    )
    return df.with_columns(pl.col("rank").cast(pl.Int64)).select(cols)


_CODE_NAMES = {"code": pl.String, "name": pl.String}


def _code_names(year: int, codes: list[str], economic: bool) -> pl.DataFrame:
    """code, name for the codes: the year's dictionary name, else as printed."""
    d = run(SQL_ECONOMIC_NAMES if economic else SQL_SUBJECT_NAMES, [year])
    known = {c: n for c, n in zip(d["code"], d["name"], strict=True) if isinstance(n, str)}
    missing = [c for c in codes if c not in known]
    if missing:
        p = run(SQL_PRINTED_ECONOMIC_NAMES if economic else SQL_PRINTED_SUBJECT_NAMES, [year, missing])
        known.update({c: n for c, n in zip(p["code"], p["name"], strict=True) if c not in known})
    return pl.DataFrame({"code": codes, "name": [known.get(c) for c in codes]}, schema=_CODE_NAMES)


def units_of_type(year: int, unit_type: str) -> list[str]:
    return run(SQL_UNITS_OF_TYPE, [year, unit_type])["unit_id"].to_list()


def trend(unit_ids: list[str], measure: str) -> pl.DataFrame:
    if measure not in SQL_TREND:
        raise ValueError(f"未知的指标：{measure}")
    return run(SQL_TREND[measure], [list(unit_ids)])


def execution(year: int, unit_ids: list[str]) -> pl.DataFrame:
    return run(SQL_EXECUTION, [year, list(unit_ids)])


# --------------------------------------------------------------------------- 按部门对比

ROLLUP_BASIS = {"members": "本级及下属单位合计", "department": "部门汇总决算（本级及下属单位均未公开）"}

SQL_DEPARTMENT_OPTIONS = """
select m.department_id, d.canonical_name as department_name
from dim_department_members as m
join dim_units as d on m.department_id = d.unit_id
where m.fiscal_year = ?
group by m.department_id, d.canonical_name
order by d.canonical_name, m.department_id
"""
# What each 部门's figure adds up that year, next to its own consolidated
# disclosure (fct_department_year_summary) for reference.
SQL_DEPARTMENT_BASIS = """
select m.department_id, d.canonical_name as department_name, any_value(m.rollup_basis) as rollup_basis,
       any_value(m.member_units) as member_units, any_value(m.member_units_reporting) as member_units_reporting,
       string_agg(u.canonical_name, '、' order by u.canonical_name) as units_summed,
       sum(s.expenditure_total) as expenditure_total,
       any_value(y.department_expenditure_total) as department_expenditure_total
from dim_department_members as m
join dim_units as d on m.department_id = d.unit_id
join dim_units as u on m.unit_id = u.unit_id
join fct_unit_year_summary as s on m.unit_id = s.unit_id and m.fiscal_year = s.fiscal_year
left join fct_department_year_summary as y on m.department_id = y.department_id and m.fiscal_year = y.fiscal_year
where m.fiscal_year = ? and m.department_id in (select unnest(?::varchar[]))
group by m.department_id, d.canonical_name
order by d.canonical_name, m.department_id
"""
SQL_DEPARTMENT_TREND = {
    m: f"""
select m.fiscal_year, m.department_id as unit_id, d.canonical_name as unit_name, sum(s.{m}) as amount
from dim_department_members as m
join dim_units as d on m.department_id = d.unit_id
join fct_unit_year_summary as s on m.unit_id = s.unit_id and m.fiscal_year = s.fiscal_year
where m.department_id in (select unnest(?::varchar[]))
group by m.fiscal_year, m.department_id, d.canonical_name
order by m.fiscal_year, unit_name
"""
    for m in TREND_MEASURES
}
# The rate over the members that printed a 年初预算 only: a member without one
# would otherwise add spending without budget.
SQL_DEPARTMENT_EXECUTION = """
select m.department_id as unit_id, d.canonical_name as unit_name,
       sum(s.budget_initial_total) as budget_initial_total, sum(s.expenditure_total) as expenditure_total,
       round(100 * sum(s.expenditure_total) filter (where s.budget_initial_total is not null)
             / nullif(sum(s.budget_initial_total), 0), 2) as execution_pct
from dim_department_members as m
join dim_units as d on m.department_id = d.unit_id
join fct_unit_year_summary as s on m.unit_id = s.unit_id and m.fiscal_year = s.fiscal_year
where m.fiscal_year = ? and m.department_id in (select unnest(?::varchar[]))
group by m.department_id, d.canonical_name
order by unit_name
"""


def has_department_rollup() -> bool:
    return has_table("dim_department_members")


def department_options(year: int) -> pl.DataFrame:
    """department_id, department_name: the 部门 with a figure that year."""
    return run(SQL_DEPARTMENT_OPTIONS, [year])


def department_basis(year: int, department_ids: list[str]) -> pl.DataFrame:
    """Per 部门: rollup_basis, member counts, the units added up, their 本年支出合计
    and the 部门's own consolidated 本年支出合计 (万元)."""
    return run(SQL_DEPARTMENT_BASIS, [year, list(department_ids)])


def department_trend(department_ids: list[str], measure: str) -> pl.DataFrame:
    if measure not in SQL_DEPARTMENT_TREND:
        raise ValueError(f"未知的指标：{measure}")
    return run(SQL_DEPARTMENT_TREND[measure], [list(department_ids)])


def department_execution(year: int, department_ids: list[str]) -> pl.DataFrame:
    return run(SQL_DEPARTMENT_EXECUTION, [year, list(department_ids)])


# --------------------------------------------------------------------------- 科目分析

SQL_SUBJECT_OPTIONS = """
select subject_code, subject_level, subject_name
from dim_subjects
where fiscal_year = ?
order by subject_code
"""
SQL_SUBJECT_BY_UNIT = """
select f.unit_id, u.canonical_name as unit_name, u.unit_type,
       sum(f.total) as total, sum(f.basic) as basic, sum(f.project) as project
from fct_expenditure_by_subject as f
left join dim_units as u on f.unit_id = u.unit_id
where f.fiscal_year = ? and starts_with(f.subject_code, ?)
group by f.unit_id, u.canonical_name, u.unit_type
order by total desc, unit_name
"""
SQL_SUBJECT_TREND = """
select fiscal_year, sum(total) as total, count(distinct unit_id) as units
from fct_expenditure_by_subject
where starts_with(subject_code, ?)
group by fiscal_year
order by fiscal_year
"""
SQL_SUBJECT_TREE = """
with leaf as (
    select class_code, section_code, item_code, sum(total) as total
    from fct_expenditure_by_subject
    where fiscal_year = ? and class_code is not null
    group by all
)
select
    leaf.class_code, coalesce(c.subject_name, leaf.class_code) as class_name,
    leaf.section_code, coalesce(s.subject_name, leaf.section_code) as section_name,
    leaf.item_code, coalesce(i.subject_name, leaf.item_code) as item_name,
    leaf.total
from leaf
left join dim_subjects as c on c.fiscal_year = ? and c.subject_code = leaf.class_code
left join dim_subjects as s on s.fiscal_year = ? and s.subject_code = leaf.section_code
left join dim_subjects as i on i.fiscal_year = ? and i.subject_code = leaf.item_code
order by leaf.class_code, leaf.section_code, leaf.item_code
"""


def subject_options(year: int) -> pl.DataFrame:
    return run(SQL_SUBJECT_OPTIONS, [year])


def subject_by_unit(year: int, subject_code: str) -> pl.DataFrame:
    return run(SQL_SUBJECT_BY_UNIT, [year, subject_code])


def subject_trend(subject_code: str) -> pl.DataFrame:
    return run(SQL_SUBJECT_TREND, [subject_code])


def subject_tree(year: int) -> pl.DataFrame:
    return run(SQL_SUBJECT_TREE, [year, year, year, year])
