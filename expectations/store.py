"""Where the data-quality check reads and writes: the current documents
(dbt models ``int_dq_documents``, ``int_current_lines``, ``int_current_facts``,
or the raw tables when dbt has not built them), the residuals dbt computed
(``rule_residuals``), the acknowledgements log, and the ``dq_*`` tables:

- ``dq_findings``: one row per check and document (all outcomes, with run_id)
- ``dq_rule_outcomes``: one row per rule and document
- ``dq_summary``: per unit-year: rules run, passed, rounding, failed, not run
- ``dq_acks``: acknowledgements, kept outside the warehouse file in
  ``<warehouse dir>/dq_acks.jsonl`` so that they survive a refresh."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from itertools import groupby
from operator import itemgetter
from pathlib import Path

import duckdb
import polars as pl

from expectations.engine import EMPTY_ALLOWED, UNREADABLE_CODES, Doc
from expectations.model import facts_by_kind, rows_by_document

ACKS_FILE = "dq_acks.jsonl"

FINDING_ID_SQL = "substr(md5(f.document_id || '|' || f.rule_id || '|' || coalesce(f.table_id, '') || '|' || f.location), 1, 12)"

FINDING_COLUMNS = [
    "run_id", "finding_id", "document_id", "unit_id", "fiscal_year", "rule_id", "severity", "outcome",
    "expected", "actual", "difference", "tolerance", "excess", "table_id", "row_label", "location", "page_no",
    "evidence",
]  # fmt: skip


def _exists(con, name: str) -> bool:
    q = "select count(*) from information_schema.tables where table_name = ?"
    return con.execute(q, [name]).fetchall()[0][0] > 0


@contextlib.contextmanager
def _only(con, ids: set[str] | None) -> Iterator[str]:
    """A ``where`` clause keeping the documents ``ids`` (all when None), valid inside the block."""
    if ids is None:
        yield ""
        return
    con.register("_dq_ids", pl.DataFrame({"document_id": sorted(ids)}, schema={"document_id": pl.String}))
    try:
        yield " where document_id in (select document_id from _dq_ids)"
    finally:
        con.unregister("_dq_ids")


def _dbt_built(con) -> bool:
    return _exists(con, "int_dq_documents") and _exists(con, "int_current_lines")


def load_docs(con, ids: set[str] | None = None) -> list[Doc]:
    """Current documents with their lines and facts (``ids``: only these; dbt models only)."""
    if _dbt_built(con):
        with _only(con, ids) as where:
            meta = con.execute(
                "select document_id, unit_id, fiscal_year, tables_present, unreadable_tables "
                "from int_dq_documents" + where
            ).fetchall()
            rows = rows_by_document(
                con.execute(
                    """select document_id, table_id, side, row_label, subject_code, column_key, amount,
                              page_no, row_no
                       from int_current_lines"""
                    + where
                ).fetchall()
            )
            facts = _facts_by_document(
                con.execute(
                    """select document_id, fact_kind, subject_code, fact_label, fact_value, page_no, source_text
                       from int_current_facts"""
                    + where
                    + " order by document_id, fact_no"
                ).fetchall()
            )
        return [
            Doc.from_rows(doc_id, str(unit), None if year is None else int(year), tables or [], unreadable or [],
                          rows.get(doc_id, []), facts.get(doc_id, {}))
            for doc_id, unit, year, tables, unreadable in meta
        ]  # fmt: skip
    # raw tables only (dbt not built): one document per unit name and year
    meta = con.execute(
        """select d.document_id, coalesce(d.unit_name, d.document_id), d.fiscal_year, d.tables,
                  (select list(distinct p."table") from raw_problems p
                    where p.document_id = d.document_id and list_contains(?, p.code)
                      and not list_contains(?, p."table"))
           from raw_documents d where d.status = 'loaded'""",
        [list(UNREADABLE_CODES), list(EMPTY_ALLOWED)],  # the engine's own definition
    ).fetchall()
    rows = rows_by_document(
        con.execute(
            'select document_id, "table", side, row_label, subject_code, "column", amount, page, "row" '
            "from raw_lines"
        ).fetchall()
    )
    facts = _facts_by_document(
        con.execute(
            'select document_id, kind, subject_code, label, value, page, "text" from raw_facts '
            "order by document_id, fact_no"
        ).fetchall()
    )
    return [
        Doc.from_rows(doc_id, str(unit), None if year is None else int(year), tables or [], unreadable or [],
                      rows.get(doc_id, []), facts.get(doc_id, {}))
        for doc_id, unit, year, tables, unreadable in meta
    ]  # fmt: skip


def _facts_by_document(records: list[tuple]) -> dict[str, dict[str, list]]:
    """Fact records (document_id, then the fields of ``facts_by_kind``), ordered by
    document, as each document's facts by kind: one pass, no dict per fact."""
    out: dict[str, dict[str, list]] = {}
    for doc_id, group in groupby(records, key=itemgetter(0)):
        out[doc_id] = facts_by_kind(rec[1:] for rec in group)
    return out


def database_path(con) -> Path | None:
    try:
        rows = con.execute(
            "select path from duckdb_databases() where database_name = current_database()"
        ).fetchall()
        row = rows[0] if rows else None
    except duckdb.Error:
        return None
    return Path(row[0]) if row and row[0] else None


def acks_path(db: Path | None) -> Path:
    if db is not None:
        return Path(db).parent / ACKS_FILE
    from warehouse.paths import data_dir

    return data_dir() / ACKS_FILE


def read_acks(path: Path) -> list[dict]:
    # tolerant: a bad line is skipped (and reported by warehouse.acks.read), never fatal
    from warehouse.acks import read_acks as read

    return read(path)


