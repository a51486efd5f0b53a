"""Which documents a check evaluates (incremental by default).

Only the documents that are new or changed since the findings in the warehouse
were written (new document_id, re-resolved unit/year, re-parsed in this run) are
evaluated, plus the next-year document of the same unit (its Y-* and N-07
checks read them); the findings of every other current document are carried
over from the previous ``dq_findings`` (the build file is a copy of the
previous warehouse). A change of the rules, the check's code or the dbt project
(``dq_state.rules_fingerprint``) or ``full=True`` (``juesuan check``)
evaluates everything."""

from __future__ import annotations

import contextlib
import hashlib
from pathlib import Path

import duckdb

from expectations.store import _dbt_built, _exists

CODE_FILES = (
    "rules.yml", "engine.py", "model.py", "table_shapes.py", "narrative_shapes.py", "runner.py", "store.py", "plan.py",
    "sql_checks.py", "gx_suites.py", "gx_client.py",
)  # fmt: skip


def rules_fingerprint() -> str:
    """What the findings depend on besides the data: the catalogue, the code and the
    dbt project (the models the rules read)."""
    h = hashlib.sha256()
    for name in CODE_FILES:
        h.update((Path(__file__).with_name(name)).read_bytes())
    with contextlib.suppress(Exception):
        from warehouse.transform import project_fingerprint

        h.update(project_fingerprint().encode())
    return h.hexdigest()[:16]


def _previous_fingerprint(con: duckdb.DuckDBPyConnection) -> str | None:
    if not _exists(con, "dq_state"):
        return None
    row = con.execute("select value from dq_state where key = 'rules_fingerprint'").fetchone()
    return row[0] if row else None


def plan_checks(
    con: duckdb.DuckDBPyConnection, run_id: str, full: bool = False
) -> tuple[set[str] | None, set[str] | None, str]:
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
