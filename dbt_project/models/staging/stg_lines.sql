select
    document_id,
    line_no,
    "table" as table_id,
    side,
    row_label,
    subject_code,
    "column" as column_key,
    amount,
    page as page_no,
    "row" as row_no,
    placement
from {{ source('raw', 'raw_lines') }}
