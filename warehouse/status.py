"""``juesuan status``: last run, freshness, documents per year, quarantine.

Reads the published warehouse read-only (it is never written in place) and
the run journal (runs that published nothing are only there)."""

from __future__ import annotations

import time
from datetime import datetime
from pathlib import Path

from warehouse import runlog
from warehouse.lock import lock_holder
from warehouse.paths import WarehousePaths


def _connect(path: Path, attempts: int = 5):
    import duckdb

    for i in range(attempts):
        try:
            return duckdb.connect(str(path), read_only=True)
        except duckdb.IOException:
            if i == attempts - 1:
                raise
            time.sleep(0.2 * (i + 1))
    raise AssertionError("unreachable")


def _rows(con, sql: str, params=None) -> list[dict]:
    cur = con.execute(sql, params or [])
    names = [d[0] for d in cur.description]
    return [dict(zip(names, r, strict=True)) for r in cur.fetchall()]


def collect(warehouse: Path, quarantine_limit: int = 50) -> dict:
    paths = WarehousePaths(Path(warehouse))
    journal = runlog.read(paths.journal)
    out: dict = {
        "warehouse": str(paths.warehouse),
        "exists": paths.warehouse.exists(),
        "running": lock_holder(paths.lock),
        "last_run": journal[-1] if journal else None,
        "last_success": None,
        "published_at": None,
        "documents_by_year": [],
        "quarantine": [],
        "quarantine_total": 0,
        "units_needing_review": [],
        "recent_runs": journal[-10:],
        "withdrawn": [],
        "withdrawn_total": 0,
        "skipped": [],
    }
    ended = [r for r in journal if r.get("status") not in ("running", "interrupted")]
    if ended:  # what the last finished scan skipped (FIFOs, devices, links leaving the inbox)
        out["skipped"] = [tuple(x) for x in ended[-1].get("skipped") or []]
    if not out["exists"]:
        return out
    out["published_at"] = datetime.fromtimestamp(paths.warehouse.stat().st_mtime)
    con = _connect(paths.warehouse)
    try:
        tables = {r[0] for r in con.execute("select table_name from information_schema.tables").fetchall()}
        if "refresh_runs" in tables:
            # a run killed after publishing has no end line in the journal
            done = {r["run_id"]: r for r in _rows(con, "select * from refresh_runs")}
            if out["last_run"] and out["last_run"]["run_id"] in done:
                out["last_run"] = done[out["last_run"]["run_id"]]
            last = _rows(
                con,
                "select * from refresh_runs where status in ('success', 'dq_failed') order by started_at desc limit 1",
            )
            out["last_success"] = last[0] if last else None
        if "dim_documents" in tables:
            out["documents_by_year"] = _rows(
                con,
                """
                select fiscal_year,
                       count(*) filter (where is_current) as current_documents,
                       count(distinct unit_id) as units,
                       count(*) filter (where document_status = 'loaded' and not is_current) as superseded,
                       max(publication_date) as latest_publication
                from dim_documents
                where document_status = 'loaded'
                group by fiscal_year order by fiscal_year
                """,
            )
            if "fct_disclosure_coverage" in tables:
                cov = {r["fiscal_year"]: r for r in _rows(con, """
                    select fiscal_year, count(*) filter (where is_expected) as expected,
                           count(*) filter (where is_expected and not is_disclosed) as missing
                    from fct_disclosure_coverage group by fiscal_year""")}  # fmt: skip
                for r in out["documents_by_year"]:
                    c = cov.get(r["fiscal_year"], {})
                    r["expected"], r["missing"] = c.get("expected", 0), c.get("missing", 0)
            cols = {r[0] for r in con.execute(
                "select column_name from information_schema.columns where table_name = 'dim_documents'"
            ).fetchall()}  # fmt: skip
            # quarantine of the files in the inbox now: a fixed (replaced) or removed file leaves it
            active = "document_status = 'quarantined'" + (
                " and not is_withdrawn" if "is_withdrawn" in cols else ""
            )
            out["quarantine"] = _rows(
                con,
                f"""
                select file_name, fiscal_year, quarantine_code, quarantine_reason, loaded_at
                from dim_documents where {active}
                order by loaded_at desc, file_name limit ?
                """,
                [quarantine_limit],
            )
            out["quarantine_total"] = con.execute(
                f"select count(*) from dim_documents where {active}"
            ).fetchone()[0]
            if "is_withdrawn" in cols:
                out["withdrawn"] = _rows(
                    con,
                    """
                    select file_name, unit_name_printed, fiscal_year, withdrawn_at, removed_paths
                    from dim_documents where is_withdrawn and document_status = 'loaded'
                    order by withdrawn_at desc, file_name limit ?
                    """,
                    [quarantine_limit],
                )
                out["withdrawn_total"] = con.execute(
                    "select count(*) from dim_documents where is_withdrawn and document_status = 'loaded'"
                ).fetchone()[0]
        if "dim_units" in tables:
            out["units_needing_review"] = _rows(
                con,
                "select unit_id, canonical_name, review_reason, suggested_unit_id, documents_count "
                "from dim_units where needs_review order by unit_id",
            )
    finally:
        con.close()
    return out


def age_text(then: datetime | None, now: datetime | None = None) -> str:
    if then is None:
        return "—"
    seconds = ((now or datetime.now()) - then).total_seconds()
    if seconds < 120:
        return "刚刚"
    if seconds < 7200:
        return f"{int(seconds // 60)} 分钟前"
    if seconds < 172800:
        return f"{int(seconds // 3600)} 小时前"
    return f"{int(seconds // 86400)} 天前"
