"""The raw layer: canonical parse records with provenance, as the reader gave
them (long format, one row per table cell / narrative fact / problem), plus the
file and document registry, the quarantine, the unit seed and the run log.

Python writes these tables; dbt only reads them (``source('raw', ...)``)."""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import date, datetime
from pathlib import Path

import duckdb
import pyarrow as pa

SCHEMA_VERSION = "1"

DDL = """
create table if not exists raw_documents (
    document_id varchar not null,      -- sha256 of the file's bytes
    source_path varchar not null,      -- first path it was seen under
    file_name varchar,
    format varchar,
    unit_name varchar,                 -- as printed
    fiscal_year integer,
    amount_unit varchar,
    publication_date date,
    tables varchar[],
    content_hash varchar,              -- digest of lines + facts (same data, other file)
    status varchar not null,           -- loaded | quarantined
    n_lines integer,
    n_facts integer,
    n_problems integer,
    parser varchar,
    parser_fingerprint varchar,
    parse_seconds double,
    first_seen_run_id varchar,
    first_seen_at timestamp,
    loaded_run_id varchar,
    loaded_at timestamp
);
create table if not exists raw_lines (
    document_id varchar not null,
    line_no integer not null,          -- position in the contract's list
    "table" varchar not null,
    side varchar,
    row_label varchar,
    subject_code varchar,
    "column" varchar not null,
    amount double,
    page integer,
    "row" integer,
    placement varchar                  -- how the reader placed it when not as printed
);
create table if not exists raw_facts (
    document_id varchar not null,
    fact_no integer not null,
    kind varchar not null,
    subject_code varchar,
    label varchar,
    value double,
    unit varchar,
    page integer,
    text varchar
);
create table if not exists raw_problems (
    document_id varchar not null,
    problem_no integer not null,
    severity varchar,
    "table" varchar,
    code varchar,
    message varchar
);
create table if not exists raw_files (
    path varchar not null,
    document_id varchar not null,
    size bigint,
    mtime_ns bigint,
    first_seen_run_id varchar,
    first_seen_at timestamp,
    last_seen_run_id varchar
);
alter table raw_documents add column if not exists publication_precision varchar;  -- day | month | year
alter table raw_lines add column if not exists placement varchar;
alter table raw_documents add column if not exists cells_unchecked integer;  -- cells no identity reads
alter table raw_files add column if not exists ctime_ns bigint;
alter table raw_files add column if not exists inode bigint;
alter table raw_files add column if not exists present boolean;      -- in the inbox at the last scan
alter table raw_files add column if not exists removed_run_id varchar;
alter table raw_files add column if not exists removed_at timestamp;
create table if not exists raw_quarantine (
    document_id varchar not null,
    source_path varchar,
    reason_code varchar not null,     -- unreadable | parser_error | parser_crash | timeout | memory_limit
                                      -- | too_large | incomplete | no_unit | no_year
    reason varchar not null,          -- Chinese, for the finance officer
    message varchar,
    run_id varchar,
    quarantined_at timestamp
);
create table if not exists raw_unit_seed (
    unit_id varchar not null,
    canonical_name varchar not null,
    aliases varchar,
    department varchar,
    unit_type varchar,
    region varchar,
    staff_count integer,
    expected_years varchar,
    seed_row integer,
    seed_path varchar,
    seed_sha256 varchar,
    loaded_run_id varchar
);
create table if not exists refresh_runs (
    run_id varchar not null,
    started_at timestamp,
    finished_at timestamp,
    status varchar,                    -- success | unchanged | failed | interrupted | dq_failed
    inbox varchar,
    files_seen integer,
    files_new integer,
    files_changed integer,
    files_unchanged integer,
    files_duplicate integer,
    files_missing integer,
    documents_parsed integer,
    documents_loaded integer,
    documents_quarantined integer,
    documents_superseding integer,
    units_flagged integer,
    findings integer,
    parse_seconds double,
    dbt_seconds double,
    dq_seconds double,
    total_seconds double,
    error varchar
);
create table if not exists warehouse_meta (
    key varchar not null,
    value varchar,
    updated_at timestamp
);
"""

RUN_COLUMNS = [
    "run_id", "started_at", "finished_at", "status", "inbox", "files_seen", "files_new",
    "files_changed", "files_unchanged", "files_duplicate", "files_missing", "documents_parsed",
    "documents_loaded", "documents_quarantined", "documents_superseding", "units_flagged",
    "findings", "parse_seconds", "dbt_seconds", "dq_seconds", "total_seconds", "error",
]  # fmt: skip


def ensure_schema(con: duckdb.DuckDBPyConnection) -> None:
    con.execute(DDL)


def get_meta(con, key: str) -> str | None:
    row = con.execute("select value from warehouse_meta where key = ?", [key]).fetchone()
    return row[0] if row else None


