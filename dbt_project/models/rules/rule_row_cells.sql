-- The amount of each column of a rule_rows row (same row_key): its cells summed.
select
    row_key,
    document_id,
    table_id,
    side,
    row_no,
    row_label,
    column_key,
    sum(amount) as amount
from {{ ref('rule_lines') }}
group by row_key, document_id, table_id, side, row_no, row_label, column_key
