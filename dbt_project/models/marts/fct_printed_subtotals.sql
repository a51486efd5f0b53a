{{ config(**incremental_document_config()) }}
-- depends_on: {{ ref('int_current_documents') }}

-- The printed rows the fact marts leave out because other printed rows add up
-- to them, one row per cell, as printed: the 合计 row and the 类 / 款 rows
-- printed with their children in 02 03 05 07 08, and in 06 the groups printed
-- with their items and the 人员经费合计 / 公用经费合计 rows. Summing a fact
-- mart gives a recomputed total, this mart the printed one; together they give
-- each table back cell for cell (tests/test_warehouse_roundtrip.py).
with subject_cells as (
    select *
    from {{ ref('int_current_lines') }}
    where table_id in ('02', '03', '05', '07', '08') and {{ pending_documents('document_id') }}
),

subtotal_rows as (
    select
        document_id,
        table_id,
        row_no,
        subject_code,
        row_label
    from {{ ref('int_subject_rows') }}
    where (not is_leaf or is_total_row) and {{ pending_documents('document_id') }}
),

subject_subtotals as (
    select subject_cells.*
    from subject_cells
    inner join subtotal_rows
        on
            subject_cells.document_id = subtotal_rows.document_id
            and subject_cells.table_id = subtotal_rows.table_id
            and subject_cells.row_no = subtotal_rows.row_no
            and coalesce(subject_cells.subject_code, '') = coalesce(subtotal_rows.subject_code, '')
            and coalesce(subject_cells.row_label, '') = coalesce(subtotal_rows.row_label, '')
),

economic_subtotals as (
    select
        document_id,
        unit_id,
        fiscal_year,
        document_loaded_at,
        line_no,
        '06' as table_id,
        row_label,
        economic_code as subject_code,
        'amount' as column_key,
        amount,
        page_no,
        row_no
    from {{ ref('int_economic_lines') }}
    where not (is_leaf and length(economic_code) in (3, 5)) and {{ pending_documents('document_id') }}
),

printed as (
    select
        document_id,
        unit_id,
        fiscal_year,
        document_loaded_at,
        line_no,
        table_id,
        row_label,
        subject_code,
        column_key,
        amount,
        page_no,
        row_no
    from subject_subtotals
    union all
    select
        document_id,
        unit_id,
        fiscal_year,
        document_loaded_at,
        line_no,
        table_id,
        row_label,
        subject_code,
        column_key,
        amount,
        page_no,
        row_no
    from economic_subtotals
)

select
    document_id || ':' || cast(line_no as {{ dbt.type_string() }}) as line_key,
    document_id,
    line_no,
    unit_id,
    fiscal_year,
    document_loaded_at,
    table_id,
    row_no,
    subject_code,
    case when subject_code is null then 'total' else 'subtotal' end as row_kind,
    row_label,
    column_key,
    {{ wan('amount') }} as amount,
    page_no
from printed
