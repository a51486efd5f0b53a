"""The raw layer's tables: DuckDB DDL of the registry (kept as Parquet under the
raw directory, warehouse/rawfiles.py; with the additive migrations of older
generations), of what the refresh writes into the warehouse file (run log,
meta), and the Arrow schemas the batches are written with."""

import pyarrow as pa

SCHEMA_VERSION = "2"  # 2: raw records as Parquet files outside the warehouse (rawfiles.py)

REGISTRY_DDL = """
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
alter table raw_documents add column if not exists cells_unchecked integer;  -- cells no identity reads
alter table raw_documents add column if not exists records_file varchar;  -- relative to the raw directory
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
create table if not exists raw_meta (  -- the published state: seed, roster, dbt project
    key varchar not null,
    value varchar,
    updated_at timestamp
);
"""

# what the refresh writes into the warehouse file itself
FILE_DDL = """
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

DOC_SCHEMA = pa.schema([
    ("document_id", pa.string()), ("source_path", pa.string()), ("file_name", pa.string()),
    ("format", pa.string()), ("unit_name", pa.string()), ("fiscal_year", pa.int32()),
    ("amount_unit", pa.string()), ("publication_date", pa.date32()), ("tables", pa.list_(pa.string())),
    ("content_hash", pa.string()), ("status", pa.string()), ("n_lines", pa.int32()),
    ("n_facts", pa.int32()), ("n_problems", pa.int32()), ("parser", pa.string()),
    ("parser_fingerprint", pa.string()), ("parse_seconds", pa.float64()),
    ("first_seen_run_id", pa.string()), ("first_seen_at", pa.timestamp("us")),
    ("loaded_run_id", pa.string()), ("loaded_at", pa.timestamp("us")),
    ("publication_precision", pa.string()), ("cells_unchecked", pa.int32()), ("records_file", pa.string()),
])  # fmt: skip
QUARANTINE_SCHEMA = pa.schema([
    ("document_id", pa.string()), ("source_path", pa.string()), ("reason_code", pa.string()),
    ("reason", pa.string()), ("message", pa.string()), ("run_id", pa.string()),
    ("quarantined_at", pa.timestamp("us")),
])  # fmt: skip
# One document version's file: its cells (record = 'line'), narrative facts
# ('fact') and problems ('problem'), numbered per kind; the columns of the other
# kinds are null. loaded_run_id ties the file to its registry row.
RECORD_SCHEMA = pa.schema([
    ("document_id", pa.string()), ("loaded_run_id", pa.string()), ("record", pa.string()),
    ("record_no", pa.int32()), ("table", pa.string()), ("side", pa.string()), ("row_label", pa.string()),
    ("subject_code", pa.string()), ("column", pa.string()), ("amount", pa.float64()), ("page", pa.int32()),
    ("row", pa.int32()), ("placement", pa.string()), ("kind", pa.string()), ("label", pa.string()),
    ("value", pa.float64()), ("unit", pa.string()), ("text", pa.string()), ("severity", pa.string()),
    ("code", pa.string()), ("message", pa.string()),
])  # fmt: skip
