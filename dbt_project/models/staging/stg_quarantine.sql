select
    document_id,
    source_path,
    reason_code,
    reason as reason_text,
    message as reason_message,
    run_id as quarantined_run_id,
    quarantined_at
from {{ ref('raw_quarantine') }}
