"""数据质量: findings, the rule matrix, summaries."""

from __future__ import annotations

import pandas as pd

from dashboard.db import columns, run, tables

# --------------------------------------------------------------------------- 数据质量

SQL_FINDINGS = "select * from dq_findings where (? is null or fiscal_year = ?) and (? is null or outcome = ?)"
SQL_DQ_MATRIX = """
select rule_id, unit_id, fiscal_year,
       count(*) filter (where outcome = 'fail') as failed,
       count(*) as checks
from dq_findings
where (? is null or fiscal_year = ?)
group by rule_id, unit_id, fiscal_year
order by rule_id, unit_id, fiscal_year
"""
DQ_SUMMARY_TABLES = ("dq_summary", "dq_unit_year_summary")


def dq_available() -> bool:
    return {"outcome", "fiscal_year"} <= set(columns("dq_findings"))


def findings(year: int | None = None, outcome: str | None = None) -> pd.DataFrame:
    return run(SQL_FINDINGS, [year, year, outcome, outcome])


def dq_matrix(year: int | None = None) -> pd.DataFrame | None:
    if not {"rule_id", "unit_id", "fiscal_year", "outcome"} <= set(columns("dq_findings")):
        return None
    return run(SQL_DQ_MATRIX, [year, year])


SQL_DQ_SUMMARY = {t: f"select * from {t}" for t in DQ_SUMMARY_TABLES}


def dq_summary() -> pd.DataFrame | None:
    present = tables()
    for t in DQ_SUMMARY_TABLES:
        if t in present:
            return run(SQL_DQ_SUMMARY[t])
    return None
