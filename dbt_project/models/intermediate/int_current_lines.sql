-- Table cells of current document versions only: what the facts are built on.
select
    table_cells.document_id,
    current_documents.unit_id,
    current_documents.fiscal_year,
    current_documents.loaded_at as document_loaded_at,
    table_cells.line_no,
    table_cells.table_id,
    table_cells.side,
    table_cells.row_label,
    table_cells.subject_code,
    table_cells.column_key,
    table_cells.amount,
    table_cells.page_no,
    table_cells.row_no,
    table_cells.placement
from {{ ref('stg_lines') }} as table_cells
inner join {{ ref('int_current_documents') }} as current_documents
    on table_cells.document_id = current_documents.document_id
