{{ config(materialized='table') }}

-- Every name a roster unit is known by: its name, its former names and
-- aliases, and the printed names an admin accepted for it in the review queue.
select
    unit_id,
    'canonical' as name_kind,
    unit_name
from {{ ref('stg_roster_units') }}
union all
select
    aliases.unit_id,
    'alias' as name_kind,
    aliases.alias_name as unit_name
from {{ source('roster', 'unit_aliases') }} as aliases
inner join {{ ref('stg_roster_units') }} as units on aliases.unit_id = units.unit_id
union all
select
    decisions.unit_id,
    'accepted' as name_kind,
    decisions.printed_name as unit_name
from {{ ref('int_roster_decisions') }} as decisions
inner join {{ ref('stg_roster_units') }} as units on decisions.unit_id = units.unit_id
where decisions.decision = 'accepted'
