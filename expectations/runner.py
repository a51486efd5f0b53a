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
  ``<warehouse dir>/dq_acks.jsonl`` so that they survive a refresh.

Incremental (the refresh's default): only the documents that are new or changed
since the findings in the warehouse were written (new document_id, re-resolved
unit/year, re-parsed in this run) are evaluated, plus the next-year document of
the same unit (its Y-* and N-07 checks read them); the findings of every other
current document are carried over from the previous ``dq_findings`` (the build
file is a copy of the previous warehouse). A change of the rules, the engine or
this module (``dq_state.rules_fingerprint``) or ``full=True`` (``juesuan check``)
evaluates everything. ``prepare()`` starts Great Expectations' (slow) import in
a child process so that it overlaps with the dbt build."""

from __future__ import annotations

import atexit
import contextlib
import hashlib
import json
import os
import subprocess
import sys
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
    "evidence",
]  # fmt: skip


def _exists(con, name: str) -> bool:
    q = "select count(*) from information_schema.tables where table_name = ?"
    return con.execute(q, [name]).fetchall()[0][0] > 0


def _dbt_built(con) -> bool:
    return _exists(con, "int_dq_documents") and _exists(con, "int_current_lines")


def load_docs(con, ids: set[str] | None = None) -> list[Doc]:
    """Current documents with their lines and facts (``ids``: only these; dbt models only)."""
    if _dbt_built(con):
        where = ""
        if ids is not None:
            con.register("_dq_ids", pd.DataFrame({"document_id": sorted(ids)}, dtype=object))
            where = " where document_id in (select document_id from _dq_ids)"
        try:
            meta = con.execute(
                "select document_id, unit_id, fiscal_year, tables_present, unreadable_tables "
                "from int_dq_documents" + where
            ).fetchall()
            lines = _by_document(
                con.execute(
                    """select document_id, table_id as "table", side, row_label, subject_code,
                              column_key as "column", amount, page_no as page, row_no as "row"
                       from int_current_lines"""
                    + where
                )
            )
            facts = _by_document(
                con.execute(
                    """select document_id, fact_kind as kind, subject_code, fact_label as label,
                              fact_value as value, page_no as page, source_text as "text"
                       from int_current_facts"""
                    + where
                    + " order by document_id, fact_no"
                )
            )
        finally:
            if ids is not None:
                con.unregister("_dq_ids")
    else:  # raw tables only (dbt not built): one document per unit name and year
        meta = con.execute(
            """select d.document_id, coalesce(d.unit_name, d.document_id), d.fiscal_year, d.tables,
                      (select list(distinct p."table") from raw_problems p
                        where p.document_id = d.document_id and p.code = 'table_empty'
                          and p."table" not in ('07', '08', '09'))
               from raw_documents d where d.status = 'loaded'"""
        ).fetchall()
        lines = _by_document(
            con.execute(
                'select document_id, "table", side, row_label, subject_code, "column", amount, page, "row" '
                "from raw_lines"
            )
        )
        facts = _by_document(
            con.execute(
                'select document_id, kind, subject_code, label, value, page, "text" from raw_facts '
                "order by document_id, fact_no"
            )
        )
    return [
        Doc.build(
            doc_id,
            str(unit),
            int(year) if year is not None else None,
            tables or [],
            unreadable or [],
            lines.get(doc_id, []),
            facts.get(doc_id, []),
        )
        for doc_id, unit, year, tables, unreadable in meta
    ]


def _by_document(cursor) -> dict[str, list[dict]]:
    """Rows of a query whose first column is document_id, as dicts per document (in
    query order). Plain tuples from DuckDB: much faster than a DataFrame's records."""
    cols = [d[0] for d in cursor.description][1:]
    out: dict[str, list[dict]] = defaultdict(list)
    for rec in cursor.fetchall():
        out[rec[0]].append(dict(zip(cols, rec[1:], strict=True)))
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


_WORKER: subprocess.Popen | None = None
gx_route: str | None = None  # where the last validation ran: "worker" (prepared child) or "here"


def _gx_wanted() -> bool:
    return os.environ.get("JUESUAN_DQ_GX", "1") != "0"


def prepare() -> None:
    """Start importing Great Expectations in a child process (``python -m
    expectations.gx_worker``) so that its ~5-15 s import overlaps with whatever the
    caller does next (refresh: the dbt build). The next ``validate_with_gx`` sends
    its frame there. A no-op when GX is switched off. The child exits when this
    process closes its stdin (or dies), or after 15 idle minutes."""
    global _WORKER
    if not _gx_wanted() or (_WORKER is not None and _WORKER.poll() is None):
        return
    try:
        _WORKER = subprocess.Popen(
            [sys.executable, "-m", "expectations.gx_worker"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            text=True,
            encoding="utf-8",
            cwd=str(Path(__file__).resolve().parents[1]),
            env={**os.environ, "GX_ANALYTICS_ENABLED": "false", "TQDM_DISABLE": "1"},
        )
    except OSError:
        _WORKER = None


def discard() -> None:
    """Let a prepared GX child go (it exits on end of input)."""
    global _WORKER
    worker, _WORKER = _WORKER, None
    if worker is not None and worker.poll() is None:
        with contextlib.suppress(Exception):
            worker.stdin.close()
        try:
            worker.wait(timeout=2)
        except subprocess.TimeoutExpired:
            worker.kill()
            worker.wait()


atexit.register(discard)


def _validate_in_worker(frame: pd.DataFrame, docs_dir: Path | None) -> set[int] | None:
    """The prepared child's answer, or None (no child, or it failed: validate here)."""
    global _WORKER
    worker, _WORKER = _WORKER, None
    if worker is None or worker.poll() is not None:
        return None
    request = {
        "excess": frame["excess"].astype(float).tolist(),
        "docs_dir": str(docs_dir) if docs_dir else None,
    }
    try:
        out, _ = worker.communicate(json.dumps(request) + "\n", timeout=600)
        answer = json.loads(out.strip().splitlines()[-1])
    except Exception:
        with contextlib.suppress(Exception):
            worker.kill()
            worker.wait()
        return None
    if "bad" not in answer:
        return None
    return {int(i) for i in answer["bad"]}


def validate_with_gx(frame: pd.DataFrame, docs_dir: Path | None = None, *, here: bool = False) -> set[int]:
    """Great Expectations 1.x on the residuals of the checks that ran:
    ``excess`` (|difference| beyond the rule's tolerance) must be <= 0.
    Returns the positional indexes GX reports as unexpected (the failures).
    Runs in the child started by ``prepare()`` when there is one (unless ``here``)."""
    global gx_route
    if not here:
        bad = _validate_in_worker(frame.reset_index(drop=True), docs_dir)
        if bad is not None:
            gx_route = "worker"
            return bad
    gx_route = "here"
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


def rules_fingerprint() -> str:
    """What the findings depend on besides the data: the catalogue, the code and the
    dbt project (the models the rules read)."""
    h = hashlib.sha256()
    for name in ("rules.yml", "engine.py", "model.py", "narrative_shapes.py", "runner.py"):
        h.update((Path(__file__).with_name(name)).read_bytes())
    with contextlib.suppress(Exception):
        from warehouse.transform import project_fingerprint

        h.update(project_fingerprint().encode())
    return h.hexdigest()[:16]


def _previous_fingerprint(con) -> str | None:
    if not _exists(con, "dq_state"):
        return None
    row = con.execute("select value from dq_state where key = 'rules_fingerprint'").fetchone()
    return row[0] if row else None


def plan_checks(con, run_id: str, full: bool = False) -> tuple[set[str] | None, set[str] | None, str]:
    """Which current documents to evaluate: (to check, to load as context, reason).
    ``(None, None, reason)``: everything (first run, rules changed, no dbt models, ``full``)."""
    if full:
        return None, None, "full"
    if not _dbt_built(con):
        return None, None, "full: no dbt models"
    if not _exists(con, "dq_findings"):
        return None, None, "full: no previous findings"
    if _previous_fingerprint(con) != rules_fingerprint():
        return None, None, "full: rules changed"
    current = {
        r[0]: (r[1], r[2])
        for r in con.execute("select document_id, unit_id, fiscal_year from int_dq_documents").fetchall()
    }
    previous = {
        r[0]: (r[1], r[2])
        for r in con.execute("select distinct document_id, unit_id, fiscal_year from dq_findings").fetchall()
    }
    reloaded: set[str] = set()
    if _exists(con, "raw_documents"):
        reloaded = {
            r[0]
            for r in con.execute(
                "select document_id from raw_documents where loaded_run_id = ?", [run_id]
            ).fetchall()
        }
    changed = {d for d, key in current.items() if previous.get(d) != key or d in reloaded}
    # unit-years whose document is new, changed or gone: next year's document reads them (Y-*, N-07)
    touched = {current[d] for d in changed} | {key for d, key in previous.items() if current.get(d) != key}
    by_key = {key: d for d, key in current.items()}
    check = set(changed)
    for unit, year in touched:
        nxt = by_key.get((unit, year + 1)) if year is not None else None
        if nxt:
            check.add(nxt)
    context = set(check)
    for d in check:
        unit, year = current[d]
        prior = by_key.get((unit, year - 1)) if year is not None else None
        if prior:
            context.add(prior)
    return check, context, f"incremental: {len(check)} of {len(current)} documents"


def run_checks(
    con_or_path,
    run_id: str,
    *,
    use_gx: bool | None = None,
    docs_dir: Path | None = None,
    full: bool = False,
) -> dict:
    """Evaluate the rules and (re)write the dq_* tables. ``con_or_path``: an open
    DuckDB connection (refresh) or a database path. ``full``: every current document
    (``juesuan check``); else only what changed since the previous findings, the
    other findings carried over (see the module docstring).
    Returns counts over all current findings: {"documents", "checks", "failed", ...,
    "checked_documents", "mode", "seconds"}."""
    own = not isinstance(con_or_path, duckdb.DuckDBPyConnection)
    con = duckdb.connect(str(con_or_path)) if own else con_or_path
    t0 = time.perf_counter()
    try:
        if use_gx is None:
            use_gx = _gx_wanted()
        if not use_gx:
            discard()
        check, context, mode = plan_checks(con, run_id, full)
        docs = load_docs(con, context)
        t_load = time.perf_counter()
        rows = evaluate(docs, load_rules(), only=check)
        t_eval = time.perf_counter()
        frame = pd.DataFrame(rows, columns=[c for c in FINDING_COLUMNS[1:] if c != "finding_id"])
        frame.insert(0, "run_id", run_id)
        gx_ok = route = None
        db = database_path(con)
        if use_gx and docs_dir is None:
            docs_dir = acks_path(db).parent / "dq_docs"  # data/dq_docs next to the warehouse
        ran = frame[frame["outcome"].isin(["pass", "rounding", "fail"])]
        if use_gx and not ran.empty:
            bad = validate_with_gx(ran[["excess"]].reset_index(drop=True), docs_dir)
            gx_fail = set(ran.index[list(bad)]) if bad else set()
            py_fail = set(ran.index[ran["outcome"] == "fail"])
            gx_ok = gx_fail == py_fail
            route = gx_route
            if not gx_ok:  # GX is the judge of what exceeds tolerance
                frame.loc[list(gx_fail - py_fail), "outcome"] = "fail"
        else:
            discard()
        acks = read_acks(acks_path(db))
        _write(con, run_id, frame, acks, carry_over=check is not None)
        counts = dict(con.execute("select outcome, count(*) from dq_findings group by outcome").fetchall())
        n_docs = con.execute("select count(distinct document_id) from dq_findings").fetchone()[0]
        return {
            "documents": int(n_docs),
            "checks": int(sum(counts.values())),
            "failed": int(counts.get("fail", 0)),
            "rounding": int(counts.get("rounding", 0)),
            "passed": int(counts.get("pass", 0)),
            "not_applicable": int(counts.get("not_applicable", 0)),
            "insufficient_data": int(counts.get("insufficient_data", 0)),
            "checked_documents": len({d.document_id for d in docs} if check is None else check),
            "checked_checks": len(frame),
            "mode": mode,
            "gx_agrees": gx_ok,
            "gx_route": route,
            "load_seconds": round(t_load - t0, 3),
            "eval_seconds": round(t_eval - t_load, 3),
            "seconds": round(time.perf_counter() - t0, 3),
        }
    finally:
        if own:
            con.close()


def _write(con, run_id: str, frame: pd.DataFrame, acks: list[dict], carry_over: bool = False) -> None:
    """Rewrite the dq_* tables: this run's findings plus, with ``carry_over``, the
    previous findings of the current documents that were not evaluated now."""
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
            [rules_fingerprint(), run_id],
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


__all__ = [
    "acks_path",
    "discard",
    "load_docs",
    "plan_checks",
    "prepare",
    "read_acks",
    "rule_outcome",
    "run_checks",
]
