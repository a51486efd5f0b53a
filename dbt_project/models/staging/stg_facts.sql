select
    document_id,
    fact_no,
    kind as fact_kind,
    subject_code,
    "label" as fact_label,
    "value" as fact_value,
    unit as value_unit,
    page as page_no,
    "text" as source_text
from {{ source('raw', 'raw_facts') }}
