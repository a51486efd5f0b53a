{{ config(**landed_records_config()) }}
-- The contract's problems (what the reader could not place or check)
select
    records.document_id,
    records.loaded_run_id,
    records.record_no as problem_no,
    records.severity,
    records.{{ col('table') }},
    records.code,
    records.message
from {{ raw_record_rows('n_problems') }} as records
inner join {{ source('raw', 'raw_documents') }} as documents
    on
        records.document_id = documents.document_id
        and records.loaded_run_id = documents.loaded_run_id
where
    records.record = 'problem'
    {{ not_yet_landed('records') }}
