-- One printed row of a table as the rules see it: the cells of a current
-- document that share (table, side, row number, row label). Its subject code
-- and page are those of its first cell; first_line_no orders rows that share a
-- row number (reading order).
with cells as (
    select
        document_id,
        table_id,
        side,
        coalesce(row_no, 0) as row_no,
        coalesce(row_label, '') as row_label,
        subject_code,
        page_no,
        line_no
    from {{ ref('int_current_lines') }}
),

first_cells as (
    select
        document_id,
        table_id,
        side,
        row_no,
        row_label,
        min(line_no) as first_line_no
    from cells
    group by document_id, table_id, side, row_no, row_label
)

select
    first_cells.document_id,
    first_cells.table_id,
    first_cells.side,
    first_cells.row_no,
    first_cells.row_label,
    cells.subject_code,
    cells.page_no,
    first_cells.first_line_no
from first_cells
inner join cells
    on
        first_cells.document_id = cells.document_id
        and first_cells.first_line_no = cells.line_no
