{{ config(materialized='table') }}

-- Whose figures make a 部门's figure in a year, for comparisons that roll
-- units up to their department (单位对比, 按部门): the 部门's 本级 and
-- subordinate units (roster tree) that have a disclosure that year; when none
-- of them has one, the 部门's own disclosure instead. Never both: a 部门决算
-- consolidates its 本级 and subordinate units, so adding it to theirs would
-- count the same money twice (docs/roster.md, Departments).
with tree as (
    select
        unit_id,
        department_id,
        unit_level
    from {{ ref('dim_units') }}
    where
        department_id is not null
        and unit_level in ('部门', '本级', '下属单位')
),

reporting as (
    select
        tree.department_id,
        tree.unit_id,
        tree.unit_level,
        unit_summary.fiscal_year
    from tree
    inner join {{ ref('fct_unit_year_summary') }} as unit_summary on tree.unit_id = unit_summary.unit_id
),

member_years as (
    select
        department_id,
        fiscal_year,
        count(*) as member_units_reporting
    from reporting
    where unit_level <> '部门'
    group by department_id, fiscal_year
),

member_counts as (
    select
        department_id,
        count(*) as member_units
    from tree
    where unit_level <> '部门'
    group by department_id
)

select
    reporting.department_id || '-' || cast(reporting.fiscal_year as {{ portable_string() }})
    || '-' || reporting.unit_id as department_member_key,
    reporting.department_id,
    reporting.fiscal_year,
    reporting.unit_id,
    reporting.unit_level,
    case when reporting.unit_level = '部门' then 'department' else 'members' end as rollup_basis,
    coalesce(member_counts.member_units, 0) as member_units,
    coalesce(member_years.member_units_reporting, 0) as member_units_reporting
from reporting
left join member_years
    on
        reporting.department_id = member_years.department_id
        and reporting.fiscal_year = member_years.fiscal_year
left join member_counts on reporting.department_id = member_counts.department_id
where reporting.unit_level <> '部门' or member_years.department_id is null
