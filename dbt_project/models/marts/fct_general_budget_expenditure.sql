{{ config(**incremental_document_config()) }}
-- depends_on: {{ ref('int_current_documents') }}

-- 公开05表 一般公共预算财政拨款支出决算表: by subject (小计, 基本支出, 项目支出, and
-- 年初预算数 / 调整预算数 where the region prints them). Current document versions;
-- leaf-most printed rows only. The budget columns are null for a document whose
-- table has no such column (not printed is not zero).
with budget_columns as (
    select
        document_id,
        bool_or(column_key = 'budget_initial') as has_budget_initial,
        bool_or(column_key = 'budget_adjusted') as has_budget_adjusted
    from {{ ref('int_current_lines') }}
    where table_id = '05' and {{ pending_documents('document_id') }}
    group by document_id
),

leaf_rows as (
    {{ subject_fact('05', ['total', 'basic', 'project', 'budget_initial', 'budget_adjusted']) }}
)

select
    leaf_rows.line_key,
    leaf_rows.document_id,
    leaf_rows.unit_id,
    leaf_rows.fiscal_year,
    leaf_rows.document_loaded_at,
    leaf_rows.subject_key,
    leaf_rows.subject_code,
    leaf_rows.subject_level,
    leaf_rows.class_code,
    leaf_rows.section_code,
    leaf_rows.item_code,
    leaf_rows.subject_name_printed,
    leaf_rows.total,
    leaf_rows.basic,
    leaf_rows.project,
    leaf_rows.page_no,
    leaf_rows.row_no,
    case when budget_columns.has_budget_initial then leaf_rows.budget_initial end as budget_initial,
    case when budget_columns.has_budget_adjusted then leaf_rows.budget_adjusted end as budget_adjusted
from leaf_rows
left join budget_columns on leaf_rows.document_id = budget_columns.document_id
