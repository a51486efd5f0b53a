{{ config(materialized='table') }}

select
    unit_id,
    unit_name,
    credit_code,
    budget_code,
    department_name,
    department_id,
    parent_unit_id,
    unit_level,
    unit_type,
    region,
    staff_count,
    sheet_row
from {{ source('roster', 'units') }}
