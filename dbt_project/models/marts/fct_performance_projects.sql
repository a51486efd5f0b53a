{{ config(**incremental_document_config()) }}
-- depends_on: {{ ref('int_current_documents') }}

-- 绩效自评 per project (附件 self-evaluation tables): 预算数, 执行数, 执行率 as
-- stated. A project named more than once keeps its first statement.
with project_facts as (
    select *
    from {{ ref('int_current_facts') }}
    where
        fact_kind in ('project_budget', 'project_actual', 'project_execution_rate')
        and {{ pending_documents('document_id') }}
),

projects as (
    select
        document_id,
        unit_id,
        fiscal_year,
        document_loaded_at,
        fact_label as project_name,
        {{ first_by('fact_value', ['fact_no'], where="fact_kind = 'project_budget'") }} as budget,
        {{ first_by('fact_value', ['fact_no'], where="fact_kind = 'project_actual'") }} as actual,
        {{ first_by('fact_value', ['fact_no'], where="fact_kind = 'project_execution_rate'") }} as execution_rate_stated,
        min(fact_no) as first_fact_no,
        min(page_no) as page_no
    from project_facts
    group by document_id, unit_id, fiscal_year, document_loaded_at, fact_label
)

select
    document_id || ':' || project_name as project_key,
    document_id,
    unit_id,
    fiscal_year,
    document_loaded_at,
    project_name,
    cast(row_number() over (partition by document_id order by first_fact_no) as bigint) as project_no,
    {{ wan_or_null('budget') }} as budget,
    {{ wan_or_null('actual') }} as actual,
    execution_rate_stated,
    round(100 * actual / nullif(budget, 0), 2) as execution_rate_computed,
    page_no
from projects
