"""Run the rules catalogue on a warehouse and store the findings.

``run_checks(con_or_path, run_id)`` is what ``juesuan refresh`` calls as its
last step (with the open connection to the build file) and what ``juesuan
check`` calls on its own. It reads the current documents (dbt models
``int_dq_documents``, ``int_current_lines``, ``int_current_facts``; or the raw
tables when the dbt models are not built), evaluates every rule
(``expectations.engine``), lets Great Expectations validate the residuals
(DataFrame route, see STACK.md) and writes:

- ``dq_findings``: one row per check and document (all outcomes, with run_id)
- ``dq_rule_outcomes``: one row per rule and document
- ``dq_summary``: per unit-year: rules run, passed, rounding, failed, not run
- ``dq_acks``: acknowledgements, kept outside the warehouse file in
  ``<warehouse dir>/dq_acks.jsonl`` so that they survive a refresh."""

from __future__ import annotations

import contextlib
import json
import os
import time
from collections import defaultdict
from pathlib import Path

import duckdb
import pandas as pd

from expectations.engine import Doc, evaluate, load_rules, rule_outcome

ACKS_FILE = "dq_acks.jsonl"

FINDING_ID_SQL = "substr(md5(f.document_id || '|' || f.rule_id || '|' || coalesce(f.table_id, '') || '|' || f.location), 1, 12)"

FINDING_COLUMNS = [
    "run_id", "finding_id", "document_id", "unit_id", "fiscal_year", "rule_id", "severity", "outcome",
    "expected", "actual", "difference", "tolerance", "excess", "table_id", "row_label", "location", "page_no",
]  # fmt: skip


def _exists(con, name: str) -> bool:
    q = "select count(*) from information_schema.tables where table_name = ?"
    return con.execute(q, [name]).fetchall()[0][0] > 0


def load_docs(con) -> list[Doc]:
    """Current documents with their lines and facts."""
    if _exists(con, "int_dq_documents") and _exists(con, "int_current_lines"):
        meta = con.execute(
            "select document_id, unit_id, fiscal_year, tables_present, unreadable_tables from int_dq_documents"
        ).fetchall()
        lines = con.execute(
            """select document_id, table_id as "table", side, row_label, subject_code,
                      column_key as "column", amount, page_no as page, row_no as "row"
               from int_current_lines"""
        ).df()
        facts = con.execute(
            """select document_id, fact_kind as kind, subject_code, fact_label as label,
                      fact_value as value, page_no as page
               from int_current_facts"""
        ).df()
    else:  # raw tables only (dbt not built): one document per unit name and year
        meta = con.execute(
            """select d.document_id, coalesce(d.unit_name, d.document_id), d.fiscal_year, d.tables,
                      (select list(distinct p."table") from raw_problems p
                        where p.document_id = d.document_id and p.code = 'table_empty')
               from raw_documents d where d.status = 'loaded'"""
        ).fetchall()
        lines = con.execute(
            'select document_id, "table", side, row_label, subject_code, "column", amount, page, "row" from raw_lines'
        ).df()
        facts = con.execute("select document_id, kind, subject_code, label, value, page from raw_facts").df()
    by_doc_lines = _group(lines)
    by_doc_facts = _group(facts)
    return [
        Doc.build(
            doc_id,
            str(unit),
            int(year) if year is not None else None,
            tables or [],
            unreadable or [],
            by_doc_lines.get(doc_id, []),
            by_doc_facts.get(doc_id, []),
        )
        for doc_id, unit, year, tables, unreadable in meta
    ]


def _group(frame: pd.DataFrame) -> dict[str, list[dict]]:
    out: dict[str, list[dict]] = defaultdict(list)
    if frame.empty:
        return out
    frame = frame.astype(object).where(frame.notna(), None)
    for rec in frame.to_dict("records"):
        out[rec.pop("document_id")].append(rec)
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
    if not path.is_file():
        return []
    latest: dict[str, dict] = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip():
            rec = json.loads(line)
            latest[rec["finding_id"]] = rec  # the last note on a finding wins
    return list(latest.values())


