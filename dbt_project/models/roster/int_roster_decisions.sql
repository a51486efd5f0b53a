{{ config(materialized='table') }}

-- The decision in force per printed name: the latest one.
with ranked as (
    select
        printed_name,
        unit_id,
        decision,
        decided_by,
        decided_at,
        row_number() over (partition by printed_name order by decided_at desc, unit_id desc) as decision_rank
    from {{ source('roster', 'decisions') }}
)

select
    printed_name,
    {{ normalize_unit_name('printed_name') }} as name_normalized,
    unit_id,
    decision,
    decided_by,
    decided_at
from ranked
where decision_rank = 1
