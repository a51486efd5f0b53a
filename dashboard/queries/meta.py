"""Filter lists: years, departments, unit types, units."""

from __future__ import annotations

import polars as pl

from dashboard.db import run

# --------------------------------------------------------------------------- filters

SQL_YEARS = "select distinct fiscal_year from fct_unit_year_summary order by fiscal_year desc"
SQL_DEPARTMENTS = (
    "select distinct department from fct_unit_year_summary where department is not null order by department"
)
SQL_UNIT_TYPES = (
    "select distinct unit_type from fct_unit_year_summary where unit_type is not null order by unit_type"
)
SQL_UNITS_FOR_YEAR = """
select unit_id, unit_name, unit_type, department
from fct_unit_year_summary
where fiscal_year = ?
order by unit_name, unit_id
"""
# Units with a loaded disclosure first (the detail page opens on one of them).
SQL_ALL_UNITS = """
select unit_id, canonical_name as unit_name, unit_type, department, unit_source, needs_review
from dim_units
order by unit_id not in (select unit_id from fct_unit_year_summary), canonical_name, unit_id
"""


def years() -> list[int]:
    return [int(y) for y in run(SQL_YEARS)["fiscal_year"]]


def departments() -> list[str]:
    return run(SQL_DEPARTMENTS)["department"].to_list()


def unit_types() -> list[str]:
    return run(SQL_UNIT_TYPES)["unit_type"].to_list()


def units_for_year(year: int) -> pl.DataFrame:
    return run(SQL_UNITS_FOR_YEAR, [year])


def all_units() -> pl.DataFrame:
    return run(SQL_ALL_UNITS)
