"""单位名录 and 公开覆盖: the roster's units as the warehouse resolved them, the
review queue, coverage per unit and per department."""

from __future__ import annotations

import polars as pl

from dashboard.db import columns, has_table, run

# --------------------------------------------------------------------------- 公开覆盖

COVERAGE_STATUSES = ("on_time", "late", "received", "quarantined", "not_due", "missing")

SQL_COVERAGE_UNITS = """
select c.fiscal_year, c.unit_id, u.canonical_name as unit_name,
       coalesce(d.canonical_name, u.department) as department,
       u.unit_level, c.coverage_status, c.deadline, c.received_date, c.date_basis, c.days_late,
       c.quarantine_reason, c.quarantined_file_name
from fct_disclosure_coverage as c
join dim_units as u on c.unit_id = u.unit_id
left join dim_units as d on u.department_id = d.unit_id
where c.fiscal_year = ? and c.is_expected
order by case c.coverage_status when 'missing' then 0 when 'quarantined' then 1 when 'late' then 2 else 3 end,
         department, c.unit_id
"""

SQL_COVERAGE_DEPARTMENTS = """
select coalesce(d.canonical_name, u.department, '（未归属部门）') as department,
       count(*) as expected_count,
       count(*) filter (where c.coverage_status = 'on_time') as on_time,
       count(*) filter (where c.coverage_status = 'late') as late,
       count(*) filter (where c.coverage_status = 'received') as received,
       count(*) filter (where c.coverage_status = 'quarantined') as quarantined,
       count(*) filter (where c.coverage_status = 'not_due') as not_due,
       count(*) filter (where c.coverage_status = 'missing') as missing
from fct_disclosure_coverage as c
join dim_units as u on c.unit_id = u.unit_id
left join dim_units as d on u.department_id = d.unit_id
where c.fiscal_year = ? and c.is_expected
group by 1
order by missing + quarantined + late desc, department
"""


def has_coverage_status() -> bool:
    return has_table("fct_disclosure_coverage") and "coverage_status" in columns("fct_disclosure_coverage")


def coverage_units(year: int) -> pl.DataFrame:
    return run(SQL_COVERAGE_UNITS, [year])


def coverage_departments(year: int) -> pl.DataFrame:
    return run(SQL_COVERAGE_DEPARTMENTS, [year])


# --------------------------------------------------------------------------- 名录与审核

SQL_REVIEW_QUEUE = """
select u.unit_id, u.canonical_name as printed_name, u.suggested_unit_id, s.canonical_name as suggested_name,
       u.suggestion_status, u.suggestion_score, u.suggestion_reason, u.review_reason, u.documents_count,
       u.first_fiscal_year, u.last_fiscal_year
from dim_units as u
left join dim_units as s on u.suggested_unit_id = s.unit_id
where u.needs_review
order by case u.suggestion_status when 'proposed' then 0 when 'possible' then 1 else 2 end,
         u.suggestion_score desc nulls last, u.canonical_name
"""

SQL_REGISTRY = """
select u.unit_id, u.canonical_name as unit_name, u.unit_level, d.canonical_name as department,
       u.unit_type, u.staff_count, u.documents_count, u.first_fiscal_year, u.last_fiscal_year
from dim_units as u
left join dim_units as d on u.department_id = d.unit_id
where u.unit_source <> 'discovered'
order by coalesce(d.canonical_name, u.canonical_name),
         case u.unit_level when '部门' then 0 when '本级' then 1 else 2 end, u.canonical_name
"""


def review_queue() -> pl.DataFrame:
    if not {"suggestion_status", "suggestion_score"} <= set(columns("dim_units")):
        return run("select unit_id, canonical_name as printed_name from dim_units where needs_review")
    return run(SQL_REVIEW_QUEUE)


def registry_units() -> pl.DataFrame:
    if "department_id" not in columns("dim_units"):
        return run(
            "select unit_id, canonical_name as unit_name from dim_units where unit_source <> 'discovered'"
        )
    return run(SQL_REGISTRY)


# --------------------------------------------------------------------------- 部门汇总

SQL_DEPARTMENT_ROLLUP = """
select department_id, department_name, member_units, member_units_reporting,
       members_expenditure_total, members_basic_expenditure, members_project_expenditure,
       members_personnel_expenditure, members_public_expenditure, members_sangong_actual,
       department_expenditure_total, consolidation_difference
from fct_department_year_summary
where fiscal_year = ?
order by members_expenditure_total desc, department_id
"""


def department_rollup(year: int) -> pl.DataFrame | None:
    return run(SQL_DEPARTMENT_ROLLUP, [year]) if has_table("fct_department_year_summary") else None
