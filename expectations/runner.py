"""Run the rules catalogue on a warehouse and store the findings.

``run_checks(con_or_path, run_id)`` is what ``juesuan refresh`` calls as its
last step (with the open connection to the build file) and what ``juesuan
check`` calls on its own:

1. plan: which documents to evaluate (``expectations.plan``: incremental by
   default, everything with ``full``);
2. residuals: dbt computed those of the table arithmetic (row_sum, tree,
   econ_tree) in ``rule_residuals``; the engine (``expectations.engine``)
   computes the rest, which read stated facts and the narrative (with the raw
   tables only, when dbt has not built its models, the engine computes all);
3. judgement: Great Expectations validates one suite per rule
   (``expectations.gx_suites``) on the rule's residuals; the failing checks are
   the rows its validation results name as unexpected (dbt's residuals go to GX
   first, so that it validates them while the engine computes the rest);
4. store: ``dq_*`` tables (``expectations.store``) and the Data Docs page
   (``expectations.data_docs``, ``<warehouse dir>/dq_docs/index.html``).

``prepare()`` starts GX's (slow) import in a child process so that it overlaps
with the dbt build; ``run_checks`` starts it itself when nobody did, so that it
overlaps with loading and the engine."""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path

import duckdb
import polars as pl

from expectations import data_docs, gx_client, store
from expectations.engine import evaluate, load_rules, rule_outcome
from expectations.model import _EPS
from expectations.plan import plan_checks, rules_fingerprint
from expectations.sql_checks import GATES
from expectations.store import ACKS_FILE, FINDING_COLUMNS, acks_path, database_path, load_docs, read_acks

PLACEHOLDER = "（无可核对的数据）"
RAN = ("pass", "rounding", "fail")
ROW_COLUMNS = [c for c in FINDING_COLUMNS if c not in ("run_id", "finding_id")]
SCHEMA = {
    "document_id": pl.String, "unit_id": pl.String, "fiscal_year": pl.Int64, "rule_id": pl.String,
    "severity": pl.String, "outcome": pl.String, "expected": pl.Float64, "actual": pl.Float64,
    "difference": pl.Float64, "tolerance": pl.Float64, "excess": pl.Float64, "table_id": pl.String,
    "row_label": pl.String, "location": pl.String, "page_no": pl.Int64, "evidence": pl.String,
}  # fmt: skip

prepare = gx_client.prepare
discard = gx_client.discard


def _sql_findings(residuals: pl.DataFrame, rules: list[dict]) -> pl.DataFrame:
    """dbt's residual rows as finding rows; the outcome is the engine's judgement
    (GX's replaces it where GX runs): fail beyond the tolerance, else rounding
    unless the difference is under half a cent."""
    severity = {r["id"]: r.get("severity", "error") for r in rules}
    over = pl.col("excess") + pl.col("tolerance") + _EPS
    outcome = (
        pl.when(over < 0.005)
        .then(pl.lit("pass"))
        .when((pl.col("excess") <= 0) & (pl.col("tolerance_policy") != "exact"))
        .then(pl.lit("rounding"))
        .otherwise(pl.lit("fail"))
    )
    return residuals.with_columns(
        severity=pl.col("rule_id").replace_strict(severity, default="error", return_dtype=pl.String),
        outcome=outcome,
        evidence=pl.lit(None, dtype=pl.String),
    ).select([pl.col(c).cast(t) for c, t in SCHEMA.items()])


Judged = Callable[[], tuple[pl.DataFrame, dict[str, dict], int]]


