select
    {{ col('path') }} as file_path,
    document_id,
    size as file_size,
    mtime_ns,
    first_seen_run_id,
    first_seen_at,
    last_seen_run_id,
    coalesce(present, true) as is_present,
    removed_run_id,
    removed_at
from {{ ref('raw_files') }}
