-- One printed row of a table as the rules see it: the cells of a current
-- document that share row_key (table, side, row number, row label). Its
-- subject code and page are those of its first cell; first_line_no orders rows
-- that share a row number (reading order); is_readable is false on a table the
-- reader could not read.
with first_cells as (
    select
        row_key,
        document_id,
        table_id,
        side,
        row_no,
        row_label,
        min(line_no) as first_line_no
    from {{ ref('rule_lines') }}
    group by row_key, document_id, table_id, side, row_no, row_label
)

select
    first_cells.*,
    first_line.subject_code,
    first_line.page_no,
    unreadable.document_id is null as is_readable
from first_cells
inner join {{ ref('rule_lines') }} as first_line
    on
        first_cells.document_id = first_line.document_id
        and first_cells.first_line_no = first_line.line_no
left join {{ ref('rule_unreadable_tables') }} as unreadable
    on
        first_cells.document_id = unreadable.document_id
        and first_cells.table_id = unreadable.table_id
