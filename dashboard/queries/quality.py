"""数据质量: findings, the rule matrix, summaries, the Data Docs page.

An acknowledgement applies at once: the findings carry the acknowledgements
log next to the warehouse (``dq_acks.jsonl``) as it is now, not as the last
check copied it into ``dq_findings``."""

from __future__ import annotations

from pathlib import Path

import polars as pl

from dashboard.db import columns, has_table, run, scalar, tables, warehouse_path

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


def acks_log() -> Path:
    from expectations.store import acks_path

    return acks_path(warehouse_path())


_ACKS = {
    "finding_id": pl.String,
    "document_id": pl.String,
    "_note": pl.String,
    "_by": pl.String,
    "_at": pl.String,
}


def with_acks(found: pl.DataFrame) -> pl.DataFrame:
    """Findings with the acknowledgements log applied as the checks apply it (the
    latest note per finding and document)."""
    if found.is_empty() or not {"finding_id", "document_id", "acknowledged"} <= set(found.columns):
        return found
    from warehouse.acks import read_acks

    acks = pl.DataFrame(
        [
            {"finding_id": a["finding_id"], "document_id": a.get("document_id"), "_note": a.get("note"),
             "_by": a.get("acked_by"), "_at": a.get("acked_at")}
            for a in read_acks(acks_log())
        ],
        schema=_ACKS,
    )  # fmt: skip
    if acks.is_empty():
        return found
    merged = found.join(
        acks, on=["finding_id", "document_id"], how="left", nulls_equal=True, maintain_order="left"
    )
    hit = pl.col("_note").is_not_null() | pl.col("_by").is_not_null()
    updates = [(hit | pl.col("acknowledged").cast(pl.Boolean).fill_null(False)).alias("acknowledged")]
    for col, new in (("ack_note", "_note"), ("acked_by", "_by"), ("acked_at", "_at")):
        dtype = merged.schema.get(col, pl.String)
        value = pl.col(new)
        if dtype.is_temporal():  # the log writes ISO text; the warehouse a timestamp
            value = value.str.to_datetime(strict=False).cast(dtype)
        elif dtype == pl.Null:
            dtype = pl.String
        old = pl.col(col).cast(dtype) if col in merged.columns else pl.lit(None, dtype)
        updates.append(pl.when(hit).then(value).otherwise(old).alias(col))
    return merged.with_columns(updates).drop("_note", "_by", "_at")


def data_docs() -> Path | None:
    """The Data Docs page the last check wrote (``<warehouse dir>/dq_docs/index.html``)."""
    page = warehouse_path().parent / "dq_docs" / "index.html"
    return page if page.is_file() else None


def findings(year: int | None = None, outcome: str | None = None) -> pl.DataFrame:
    return with_acks(run(SQL_FINDINGS, [year, year, outcome, outcome]))


def dq_matrix(year: int | None = None) -> pl.DataFrame | None:
    if not {"rule_id", "unit_id", "fiscal_year", "outcome"} <= set(columns("dq_findings")):
        return None
    return run(SQL_DQ_MATRIX, [year, year])


SQL_DQ_SUMMARY = {t: f"select * from {t}" for t in DQ_SUMMARY_TABLES}


def dq_summary() -> pl.DataFrame | None:
    present = tables()
    for t in DQ_SUMMARY_TABLES:
        if t in present:
            return run(SQL_DQ_SUMMARY[t])
    return None


# --------------------------------------------------------------------------- findings needing attention

# Failures and rounding differences with their evidence: the document's file,
# the page and printed row of the cell (raw_lines), the sentence a narrative
# rule read (raw_facts). The raw tables are joined only for the documents
# that have such findings.
_SQL_ATTENTION = """
with f as (
    select * from dq_findings
    where outcome in ('fail', 'rounding') and (? is null or fiscal_year = ?)
),
docs as (select distinct document_id from f){ctes}
select f.finding_id, f.rule_id, f.severity, f.outcome, f.unit_id, u.canonical_name as unit_name,
       f.fiscal_year, d.file_name, d.source_path, d.document_format, f.table_id, f.row_label, f.location,
       coalesce(f.page_no, {page}) as page_no, {row} as row_no, {sentence} as sentence,
       f.expected, f.actual, f.difference, f.tolerance, f.document_id,
       f.acknowledged, f.ack_note, f.acked_by, f.acked_at
from f
left join dim_units as u on f.unit_id = u.unit_id
left join dim_documents as d on f.document_id = d.document_id{joins}
order by case when f.outcome = 'rounding' then 2 when f.severity = 'error' then 0
              when f.severity = 'warning' then 1 else 2 end,
         f.rule_id, u.canonical_name, f.fiscal_year, f.location
"""
_CTES_RAW = """,
lines as (
    select l.document_id, l."table" as table_id, l.row_label, min(l.page) as page, min(l."row") as row_no
    from raw_lines as l where l.document_id in (select document_id from docs)
    group by all
),
facts as (
    select x.document_id, x.label, any_value(x.text) as text, min(x.page) as page
    from raw_facts as x where x.document_id in (select document_id from docs)
    group by all
)"""
_JOINS_RAW = """
left join lines as l on l.document_id = f.document_id and l.table_id = f.table_id and l.row_label = f.row_label
left join facts as x on x.document_id = f.document_id and starts_with(f.rule_id, 'N-')
    and x.label in (f.location, f.row_label)"""
SQL_ATTENTION = {
    True: _SQL_ATTENTION.format(
        ctes=_CTES_RAW, joins=_JOINS_RAW, page="l.page, x.page", row="l.row_no", sentence="x.text"
    ),
    False: _SQL_ATTENTION.format(
        ctes="", joins="", page="null", row="null::integer", sentence="null::varchar"
    ),
}
SQL_DQ_MATRIX_FAILED = """
select rule_id, unit_id, fiscal_year, count(*) as failed
from dq_findings
where outcome = 'fail' and (? is null or fiscal_year = ?)
group by rule_id, unit_id, fiscal_year
order by rule_id, unit_id, fiscal_year
"""
SQL_LAST_INBOX = "select inbox from refresh_runs where inbox is not null order by started_at desc limit 1"


def attention(year: int | None = None) -> pl.DataFrame:
    """Findings that need attention (fail, rounding), errors first, with evidence."""
    raw = {"raw_lines", "raw_facts"} <= tables()
    return with_acks(run(SQL_ATTENTION[raw], [year, year]))


def failed_matrix(year: int | None = None) -> pl.DataFrame:
    return run(SQL_DQ_MATRIX_FAILED, [year, year])


def last_inbox() -> str | None:
    return scalar(SQL_LAST_INBOX) if has_table("refresh_runs") else None