def validate_with_gx(frame: pd.DataFrame, docs_dir: Path | None = None) -> set[int]:
    """Great Expectations 1.x on the residuals of the checks that ran:
    ``excess`` (|difference| beyond the rule's tolerance) must be <= 0.
    Returns the positional indexes GX reports as unexpected (the failures)."""
    os.environ.setdefault("GX_ANALYTICS_ENABLED", "false")
    os.environ.setdefault("TQDM_DISABLE", "1")
    import logging

    import great_expectations as gx

    logging.getLogger("great_expectations").setLevel(logging.WARNING)

    context = gx.get_context(mode="ephemeral")
    asset = context.data_sources.add_pandas("dq").add_dataframe_asset("checks")
    batch_def = asset.add_batch_definition_whole_dataframe("all")
    suite = context.suites.add(gx.ExpectationSuite(name="juesuan_identities"))
    suite.add_expectation(
        gx.expectations.ExpectColumnValuesToBeBetween(
            column="excess", max_value=0.0, meta={"notes": "差额超出容差即为不通过"}
        )
    )
    suite.add_expectation(gx.expectations.ExpectColumnValuesToNotBeNull(column="excess"))
    vd = context.validation_definitions.add(
        gx.ValidationDefinition(name="identities", data=batch_def, suite=suite)
    )
    frame = frame.reset_index(drop=True)
    result = vd.run(batch_parameters={"dataframe": frame}, result_format={"result_format": "COMPLETE"})
    bad: set[int] = set()
    for r in result.results:
        if r.expectation_config.type == "expect_column_values_to_be_between":
            bad.update(int(i) for i in (r.result.get("unexpected_index_list") or []))
    if docs_dir is not None:
        with contextlib.suppress(Exception):  # Data Docs are a convenience; never fail the run on them
            _build_docs(context, result, Path(docs_dir))
    return bad


def _build_docs(context, result, docs_dir: Path) -> None:
    docs_dir.mkdir(parents=True, exist_ok=True)
    context.add_data_docs_site(
        site_name="juesuan_dq",
        site_config={
            "class_name": "SiteBuilder",
            "store_backend": {"class_name": "TupleFilesystemStoreBackend", "base_directory": str(docs_dir)},
            "site_index_builder": {"class_name": "DefaultSiteIndexBuilder"},
        },
    )
    context.build_data_docs(site_names=["juesuan_dq"])


def run_checks(con_or_path, run_id: str, *, use_gx: bool | None = None, docs_dir: Path | None = None) -> dict:
    """Evaluate every rule on the current documents and (re)write the dq_* tables.
    ``con_or_path``: an open DuckDB connection (refresh) or a database path.
    Returns counts: {"documents", "checks", "failed", "rounding", ..., "seconds"}."""
    own = not isinstance(con_or_path, duckdb.DuckDBPyConnection)
    con = duckdb.connect(str(con_or_path)) if own else con_or_path
    t0 = time.perf_counter()
    try:
        docs = load_docs(con)
        t_load = time.perf_counter()
        rows = evaluate(docs, load_rules())
        t_eval = time.perf_counter()
        frame = pd.DataFrame(rows, columns=[c for c in FINDING_COLUMNS[1:] if c != "finding_id"])
        frame.insert(0, "run_id", run_id)
        if use_gx is None:
            use_gx = os.environ.get("JUESUAN_DQ_GX", "1") != "0"
        gx_ok = None
        db = database_path(con)
        if use_gx and docs_dir is None:
            docs_dir = acks_path(db).parent / "dq_docs"  # data/dq_docs next to the warehouse
        if use_gx and not frame.empty:
            ran = frame[frame["outcome"].isin(["pass", "rounding", "fail"])]
            bad = validate_with_gx(ran[["excess"]].reset_index(drop=True), docs_dir)
            gx_fail = set(ran.index[list(bad)]) if bad else set()
            py_fail = set(ran.index[ran["outcome"] == "fail"])
            gx_ok = gx_fail == py_fail
            if not gx_ok:  # GX is the judge of what exceeds tolerance
                frame.loc[list(gx_fail - py_fail), "outcome"] = "fail"
        acks = read_acks(acks_path(db))
        _write(con, run_id, frame, acks)
        counts = frame["outcome"].value_counts().to_dict() if not frame.empty else {}
        return {
            "documents": len(docs),
            "checks": len(frame),
            "failed": int(counts.get("fail", 0)),
            "rounding": int(counts.get("rounding", 0)),
            "passed": int(counts.get("pass", 0)),
            "not_applicable": int(counts.get("not_applicable", 0)),
            "insufficient_data": int(counts.get("insufficient_data", 0)),
            "gx_agrees": gx_ok,
            "load_seconds": round(t_load - t0, 3),
            "eval_seconds": round(t_eval - t_load, 3),
            "seconds": round(time.perf_counter() - t0, 3),
        }
    finally:
        if own:
            con.close()


def _write(con, run_id: str, frame: pd.DataFrame, acks: list[dict]) -> None:
    ack_frame = pd.DataFrame(
        acks,
        columns=[
            "finding_id",
            "document_id",
            "rule_id",
            "table_id",
            "location",
            "note",
            "acked_by",
            "acked_at",
        ],
    ).astype(object)
    if frame.empty:
        frame = pd.DataFrame({c: pd.Series(dtype=object) for c in FINDING_COLUMNS if c != "finding_id"})
    con.register("_dq_frame", frame)
    con.register("_dq_acks", ack_frame)
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
                      a.finding_id is not null as acknowledged, a.note as ack_note,
                      a.acked_by, a.acked_at
               from (select *, {FINDING_ID_SQL} as finding_id from _dq_frame as f) as f
               left join dq_acks as a on f.finding_id = a.finding_id and f.document_id = a.document_id"""
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


__all__ = ["acks_path", "load_docs", "read_acks", "rule_outcome", "run_checks"]
