"""总览: the year's units, headline totals, quality status per unit."""

from __future__ import annotations

import polars as pl

from dashboard.db import columns, has_table, run, scalar, tables

# --------------------------------------------------------------------------- 总览

# An empty list means "no filter"; the list is bound as one parameter.
SQL_OVERVIEW = """
select
    s.unit_id, s.unit_name, s.department, s.unit_type, s.staff_count,
    s.expenditure_total, s.basic_expenditure, s.project_expenditure,
    s.personnel_expenditure, s.public_expenditure,
    s.sangong_budget, s.sangong_actual,
    s.prior_expenditure_total, s.expenditure_yoy_change, s.expenditure_yoy_pct,
    s.income_total, s.version_no,
    d.n_problems
from fct_unit_year_summary as s
left join dim_documents as d on s.document_id = d.document_id
where s.fiscal_year = ?
  and (len(?::varchar[]) = 0 or s.department in (select unnest(?::varchar[])))
  and (len(?::varchar[]) = 0 or s.unit_type in (select unnest(?::varchar[])))
order by s.expenditure_total desc nulls last, s.unit_id
"""

SQL_HEADLINE = """
select
    count(*) as units,
    sum(expenditure_total) as expenditure_total,
    sum(basic_expenditure) as basic_expenditure,
    sum(project_expenditure) as project_expenditure,
    sum(personnel_expenditure) as personnel_expenditure,
    sum(public_expenditure) as public_expenditure,
    sum(sangong_actual) as sangong_actual,
    sum(prior_expenditure_total) as prior_expenditure_total
from fct_unit_year_summary
where fiscal_year = ?
  and (len(?::varchar[]) = 0 or department in (select unnest(?::varchar[])))
  and (len(?::varchar[]) = 0 or unit_type in (select unnest(?::varchar[])))
"""

# Quality status per unit-year, from the data-quality engineer's dq_findings.
SQL_DQ_STATUS = """
select unit_id,
       count(*) filter (where outcome = 'fail') as dq_failed,
       count(*) as dq_rules
from dq_findings
where fiscal_year = ?
group by unit_id
"""


def overview(
    year: int, departments: list[str] | None = None, unit_types: list[str] | None = None
) -> pl.DataFrame:
    deps, types = list(departments or []), list(unit_types or [])
    df = run(SQL_OVERVIEW, [year, deps, deps, types, types])
    status = dq_status(year)
    if status is not None:
        df = df.join(status, on="unit_id", how="left", maintain_order="left")
    return df


def dq_status(year: int) -> pl.DataFrame | None:
    if not {"unit_id", "fiscal_year", "outcome"} <= set(columns("dq_findings")):
        return None
    return run(SQL_DQ_STATUS, [year])


def headline(year: int, departments: list[str] | None = None, unit_types: list[str] | None = None) -> dict:
    deps, types = list(departments or []), list(unit_types or [])
    df = run(SQL_HEADLINE, [year, deps, deps, types, types])
    return {k: (None if v != v else v) for k, v in df.row(0, named=True).items()}  # NaN as None


# --------------------------------------------------------------------------- morning check

SQL_LAST_RUN = """
select run_id, started_at, finished_at, status, error, documents_loaded, documents_quarantined
from refresh_runs order by started_at desc nulls last limit 1
"""
SQL_DOCUMENT_COUNTS = """
select count(*) filter (where document_status <> 'quarantined' and fiscal_year = ?) as received,
       count(*) filter (where document_status = 'quarantined' and (fiscal_year = ? or fiscal_year is null))
           as quarantined
from dim_documents
"""
SQL_MISSING_COUNT = """
select count(*) from fct_disclosure_coverage where fiscal_year = ? and is_expected and not is_disclosed
"""
SQL_OPEN_ERRORS = """
select count(*) from dq_findings
where fiscal_year = ? and outcome = 'fail' and severity = 'error' and not coalesce(acknowledged, false)
"""


def last_run() -> dict | None:
    if not has_table("refresh_runs"):
        return None
    df = run(SQL_LAST_RUN)
    return None if df.is_empty() else df.row(0, named=True)


def morning(year: int) -> dict:
    """Documents received and quarantined for the year, units missing, open errors."""
    docs = run(SQL_DOCUMENT_COUNTS, [year, year]).row(0, named=True)
    present = tables()
    missing = scalar(SQL_MISSING_COUNT, [year]) if "fct_disclosure_coverage" in present else None
    errors = (
        scalar(SQL_OPEN_ERRORS, [year])
        if {"acknowledged", "severity"} <= set(columns("dq_findings"))
        else None
    )
    return {
        "received": int(docs["received"] or 0),
        "quarantined": int(docs["quarantined"] or 0),
        "missing": None if missing is None else int(missing),
        "open_errors": None if errors is None else int(errors),
    }
