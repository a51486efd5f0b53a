"""刷新与覆盖: refresh runs, quarantine, missing disclosures, coverage."""

from __future__ import annotations

import polars as pl

from dashboard.db import has_table, run, scalar

# --------------------------------------------------------------------------- 刷新与覆盖

SQL_RUNS = "select * from refresh_runs order by started_at desc nulls last"
SQL_LAST_SUCCESS = """
select max(finished_at) from refresh_runs where status in ('success', 'unchanged', 'dq_failed')
"""
SQL_QUARANTINE = """
select document_id, file_name, source_path, unit_name_printed, fiscal_year,
       quarantine_code, quarantine_reason, first_seen_at
from dim_documents
where document_status = 'quarantined'
order by first_seen_at desc nulls last, file_name
"""
SQL_MISSING = """
select c.fiscal_year, c.unit_id, u.canonical_name as unit_name, u.department, u.unit_type
from fct_disclosure_coverage as c
left join dim_units as u on c.unit_id = u.unit_id
where c.is_expected and not c.is_disclosed and (? is null or c.fiscal_year = ?)
order by c.fiscal_year desc, u.department, c.unit_id
"""
SQL_COVERAGE = """
select fiscal_year,
       count(*) filter (where is_expected) as expected,
       count(*) filter (where is_expected and is_disclosed) as disclosed,
       count(*) filter (where not is_expected and is_disclosed) as unexpected
from fct_disclosure_coverage
group by fiscal_year
order by fiscal_year desc
"""
SQL_REVIEW_UNITS = """
select unit_id, canonical_name, review_reason, suggested_unit_id, documents_count
from dim_units where needs_review order by canonical_name
"""


def runs() -> pl.DataFrame | None:
    return run(SQL_RUNS) if has_table("refresh_runs") else None


def last_success():
    return scalar(SQL_LAST_SUCCESS) if has_table("refresh_runs") else None


def quarantine() -> pl.DataFrame:
    return run(SQL_QUARANTINE)


def missing_disclosures(year: int | None = None) -> pl.DataFrame:
    return run(SQL_MISSING, [year, year])


def coverage() -> pl.DataFrame:
    return run(SQL_COVERAGE)


def review_units() -> pl.DataFrame:
    return run(SQL_REVIEW_UNITS)
