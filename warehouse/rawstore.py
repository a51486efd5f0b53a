"""The raw layer: canonical parse records with provenance, as the reader gave
them (long format, one row per table cell / narrative fact / problem), plus the
file and document registry, the quarantine, the unit seed and the run log.

Python writes the records as Parquet files of up to ``VERSIONS_PER_FILE``
document versions each (one run's versions; the registry row of each version
names its file) and the registry as small Parquet tables (warehouse/rawfiles.py); dbt only reads them
(``source('raw', ...)``). The run log and meta go into the warehouse file."""

from __future__ import annotations

import re
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from datetime import date, datetime
from pathlib import Path

import duckdb
import pyarrow as pa

from warehouse.raw_schema import DOC_SCHEMA, FILE_DDL, QUARANTINE_SCHEMA, RECORD_SCHEMA, SCHEMA_VERSION
from warehouse.rawfiles import RawFiles

__all__ = ["FILE_DDL", "SCHEMA_VERSION", "RawBatch", "ensure_schema"]

RUN_COLUMNS = [
    "run_id", "started_at", "finished_at", "status", "inbox", "files_seen", "files_new",
    "files_changed", "files_unchanged", "files_duplicate", "files_missing", "documents_parsed",
    "documents_loaded", "documents_quarantined", "documents_superseding", "units_flagged",
    "findings", "parse_seconds", "dbt_seconds", "dq_seconds", "total_seconds", "error",
]  # fmt: skip


def ensure_schema(con: duckdb.DuckDBPyConnection) -> None:
    """The tables the refresh itself writes into a warehouse file."""
    con.execute(FILE_DDL)


def get_meta(con, key: str, table: str = "warehouse_meta") -> str | None:
    """``warehouse_meta`` of a warehouse file, or ``raw_meta`` of the registry."""
    row = con.execute(f"select value from {table} where key = ?", [key]).fetchone()
    return row[0] if row else None


def set_meta(con, key: str, value: str, table: str = "warehouse_meta") -> None:
    con.execute(f"delete from {table} where key = ?", [key])
    con.execute(f"insert into {table} values (?, ?, now())", [key, value])


def known_files(con) -> dict[str, tuple]:
    """Paths in the inbox at the last scan -> (sha256, size, mtime_ns, ctime_ns, inode)."""
    rows = con.execute(
        "select path, document_id, size, mtime_ns, ctime_ns, inode from raw_files where present is not false"
    ).fetchall()
    return {r[0]: tuple(r[1:]) for r in rows}


def known_documents(con) -> dict[str, tuple[str, str]]:
    """document_id -> (status, parser_fingerprint)."""
    rows = con.execute("select document_id, status, parser_fingerprint from raw_documents").fetchall()
    return {r[0]: (r[1], r[2]) for r in rows}


GENERIC_NAMES = {"部门", "单位", "本部门", "本单位", "部门决算", "单位决算", "决算"}


def plausible_unit_name(name: str) -> bool:
    """A name that can identify a unit: not a bare generic word (a misread title
    would otherwise chain unrelated documents into one unit's versions)."""
    return len(name) >= 4 and name not in GENERIC_NAMES


_PARTIAL_DATE = re.compile(
    r"^\s*(\d{4})\s*(?:[-/.年]\s*(\d{1,2})\s*(?:[-/.月]\s*(\d{1,2})\s*日?|月)?)?\s*年?\s*$"
)


def _iso_date(value) -> date | None:
    return _publication(value)[0]


def _publication(value) -> tuple[date | None, str | None]:
    """(date, precision): "2024-05-20" -> day; "2024-05" / "2024年5月" -> month
    (the 1st); "2024" -> year (1 January). Versions without a day are ordered
    by arrival within their month or year (int_document_versions)."""
    if not value:
        return None, None
    text = str(value)
    try:
        return date.fromisoformat(text[:10]), "day"
    except ValueError:
        pass
    m = _PARTIAL_DATE.match(text)
    if not m:
        return None, None
    try:
        y, mo, d = int(m.group(1)), int(m.group(2) or 1), int(m.group(3) or 1)
        return date(y, mo, d), "day" if m.group(3) else "month" if m.group(2) else "year"
    except ValueError:
        return None, None


def _year(value) -> int | None:
    try:
        return int(value) if value is not None else None
    except (TypeError, ValueError):
        return None