def set_meta(con, key: str, value: str) -> None:
    con.execute("delete from warehouse_meta where key = ?", [key])
    con.execute("insert into warehouse_meta values (?, ?, now())", [key, value])


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
        self.lines: dict[str, list] = {k: [] for k in
                                       ("document_id", "line_no", "table", "side", "row_label",
                                        "subject_code", "column", "amount", "page", "row",
                                        "placement")}  # fmt: skip
        self.facts: dict[str, list] = {k: [] for k in
                                       ("document_id", "fact_no", "kind", "subject_code", "label",
                                        "value", "unit", "page", "text")}  # fmt: skip
        self.problems: dict[str, list] = {k: [] for k in
                                          ("document_id", "problem_no", "severity", "table", "code",
                                           "message")}  # fmt: skip
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
        for target, cols, n, counter in ((self.lines, lines, n_lines, "line_no"),
                                         (self.facts, facts, n_facts, "fact_no"),
                                         (self.problems, problems, n_problems, "problem_no")):  # fmt: skip
            target["document_id"].extend([document_id] * n)
            target[counter].extend(range(1, n + 1))
            for k, values in cols.items():
                target[k].extend(values)
        return status

    def _quarantine(self, document_id, path, code, reason, message=None) -> None:
        self.quarantine.append({
            "document_id": document_id, "source_path": path, "reason_code": code, "reason": reason,
            "message": message or f"{Path(path).name}：{reason}", "run_id": self.run_id,
            "quarantined_at": self.now,
        })  # fmt: skip

    def write(self, con: duckdb.DuckDBPyConnection) -> None:
        ids = [d["document_id"] for d in self.documents]
        if not ids:
            return
        con.register("_ids", pa.table({"document_id": pa.array(ids, pa.string())}))
        for table in ("raw_documents", "raw_lines", "raw_facts", "raw_problems", "raw_quarantine"):
            con.execute(f"delete from {table} where document_id in (select document_id from _ids)")
        con.unregister("_ids")
        _insert_rows(con, "raw_documents", self.documents, _DOC_SCHEMA)
        _insert_columns(con, "raw_lines", self.lines, _LINE_SCHEMA)
        _insert_columns(con, "raw_facts", self.facts, _FACT_SCHEMA)
        _insert_columns(con, "raw_problems", self.problems, _PROBLEM_SCHEMA)
        _insert_rows(con, "raw_quarantine", self.quarantine, _QUARANTINE_SCHEMA)


_DOC_SCHEMA = pa.schema([
    ("document_id", pa.string()), ("source_path", pa.string()), ("file_name", pa.string()),
    ("format", pa.string()), ("unit_name", pa.string()), ("fiscal_year", pa.int32()),
    ("amount_unit", pa.string()), ("publication_date", pa.date32()), ("tables", pa.list_(pa.string())),
    ("content_hash", pa.string()), ("status", pa.string()), ("n_lines", pa.int32()),
    ("n_facts", pa.int32()), ("n_problems", pa.int32()), ("parser", pa.string()),
    ("parser_fingerprint", pa.string()), ("parse_seconds", pa.float64()),
    ("first_seen_run_id", pa.string()), ("first_seen_at", pa.timestamp("us")),
    ("loaded_run_id", pa.string()), ("loaded_at", pa.timestamp("us")),
    ("publication_precision", pa.string()), ("cells_unchecked", pa.int32()),
])  # fmt: skip
_LINE_SCHEMA = pa.schema([
    ("document_id", pa.string()), ("line_no", pa.int32()), ("table", pa.string()), ("side", pa.string()),
    ("row_label", pa.string()), ("subject_code", pa.string()), ("column", pa.string()),
    ("amount", pa.float64()), ("page", pa.int32()), ("row", pa.int32()), ("placement", pa.string()),
])  # fmt: skip
_FACT_SCHEMA = pa.schema([
    ("document_id", pa.string()), ("fact_no", pa.int32()), ("kind", pa.string()),
    ("subject_code", pa.string()), ("label", pa.string()), ("value", pa.float64()), ("unit", pa.string()),
    ("page", pa.int32()), ("text", pa.string()),
])  # fmt: skip
_PROBLEM_SCHEMA = pa.schema([
    ("document_id", pa.string()), ("problem_no", pa.int32()), ("severity", pa.string()),
    ("table", pa.string()), ("code", pa.string()), ("message", pa.string()),
])  # fmt: skip
_QUARANTINE_SCHEMA = pa.schema([
    ("document_id", pa.string()), ("source_path", pa.string()), ("reason_code", pa.string()),
    ("reason", pa.string()), ("message", pa.string()), ("run_id", pa.string()),
    ("quarantined_at", pa.timestamp("us")),
])  # fmt: skip


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


def _insert_columns(con, table: str, columns: dict[str, list], schema: pa.Schema) -> None:
    _insert_arrow(con, table, pa.Table.from_pydict(columns, schema=schema))


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
