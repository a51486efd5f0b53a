{{ config(materialized='table') }}

select
    version_no,
    changed_at,
    changed_by,
    change_action,
    unit_id,
    field as changed_field,
    old_value,
    new_value,
    change_source
from {{ source('roster', 'changes') }}