def _ask_gx(frame: pl.DataFrame) -> Judged:
    """Start GX's validation of the checks of ``frame`` that ran (in the prepared child,
    while the caller computes the next part); the returned function waits for GX's
    verdict: (frame judged, per-rule results, checks whose outcome GX changed). A check
    fails exactly when its rule's expectation reports it unexpected."""
    frame = frame.with_row_index("_i")
    ran = frame.filter(pl.col("outcome").is_in(RAN))
    if not ran.height:
        return lambda: (frame.drop("_i"), {}, 0)
    per_rule = {rid: (g["_i"].to_list(), g["excess"].to_list()) for (rid,), g in ran.group_by("rule_id")}
    answer = gx_client.submit({rid: excess for rid, (_, excess) in per_rule.items()})

    def judged() -> tuple[pl.DataFrame, dict[str, dict], int]:
        results = answer()
        bad: set[int] = set()
        for rid, (positions, _) in per_rule.items():
            bad.update(positions[i] for i in results.get(rid, {}).get("bad", []))
        ran_now = pl.col("outcome").is_in(RAN)
        over_tol = pl.col("excess") + pl.col("tolerance") + _EPS >= 0.005
        new_outcome = (
            pl.when(~ran_now)
            .then(pl.col("outcome"))
            .when(pl.col("_i").is_in(sorted(bad)))
            .then(pl.lit("fail"))
            .when(pl.col("outcome") == "fail")
            .then(pl.when(over_tol).then(pl.lit("rounding")).otherwise(pl.lit("pass")))
            .otherwise(pl.col("outcome"))
        )
        changed = frame.filter(new_outcome != pl.col("outcome")).height
        return frame.with_columns(outcome=new_outcome).drop("_i"), results, changed

    return judged


def _not_judged(frame: pl.DataFrame) -> Judged:
    return lambda: (frame, {}, 0)


def _merged(a: dict[str, dict], b: dict[str, dict]) -> dict[str, dict]:
    """Per-rule GX results of two parts as one (positions dropped: they are per part)."""
    out = {rid: {k: v for k, v in r.items() if k != "bad"} for rid, r in a.items()}
    for rid, r in b.items():
        if rid in out:
            out[rid] = {**out[rid], "evaluated": out[rid]["evaluated"] + r["evaluated"],
                        "success": out[rid]["success"] and r["success"]}  # fmt: skip
        else:
            out[rid] = {k: v for k, v in r.items() if k != "bad"}
    return out


def _findings(
    con: duckdb.DuckDBPyConnection, check: set[str] | None, context: set[str] | None, rules: list[dict],
    ask: Callable[[pl.DataFrame], Judged] = _not_judged,
) -> tuple[pl.DataFrame, int, dict[str, dict], int]:  # fmt: skip
    """This run's finding rows (polars), the number of documents evaluated, and
    ``ask``'s per-rule results and changed outcomes. dbt's residuals are handed to
    ``ask`` before the engine runs, so that GX validates them meanwhile."""
    sql = store.residuals_built(con)
    judged_sql = ask(_sql_findings(store.load_residuals(con, check), rules)) if sql else None
    docs = load_docs(con, context)
    rows = evaluate(docs, rules, only=check, shapes=GATES if sql else None)
    engine = pl.DataFrame(rows, schema=SCHEMA) if rows else pl.DataFrame(schema=SCHEMA)
    engine, results, changed = ask(engine)()
    evaluated = len({d.document_id for d in docs} if check is None else check)
    if judged_sql is None:
        return engine, evaluated, results, changed
    residuals, sql_results, sql_changed = judged_sql()
    with_sql = residuals.select("document_id", "rule_id").unique()
    placeholder = (pl.col("location") == PLACEHOLDER) & (pl.col("outcome") == "not_applicable")
    engine = engine.join(with_sql.with_columns(_sql=pl.lit(True)), on=["document_id", "rule_id"], how="left")
    engine = engine.filter(~(placeholder & pl.col("_sql").fill_null(False))).drop("_sql")
    return pl.concat([engine, residuals]), evaluated, _merged(sql_results, results), changed + sql_changed


