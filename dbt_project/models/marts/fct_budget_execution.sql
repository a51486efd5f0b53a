{{ config(**incremental_document_config()) }}
-- depends_on: {{ ref('int_current_documents') }}

-- 年初预算 vs 决算 per 项, as stated in the narrative (一般公共预算财政拨款支出决算
-- 具体情况), next to table 05's amount for the same 项. A 项 stated more than once
-- keeps its first statement. Items whose code the reader could not resolve are
-- keyed by their label.
with item_facts as (
    select
        document_id,
        unit_id,
        fiscal_year,
        document_loaded_at,
        coalesce(subject_code, 'label:' || fact_label) as item_key,
        subject_code,
        fact_label,
        fact_kind,
        fact_value,
        fact_no,
        page_no
    from {{ ref('int_current_facts') }}
    where
        fact_kind in ('item_budget_initial', 'item_budget_full_year', 'item_actual', 'item_execution_rate')
        and {{ pending_documents('document_id') }}
),

items as (
    select
        document_id,
        unit_id,
        fiscal_year,
        document_loaded_at,
        item_key,
        {{ any_non_null('subject_code') }} as subject_code,
        {{ first_by('fact_label', ['fact_no']) }} as item_label,
        {{ first_by('fact_value', ['fact_no'], where="fact_kind = 'item_budget_initial'") }} as budget_initial,
        {{ first_by('fact_value', ['fact_no'], where="fact_kind = 'item_budget_full_year'") }} as budget_full_year,
        {{ first_by('fact_value', ['fact_no'], where="fact_kind = 'item_actual'") }} as actual_stated,
        {{ first_by('fact_value', ['fact_no'], where="fact_kind = 'item_execution_rate'") }} as execution_rate_stated,
        min(page_no) as page_no
    from item_facts
    group by document_id, unit_id, fiscal_year, document_loaded_at, item_key
),

table_05 as (
    select
        document_id,
        subject_code,
        sum(total) as actual_table,
        sum(budget_initial) as budget_initial_table
    from {{ ref('int_subject_rows') }}
    where table_id = '05' and subject_code is not null and {{ pending_documents('document_id') }}
    group by document_id, subject_code
)

select
    items.document_id || ':' || items.item_key as execution_key,
    items.document_id,
    items.unit_id,
    items.fiscal_year,
    items.document_loaded_at,
    items.item_key,
    items.subject_code,
    {{ subject_key('items.fiscal_year', 'items.subject_code') }} as subject_key,
    case when length(items.subject_code) >= 3 then left(items.subject_code, 3) end as class_code,
    items.item_label,
    {{ wan_or_null('items.budget_initial') }} as budget_initial,
    {{ wan_or_null('items.budget_full_year') }} as budget_full_year,
    {{ wan_or_null('items.actual_stated') }} as actual_stated,
    {{ wan_or_null('table_05.actual_table') }} as actual_table,
    {{ wan_or_null('table_05.budget_initial_table') }} as budget_initial_table,
    items.execution_rate_stated,
    round(100 * items.actual_stated / nullif(items.budget_initial, 0), 2) as execution_rate_computed,
    items.page_no
from items
left join table_05
    on
        items.document_id = table_05.document_id
        and items.subject_code = table_05.subject_code
