-- The amount of each column of a rule_rows row: its cells summed, a missing
-- amount counted as zero (a printed column with no number).
select
    document_id,
    table_id,
    side,
    coalesce(row_no, 0) as row_no,
    coalesce(row_label, '') as row_label,
    column_key,
    sum(coalesce(amount, 0)) as amount
from {{ ref('int_current_lines') }}
group by document_id, table_id, side, coalesce(row_no, 0), coalesce(row_label, ''), column_key
