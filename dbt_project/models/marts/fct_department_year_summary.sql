{{ config(materialized='table') }}

-- Departments as units: per 部门 (roster tree) and year, the headline totals
-- of its 本级 and subordinate units added up, next to the 部门's own
-- (consolidated) disclosure when it published one. The member sum is what a
-- comparison rolls up to; the difference to the consolidated document shows
-- members that did not disclose or a consolidation that does not add up.
with units as (
    select
        unit_id,
        canonical_name,
        department_id,
        unit_level
    from {{ ref('dim_units') }}
    where department_id is not null
),

members as (
    select
        units.department_id,
        unit_summary.fiscal_year,
        count(*) as member_units_reporting,
        sum(unit_summary.income_total) as income_total,
        sum(unit_summary.expenditure_total) as expenditure_total,
        sum(unit_summary.basic_expenditure) as basic_expenditure,
        sum(unit_summary.project_expenditure) as project_expenditure,
        sum(unit_summary.personnel_expenditure) as personnel_expenditure,
        sum(unit_summary.public_expenditure) as public_expenditure,
        sum(unit_summary.sangong_actual) as sangong_actual,
        cast(sum(unit_summary.staff_count) as bigint) as staff_count
    from {{ ref('fct_unit_year_summary') }} as unit_summary
    inner join units on unit_summary.unit_id = units.unit_id
    where units.unit_level in ('本级', '下属单位')
    group by units.department_id, unit_summary.fiscal_year
),

member_counts as (
    select
        department_id,
        count(*) as member_units
    from units
    where unit_level in ('本级', '下属单位')
    group by department_id
),

consolidated as (
    select
        unit_summary.unit_id as department_id,
        unit_summary.fiscal_year,
        unit_summary.expenditure_total,
        unit_summary.income_total
    from {{ ref('fct_unit_year_summary') }} as unit_summary
    inner join units on unit_summary.unit_id = units.unit_id
    where units.unit_level = '部门'
),

department_years as (
    select
        department_id,
        fiscal_year
    from members
    union
    select
        department_id,
        fiscal_year
    from consolidated
)

select
    department_years.department_id || '-' || cast(department_years.fiscal_year as {{ portable_string() }})
        as department_year_key,
    department_years.department_id,
    departments.canonical_name as department_name,
    department_years.fiscal_year,
    coalesce(member_counts.member_units, 0) as member_units,
    coalesce(members.member_units_reporting, 0) as member_units_reporting,
    {{ wan('members.income_total') }} as members_income_total,
    {{ wan('members.expenditure_total') }} as members_expenditure_total,
    {{ wan('members.basic_expenditure') }} as members_basic_expenditure,
    {{ wan('members.project_expenditure') }} as members_project_expenditure,
    {{ wan('members.personnel_expenditure') }} as members_personnel_expenditure,
    {{ wan('members.public_expenditure') }} as members_public_expenditure,
    {{ wan('members.sangong_actual') }} as members_sangong_actual,
    members.staff_count as members_staff_count,
    {{ wan_or_null('consolidated.expenditure_total') }} as department_expenditure_total,
    {{ wan_or_null('consolidated.income_total') }} as department_income_total,
    {{ wan_or_null('consolidated.expenditure_total - coalesce(members.expenditure_total, 0)') }}
        as consolidation_difference
from department_years
inner join units as departments on department_years.department_id = departments.unit_id
left join members
    on
        department_years.department_id = members.department_id
        and department_years.fiscal_year = members.fiscal_year
left join consolidated
    on
        department_years.department_id = consolidated.department_id
        and department_years.fiscal_year = consolidated.fiscal_year
left join member_counts on department_years.department_id = member_counts.department_id
