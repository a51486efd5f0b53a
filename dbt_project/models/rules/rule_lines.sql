-- The cells of the documents the rules read in this build (rule_scope), as the rules see them: a missing row number
-- or label is 0 / '' and a missing amount is zero (a printed column with no
-- number); row_key names the printed row (rule_rows) the cell belongs to.
with cells as (
    select
        document_id,
        table_id,
        side,
        coalesce(row_no, 0) as row_no,
        coalesce(row_label, '') as row_label,
        subject_code,
        page_no,
        line_no,
        column_key,
        coalesce(amount, 0) as amount
    from {{ ref('int_current_lines') }}
    where document_id in (select scope.document_id from {{ ref('rule_scope') }} as scope)
)

select
    {{ rule_row_key() }} as row_key,
    cells.*
from cells
