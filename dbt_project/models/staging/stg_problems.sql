select
    document_id,
    problem_no,
    severity,
    {{ col('table') }} as table_id,
    code as problem_code,
    message as problem_message
from {{ ref('raw_problems') }}
