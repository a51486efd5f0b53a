{{ config(materialized='table') }}

select
    document_id,
    printed_name,
    name_source,
    cast(fiscal_year as integer) as fiscal_year,
    match_status,
    unit_id,
    score,
    second_unit_id,
    second_score,
    reason as match_reason
from {{ source('roster_matches', 'name_matches') }}
