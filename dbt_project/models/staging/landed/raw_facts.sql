{{ config(**landed_records_config()) }}
-- The contract's facts (numbers stated in the narrative)
select
    records.document_id,
    records.loaded_run_id,
    records.record_no as fact_no,
    records.kind,
    records.subject_code,
    records.{{ col('label') }},
    records.{{ col('value') }},
    records.unit,
    records.page,
    records.{{ col('text') }}
from {{ raw_record_rows('n_facts') }} as records
inner join {{ source('raw', 'raw_documents') }} as documents
    on
        records.document_id = documents.document_id
        and records.loaded_run_id = documents.loaded_run_id
where
    records.record = 'fact'
    {{ not_yet_landed('records') }}
