{{ config(**incremental_document_config()) }}
-- depends_on: {{ ref('int_current_documents') }}

-- Printed rows of the two-sided tables 01 (收入支出决算总表) and 04
-- (财政拨款收入支出决算总表), income and expenditure sides, cells pivoted.
with cells as (
    select *
    from {{ ref('int_current_lines') }}
    where table_id in ('01', '04') and {{ pending_documents('document_id') }}
)

select
    md5(
        concat_ws('|', document_id, table_id, side, row_no, subject_code, row_label)
    ) as line_key,
    document_id,
    unit_id,
    fiscal_year,
    document_loaded_at,
    table_id,
    side,
    row_no,
    subject_code,
    row_label,
    min(page_no) as page_no,
    {{ pivot_cells(contract_columns('04')) }}
from cells
group by document_id, unit_id, fiscal_year, document_loaded_at, table_id, side, row_no, subject_code, row_label
