select
    document_id,
    fact_no,
    kind as fact_kind,
    subject_code,
    {{ col('label') }} as fact_label,
    {{ col('value') }} as fact_value,
    unit as value_unit,
    page as page_no,
    {{ col('text') }} as source_text
from {{ ref('raw_facts') }}
