{{ config(**incremental_document_config()) }}
-- depends_on: {{ ref('int_current_documents') }}

-- Table 06 (一般公共预算财政拨款基本支出决算明细表) cells of current documents
-- with the economic-class hierarchy: 3-digit groups and their 5-digit items;
-- an item-less printed group is its own leaf. Rows without a code are the
-- printed 人员经费合计 / 公用经费合计 totals.
with cells as (
    select *
    from {{ ref('int_current_lines') }}
    where table_id = '06' and {{ pending_documents('document_id') }}
),

ancestors as (
    select distinct
        document_id,
        left(subject_code, 3) as economic_code
    from cells
    where length(subject_code) > 3
)

select
    cells.document_id || ':' || cast(cells.line_no as {{ dbt.type_string() }}) as line_key,
    cells.document_id,
    cells.unit_id,
    cells.fiscal_year,
    cells.document_loaded_at,
    cells.line_no,
    cells.subject_code as economic_code,
    case when cells.subject_code is not null then left(cells.subject_code, 3) end as economic_group,
    cells.row_label,
    cells.amount,
    cells.page_no,
    cells.row_no,
    cells.subject_code is not null and ancestors.economic_code is null as is_leaf,
    case
        when cells.subject_code is null and cells.row_label like '人员经费%' then 'personnel_total'
        when cells.subject_code is null and cells.row_label like '公用经费%' then 'public_total'
        when cells.subject_code is null then 'other_total'
        when length(cells.subject_code) = 3 then 'group'
        else 'item'
    end as row_kind
from cells
left join ancestors
    on
        cells.document_id = ancestors.document_id
        and cells.subject_code = ancestors.economic_code
