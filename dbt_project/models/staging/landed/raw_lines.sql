{{ config(**landed_records_config()) }}
-- The contract's lines (table cells) of every document version in the registry
select
    records.document_id,
    records.loaded_run_id,
    records.record_no as line_no,
    records.{{ col('table') }},
    records.side,
    records.row_label,
    records.subject_code,
    records.{{ col('column') }},
    records.amount,
    records.page,
    records.{{ col('row') }},
    records.placement
from {{ raw_record_rows('n_lines') }} as records
inner join {{ source('raw', 'raw_documents') }} as documents
    on
        records.document_id = documents.document_id
        and records.loaded_run_id = documents.loaded_run_id
where
    records.record = 'line'
    {{ not_yet_landed('records') }}