def run_checks(
    con_or_path: duckdb.DuckDBPyConnection | str | Path,
    run_id: str,
    *,
    use_gx: bool | None = None,
    docs_dir: Path | None = None,
    full: bool = False,
) -> dict:
    """Evaluate the rules and (re)write the dq_* tables. ``con_or_path``: an open
    DuckDB connection (refresh) or a database path. ``full``: every current document
    (``juesuan check``); else only what changed since the previous findings, the
    other findings carried over (``expectations.plan``).
    Returns counts over all current findings: {"documents", "checks", "failed", ...,
    "checked_documents", "mode", "seconds"}."""
    if isinstance(con_or_path, duckdb.DuckDBPyConnection):
        con, own = con_or_path, False
    else:
        con, own = duckdb.connect(str(con_or_path)), True
    t0 = time.perf_counter()
    try:
        use_gx = gx_client.wanted() if use_gx is None else use_gx
        if use_gx:
            gx_client.prepare()  # no-op when the refresh already did: GX's import overlaps with what follows
        else:
            gx_client.discard()
        rules = load_rules()
        check, context, mode = plan_checks(con, run_id, full)
        t_plan = time.perf_counter()
        frame, evaluated, gx_results, n_changed = _findings(
            con, check, context, rules, _ask_gx if use_gx else _not_judged
        )
        gx_client.discard()
        changed, route = (n_changed, gx_client.route) if gx_results else (None, None)
        t_eval = time.perf_counter()
        db = database_path(con)
        acks = read_acks(acks_path(db))
        frame = frame.select(ROW_COLUMNS).with_columns(run_id=pl.lit(run_id))
        store.write_findings(con, run_id, frame, acks, rules_fingerprint(), carry_over=check is not None)
        docs_path = None
        if use_gx or docs_dir is not None:
            docs_path = write_data_docs(
                con, docs_dir or acks_path(db).parent / "dq_docs", run_id, rules, gx_results
            )
        counts = dict(con.execute("select outcome, count(*) from dq_findings group by outcome").fetchall())
        n_docs_row = con.execute("select count(distinct document_id) from dq_findings").fetchone()
        assert n_docs_row is not None  # an aggregate returns one row
        n_docs = n_docs_row[0]
        return {
            "documents": int(n_docs),
            "checks": int(sum(counts.values())),
            "failed": int(counts.get("fail", 0)),
            "rounding": int(counts.get("rounding", 0)),
            "passed": int(counts.get("pass", 0)),
            "not_applicable": int(counts.get("not_applicable", 0)),
            "insufficient_data": int(counts.get("insufficient_data", 0)),
            "checked_documents": evaluated,
            "checked_checks": frame.height,
            "mode": mode,
            "gx_changed": changed,
            "gx_route": route,
            "gx_rules": len(gx_results),
            "data_docs": str(docs_path) if docs_path else None,
            "load_seconds": round(t_plan - t0, 3),
            "eval_seconds": round(t_eval - t_plan, 3),  # with GX's validation: it overlaps with the engine
            "seconds": round(time.perf_counter() - t0, 3),
        }
    finally:
        if own:
            con.close()


def write_data_docs(
    con: duckdb.DuckDBPyConnection, directory: Path, run_id: str, rules: list[dict] | None = None,
    gx_results: dict[str, dict] | None = None,
) -> Path:  # fmt: skip
    """The Data Docs page from the warehouse's current findings (every rule, its
    failing rows) and, when given, this run's GX results (the expectation that
    validated each rule)."""
    rules = rules if rules is not None else load_rules()
    gx_results = gx_results or {}
    per_rule = {
        r[0]: {"evaluated": int(r[1]), "failed": int(r[2])}
        for r in con.execute(
            """select rule_id, count(*) filter (where outcome in ('pass', 'rounding', 'fail')),
                      count(*) filter (where outcome = 'fail')
               from dq_findings group by rule_id"""
        ).fetchall()
    }
    results = {
        rid: {
            **v,
            "expectation": gx_results.get(rid, {}).get("expectation") or data_docs.expectation_name(rule),
        }
        for rule in rules
        for rid, v in [(rule["id"], per_rule.get(rule["id"]))]
        if v is not None
    }
    failing = con.sql(
        """select rule_id, unit_id, fiscal_year, table_id, row_label, location, expected, actual, difference
           from dq_findings where outcome = 'fail'
           order by rule_id, unit_id, fiscal_year, table_id, location"""
    ).pl()
    page = data_docs.render(rules, results, data_docs.failing_rows(failing.to_dicts()), run_id)
    return data_docs.write(Path(directory), page)


__all__ = [
    "ACKS_FILE",
    "acks_path",
    "discard",
    "load_docs",
    "plan_checks",
    "prepare",
    "read_acks",
    "rule_outcome",
    "run_checks",
    "write_data_docs",
]
