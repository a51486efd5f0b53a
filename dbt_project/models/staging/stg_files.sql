select
    "path" as file_path,
    document_id,
    size as file_size,
    mtime_ns,
    first_seen_run_id,
    first_seen_at,
    last_seen_run_id
from {{ source('raw', 'raw_files') }}