class RawBatch:
    """Rows for the raw tables, collected in memory and inserted in one go."""

    def __init__(self, run_id: str, now: datetime, parser: str, fingerprint: str):
        self.run_id, self.now, self.parser, self.fingerprint = run_id, now, parser, fingerprint
        self.documents: list[dict] = []
        self.records: dict[str, list[pa.Table]] = {}  # records_file -> its document versions' records
        self.quarantine: list[dict] = []

    def add(self, document_id: str, path: str, outcome: dict, first_seen: tuple[str, datetime]) -> str:
        """Add one parse outcome; returns the document's status."""
        base = {
            "document_id": document_id,
            "source_path": path,
            "file_name": Path(path).name,
            "parser": self.parser,
            "parser_fingerprint": outcome.get("fingerprint", self.fingerprint),
            "parse_seconds": outcome.get("seconds"),
            "first_seen_run_id": first_seen[0],
            "first_seen_at": first_seen[1],
            "loaded_run_id": self.run_id,
            "loaded_at": self.now,
        }
        if not outcome["ok"]:
            self.documents.append({**base, "status": "quarantined", "n_lines": 0, "n_facts": 0,
                                   "n_problems": 0})  # fmt: skip
            self._quarantine(document_id, path, outcome["code"], outcome["reason"], outcome.get("message"))
            return "quarantined"
        rec = outcome["records"]
        doc = rec["document"]
        lines, facts, problems = rec["lines"], rec["facts"], rec["problems"]
        n_lines, n_facts, n_problems = len(lines["table"]), len(facts["kind"]), len(problems["code"])
        year = _year(doc.get("fiscal_year"))
        published, precision = _publication(doc.get("publication_date"))
        unit_name = (doc.get("unit_name") or "").strip() or None
        status = "loaded"
        if unit_name is None or not plausible_unit_name(unit_name):
            status = "quarantined"
            reason = (f"单位名称「{unit_name}」不完整，无法归属到单位" if unit_name
                      else "未能识别单位名称，无法归属到单位")  # fmt: skip
            self._quarantine(document_id, path, "no_unit", reason)
        elif year is None:
            status = "quarantined"
            self._quarantine(document_id, path, "no_year", "未能识别决算年度")
        self.documents.append({
            **base,
            "format": doc.get("format"),
            "unit_name": unit_name,
            "fiscal_year": year,
            "amount_unit": doc.get("amount_unit"),
            "publication_date": published,
            "publication_precision": precision,
            "tables": list(doc.get("tables") or []),
            "content_hash": rec["content_hash"],
            "status": status,
            "n_lines": n_lines,
            "n_facts": n_facts,
            "n_problems": n_problems,
            "cells_unchecked": int(doc.get("cells_unchecked") or 0),
        })  # fmt: skip
        if n_lines or n_facts or n_problems:
            name = self._next_file()
            self.documents[-1]["records_file"] = name
            versions = self.records.setdefault(name, [])
            versions.append(_records(document_id, self.run_id, lines, facts, problems))
        return status

    def _quarantine(self, document_id, path, code, reason, message=None) -> None:
        self.quarantine.append({
            "document_id": document_id, "source_path": path, "reason_code": code, "reason": reason,
            "message": message or f"{Path(path).name}：{reason}", "run_id": self.run_id,
            "quarantined_at": self.now,
        })  # fmt: skip

    def _next_file(self) -> str:
        """The record file of the next document version: this run's last file, or a new one when it is full."""
        if self.records:
            last = next(reversed(self.records))
            if len(self.records[last]) < VERSIONS_PER_FILE:
                return last
        return RawFiles.record_name(self.run_id, len(self.records) + 1)

    def write_records(self, files: RawFiles) -> None:
        """This run's document versions' records as immutable files (before the
        registry names them)."""
        files.ensure()
        # pyarrow lets go of the GIL while compressing and writing
        with ThreadPoolExecutor(4) as pool:
            list(pool.map(files.write_record, self.records, map(pa.concat_tables, self.records.values())))

    def write(self, con: duckdb.DuckDBPyConnection) -> None:
        """The registry rows (``con``: the registry, warehouse/rawfiles.py)."""
        ids = [d["document_id"] for d in self.documents]
        if not ids:
            return
        con.register("_ids", pa.table({"document_id": pa.array(ids, pa.string())}))
        for table in ("raw_documents", "raw_quarantine"):
            con.execute(f"delete from {table} where document_id in (select document_id from _ids)")
        con.unregister("_ids")
        _insert_rows(con, "raw_documents", self.documents, DOC_SCHEMA)
        _insert_rows(con, "raw_quarantine", self.quarantine, QUARANTINE_SCHEMA)