def load_residuals(con: duckdb.DuckDBPyConnection, ids: set[str] | None = None) -> pl.DataFrame:
    """The residuals dbt computed (``rule_residuals``) for the current documents
    (``ids``: only these), as finding rows without an outcome."""
    with _only(con, ids) as where:
        return con.sql(
            """select document_id, unit_id, fiscal_year, rule_id, expected, actual, difference,
                      tolerance, excess, table_id, row_label, check_location as location, page_no, tolerance_policy
               from rule_residuals"""
            + where
        ).pl()


def residuals_built(con: duckdb.DuckDBPyConnection) -> bool:
    return _dbt_built(con) and _exists(con, "rule_residuals")


ACK_COLUMNS = ["finding_id", "document_id", "rule_id", "table_id", "location", "note", "acked_by", "acked_at"]


def write_findings(
    con: duckdb.DuckDBPyConnection,
    run_id: str,
    frame: pl.DataFrame,
    acks: list[dict],
    fingerprint: str,
    carry_over: bool = False,
) -> None:
    """Rewrite the dq_* tables: this run's findings plus, with ``carry_over``, the
    previous findings of the current documents that were not evaluated now."""
    ack_frame = pl.DataFrame(
        [{c: (None if a.get(c) is None else str(a.get(c))) for c in ACK_COLUMNS} for a in acks],
        schema={c: pl.String for c in ACK_COLUMNS},
    )
    if frame.is_empty():
        frame = pl.DataFrame(schema={c: pl.String for c in FINDING_COLUMNS if c != "finding_id"})
    con.register("_dq_frame", frame)
    con.register("_dq_acks", ack_frame)
    cols = ", ".join(c for c in FINDING_COLUMNS if c != "finding_id")
    carried = ""
    if carry_over:  # kept: current documents (same unit and year) that were not evaluated in this run
        con.execute(
            f"""create or replace temp table _dq_carried as
               select p.finding_id, {", ".join("p." + c for c in FINDING_COLUMNS if c != "finding_id")}
               from dq_findings as p
               inner join int_dq_documents as d
                   on p.document_id = d.document_id and p.unit_id = d.unit_id
                   and p.fiscal_year is not distinct from d.fiscal_year
               where p.document_id not in (select distinct document_id::varchar from _dq_frame)"""
        )
        carried = f"union all by name select {cols}, finding_id from _dq_carried"
    try:
        con.execute(
            """create or replace table dq_acks as
               select finding_id::varchar as finding_id, document_id::varchar as document_id,
                      rule_id::varchar as rule_id, table_id::varchar as table_id,
                      location::varchar as location, note::varchar as note,
                      acked_by::varchar as acked_by, try_cast(acked_at as timestamp) as acked_at
               from _dq_acks"""
        )
        con.execute(
            f"""create or replace table dq_findings as
               select f.run_id::varchar as run_id, f.finding_id,
                      f.document_id::varchar as document_id, f.unit_id::varchar as unit_id,
                      try_cast(f.fiscal_year as integer) as fiscal_year, f.rule_id::varchar as rule_id,
                      f.severity::varchar as severity, f.outcome::varchar as outcome,
                      try_cast(f.expected as double) as expected, try_cast(f.actual as double) as actual,
                      try_cast(f.difference as double) as difference,
                      try_cast(f.tolerance as double) as tolerance, try_cast(f.excess as double) as excess,
                      f.table_id::varchar as table_id, f.row_label::varchar as row_label,
                      f.location::varchar as location, try_cast(f.page_no as integer) as page_no,
                      f.evidence::varchar as evidence,
                      a.finding_id is not null as acknowledged, a.note as ack_note,
                      a.acked_by, a.acked_at
               from (select {cols}, {FINDING_ID_SQL} as finding_id from _dq_frame as f {carried}) as f
               left join dq_acks as a on f.finding_id = a.finding_id and f.document_id = a.document_id"""
        )
        con.execute("create table if not exists dq_state (key varchar primary key, value varchar)")
        con.execute(
            "insert or replace into dq_state values ('rules_fingerprint', ?), ('last_run_id', ?)",
            [fingerprint, run_id],
        )
        con.execute(
            """create or replace table dq_rule_outcomes as
               select run_id, document_id, unit_id, fiscal_year, rule_id, any_value(severity) as severity,
                      case when bool_or(outcome = 'fail') then 'fail'
                           when bool_or(outcome = 'insufficient_data') then 'insufficient_data'
                           when bool_or(outcome = 'rounding') then 'rounding'
                           when bool_or(outcome = 'pass') then 'pass'
                           else 'not_applicable' end as outcome,
                      count(*) filter (where outcome = 'fail') as failing_checks,
                      count(*) filter (where outcome = 'fail' and not acknowledged) as unacknowledged_failures
               from dq_findings group by all"""
        )
        con.execute(
            """create or replace table dq_summary as
               select run_id, unit_id, fiscal_year, count(distinct document_id) as documents,
                      count(*) filter (where outcome in ('pass', 'rounding', 'fail')) as rules_run,
                      count(*) filter (where outcome = 'pass') as passed,
                      count(*) filter (where outcome = 'rounding') as rounding,
                      count(*) filter (where outcome = 'fail') as failed,
                      count(*) filter (where outcome in ('not_applicable', 'insufficient_data')) as not_run,
                      count(*) filter (where outcome = 'insufficient_data') as insufficient_data,
                      sum(unacknowledged_failures) as unacknowledged_failures
               from dq_rule_outcomes group by all order by unit_id, fiscal_year"""
        )
    finally:
        con.unregister("_dq_frame")
        con.unregister("_dq_acks")
        con.execute("drop table if exists _dq_carried")
