-- Every name a registry unit is known by: its canonical name and each alias.
-- The bureau's roster (models/roster) supersedes the units.csv seed once it has units.
with seed as (
    select
        unit_id,
        canonical_name,
        aliases_text
    from {{ ref('stg_unit_seed') }}
    where not exists (select 1 from {{ ref('stg_roster_units') }})
),

canonical as (
    select
        unit_id,
        'canonical' as name_kind,
        canonical_name as unit_name
    from seed
),

aliases as (
    select
        seed.unit_id,
        'alias' as name_kind,
        trim(alias_list.unit_name) as unit_name
    from seed
    {{ join_unnested(split_text('seed.aliases_text', '|'), 'alias_list', 'unit_name') }}
    where trim(alias_list.unit_name) <> ''
),

all_names as (
    select * from canonical
    union all
    select * from aliases
    union all
    select * from {{ ref('int_roster_names') }}
)

select distinct
    unit_id,
    name_kind,
    unit_name,
    {{ normalize_unit_name('unit_name') }} as name_normalized
from all_names