# Files of ~1,000 versions (~200,000 rows): one file per version cost 13 s to
# write and ~10 s per landing scan at 10,000 documents (file opens), against
# ~1 s for ten files; several files per large run keep reads parallel.
VERSIONS_PER_FILE = 1000

_KINDS = (("line", "lines"), ("fact", "facts"), ("problem", "problems"))


def _records(document_id: str, run_id: str, lines: dict, facts: dict, problems: dict) -> pa.Table:
    """The contract's lines, facts and problems of one document in one table
    (RECORD_SCHEMA): a ``record`` kind, its number within the kind, and each
    kind's own columns (``facts.page`` and ``lines.page`` share ``page``...)."""
    parts = {"lines": lines, "facts": facts, "problems": problems}
    cols: dict[str, list] = {f.name: [] for f in RECORD_SCHEMA}
    for kind, key in _KINDS:
        block = parts[key]
        n = len(next(iter(block.values()), []))
        if not n:
            continue
        cols["record"].extend([kind] * n)
        cols["record_no"].extend(range(1, n + 1))
        for name in cols:
            if name in ("document_id", "loaded_run_id", "record", "record_no"):
                continue
            cols[name].extend(block.get(name) or [None] * n)
    n_all = len(cols["record"])
    cols["document_id"] = [document_id] * n_all
    cols["loaded_run_id"] = [run_id] * n_all
    return pa.Table.from_pydict(cols, schema=RECORD_SCHEMA)


def _insert_arrow(con, table: str, tbl: pa.Table) -> None:
    if tbl.num_rows == 0:
        return
    cols = ", ".join(f'"{c}"' for c in tbl.column_names)
    con.register("_batch", tbl)
    try:
        con.execute(f"insert into {table} ({cols}) select {cols} from _batch")
    finally:
        con.unregister("_batch")


def _insert_rows(con, table: str, rows: list[dict], schema: pa.Schema) -> None:
    if rows:
        _insert_arrow(con, table, pa.Table.from_pylist(rows, schema=schema))


def upsert_files(con, files, run_id: str, now: datetime, missing: Sequence[str] = ()) -> None:
    """Record every file seen in this scan (path -> document, stat); paths no
    longer in the inbox stay, marked ``present = false`` (their documents are
    withdrawn, never deleted)."""
    if missing:
        con.register("_gone", pa.table({"path": pa.array(list(missing), pa.string())}))
        try:
            con.execute(
                "update raw_files set present = false, removed_run_id = ?, removed_at = ? "
                "where path in (select path from _gone) and present is not false",
                [run_id, now],
            )
        finally:
            con.unregister("_gone")
    if not files:
        return
    tbl = pa.table({
        "path": [f.path for f in files],
        "document_id": [f.sha256 for f in files],
        "size": pa.array([f.size for f in files], pa.int64()),
        "mtime_ns": pa.array([f.mtime_ns for f in files], pa.int64()),
        "ctime_ns": pa.array([f.ctime_ns for f in files], pa.int64()),
        "inode": pa.array([f.inode for f in files], pa.int64()),
    })  # fmt: skip
    con.register("_scan", tbl)
    try:
        con.execute(
            """
            create or replace temp table _scan_files as
            select s.path, s.document_id, s.size, s.mtime_ns, s.ctime_ns, s.inode,
                   case when f.document_id = s.document_id then f.first_seen_run_id else ? end as first_seen_run_id,
                   case when f.document_id = s.document_id then f.first_seen_at else ? end as first_seen_at
            from _scan as s left join raw_files as f using (path)
            """,
            [run_id, now],
        )
        con.execute("delete from raw_files where path in (select path from _scan_files)")
        con.execute(
            "insert into raw_files (path, document_id, size, mtime_ns, first_seen_run_id, first_seen_at, "
            "last_seen_run_id, ctime_ns, inode, present) select path, document_id, size, mtime_ns, "
            "first_seen_run_id, first_seen_at, ?, ctime_ns, inode, true from _scan_files",
            [run_id],
        )
        con.execute("drop table _scan_files")
    finally:
        con.unregister("_scan")
