select
    document_id,
    line_no,
    {{ col('table') }} as table_id,
    side,
    row_label,
    subject_code,
    {{ col('column') }} as column_key,
    amount,
    page as page_no,
    {{ col('row') }} as row_no,
    placement
from {{ ref('raw_lines') }}
