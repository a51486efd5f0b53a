{{ config(**incremental_document_config()) }}
-- depends_on: {{ ref('int_current_documents') }}

-- Printed rows of the 类/款/项 tables (02 03 05 07 08) of current documents,
-- cells pivoted into columns. is_leaf marks the leaf-most printed rows: a row
-- none of whose descendants (longer codes with its code as prefix) is printed
-- in the same table. Summing leaves gives a subject total at any level, whether
-- or not the document printed the 类/款 row itself; a 类 printed without its
-- 款/项 is its own leaf (counted at 类 level, unassigned below it).
{%- set amount_columns = subject_table_columns() %}

with cells as (
    select *
    from {{ ref('int_current_lines') }}
    where table_id in ('02', '03', '05', '07', '08') and {{ pending_documents('document_id') }}
),

printed_rows as (
    select
        document_id,
        unit_id,
        fiscal_year,
        document_loaded_at,
        table_id,
        row_no,
        subject_code,
        row_label,
        min(page_no) as page_no,
        count(*) as n_cells,
        {{ pivot_cells(amount_columns, indent=8) }}
    from cells
    group by document_id, unit_id, fiscal_year, document_loaded_at, table_id, row_no, subject_code, row_label
),

ancestors as (
    select
        document_id,
        table_id,
        left(subject_code, 3) as subject_code
    from printed_rows
    where length(subject_code) > 3
    union
    select
        document_id,
        table_id,
        left(subject_code, 5) as subject_code
    from printed_rows
    where length(subject_code) > 5
)

select
    md5(
        concat_ws(
            '|',
            printed_rows.document_id,
            printed_rows.table_id,
            printed_rows.row_no,
            printed_rows.subject_code,
            printed_rows.row_label
        )
    ) as line_key,
    printed_rows.*,
    {{ subject_key('printed_rows.fiscal_year', 'printed_rows.subject_code') }} as subject_key,
    {{ subject_level('printed_rows.subject_code') }} as subject_level,
    case when length(printed_rows.subject_code) >= 3 then left(printed_rows.subject_code, 3) end as class_code,
    case when length(printed_rows.subject_code) >= 5 then left(printed_rows.subject_code, 5) end as section_code,
    case when length(printed_rows.subject_code) = 7 then printed_rows.subject_code end as item_code,
    coalesce(
        printed_rows.subject_code is null and {{ is_total_label('printed_rows.row_label') }}, false
    ) as is_total_row,
    ancestors.subject_code is null as is_leaf
from printed_rows
left join ancestors
    on
        printed_rows.document_id = ancestors.document_id
        and printed_rows.table_id = ancestors.table_id
        and printed_rows.subject_code = ancestors.subject_code
