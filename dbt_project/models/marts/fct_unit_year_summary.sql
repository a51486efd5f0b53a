-- One row per unit and year (the current version of its disclosure): totals,
-- 基本/项目, 人员/公用, 三公, change against the unit's previous year, shares.
with current_documents as (
    select
        document_id,
        unit_id,
        fiscal_year,
        version_no,
        versions_count
    from {{ ref('int_document_versions') }}
    where is_current
),

facts as (
    select
        document_id,
        {{ first_by('fact_value', ['fact_no'], where="fact_kind = 'operating_expenses'") }} as operating_expenses,
        {{ first_by('fact_value', ['fact_no'], where="fact_kind = 'budget_initial_total'") }} as budget_initial_total,
        {{ first_by('fact_value', ['fact_no'], where="fact_kind = 'performance_project_count'") }} as performance_project_count,
        {{ first_by('fact_value', ['fact_no'], where="fact_kind = 'vehicles_total'") }} as vehicles_total
    from {{ ref('int_current_facts') }}
    group by document_id
),

unit_years as (
    select
        current_documents.unit_id || '-' || cast(current_documents.fiscal_year as {{ dbt.type_string() }}) as unit_year_key,
        current_documents.unit_id,
        current_documents.fiscal_year,
        current_documents.document_id,
        current_documents.version_no,
        current_documents.versions_count,
        units.canonical_name as unit_name,
        units.department,
        units.unit_type,
        units.region,
        units.staff_count,
        {{ wan('totals.income_total') }} as income_total,
        {{ wan('totals.expenditure_total') }} as expenditure_total,
        {{ wan_or_null('totals.grand_total') }} as grand_total,
        {{ wan('totals.fiscal_income') }} as fiscal_income,
        {{ wan('totals.basic_expenditure') }} as basic_expenditure,
        {{ wan('totals.project_expenditure') }} as project_expenditure,
        {{ wan('totals.fiscal_appropriation_income') }} as fiscal_appropriation_income,
        {{ wan('totals.general_budget_expenditure') }} as general_budget_expenditure,
        {{ wan('totals.government_fund_expenditure') }} as government_fund_expenditure,
        {{ wan('totals.state_capital_expenditure') }} as state_capital_expenditure,
        {{ wan('totals.personnel_expenditure') }} as personnel_expenditure,
        {{ wan('totals.public_expenditure') }} as public_expenditure,
        sangong.budget_total as sangong_budget,
        sangong.actual_total as sangong_actual,
        {{ wan_or_null('facts.operating_expenses') }} as operating_expenses,
        {{ wan_or_null('facts.budget_initial_total') }} as budget_initial_total,
        cast(facts.performance_project_count as integer) as performance_project_count,
        cast(facts.vehicles_total as integer) as vehicles_total,
        procurement.procurement_total
    from current_documents
    inner join {{ ref('int_document_totals') }} as totals
        on current_documents.document_id = totals.document_id
    left join {{ ref('dim_units') }} as units on current_documents.unit_id = units.unit_id
    left join {{ ref('fct_three_public_expenses') }} as sangong
        on current_documents.document_id = sangong.document_id
    left join {{ ref('fct_procurement') }} as procurement
        on current_documents.document_id = procurement.document_id
    left join facts on current_documents.document_id = facts.document_id
)

select
    unit_years.*,
    prior_years.income_total as prior_income_total,
    prior_years.expenditure_total as prior_expenditure_total,
    unit_years.income_total - prior_years.income_total as income_yoy_change,
    unit_years.expenditure_total - prior_years.expenditure_total as expenditure_yoy_change,
    {{ percent('unit_years.income_total - prior_years.income_total', 'prior_years.income_total') }} as income_yoy_pct,
    {{ percent('unit_years.expenditure_total - prior_years.expenditure_total', 'prior_years.expenditure_total') }}
        as expenditure_yoy_pct,
    {{ percent('unit_years.basic_expenditure', 'unit_years.expenditure_total') }} as basic_share_pct,
    {{ percent('unit_years.project_expenditure', 'unit_years.expenditure_total') }} as project_share_pct,
    {{ percent('unit_years.fiscal_income', 'unit_years.income_total') }} as fiscal_income_share_pct,
    {{ percent(
        'unit_years.personnel_expenditure',
        'unit_years.personnel_expenditure + unit_years.public_expenditure'
    ) }} as personnel_share_pct,
    {{ percent('unit_years.sangong_actual', 'unit_years.sangong_budget') }} as sangong_execution_pct,
    {{ percent('unit_years.expenditure_total', 'unit_years.staff_count', factor=1) }} as expenditure_per_staff
from unit_years
left join unit_years as prior_years
    on
        unit_years.unit_id = prior_years.unit_id
        and unit_years.fiscal_year = prior_years.fiscal_year + 1
