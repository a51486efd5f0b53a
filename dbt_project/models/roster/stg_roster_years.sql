{{ config(materialized='table') }}

select
    unit_id,
    cast(fiscal_year as integer) as fiscal_year,
    cast(deadline as date) as deadline
from {{ source('roster', 'unit_years') }}
