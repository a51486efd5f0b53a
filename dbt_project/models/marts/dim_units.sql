-- The unit registry: the bureau's roster (models/roster; it supersedes the
-- units.csv seed once it has units) plus every unit name the documents used
-- that the registry does not know (flagged for review with a suggested unit:
-- the fuzzy matcher's proposal, else a seed unit whose name contains the
-- unknown name or vice versa; a suggestion is never applied automatically).
with seed as (
    select * from {{ ref('stg_unit_seed') }}
    where not exists (select 1 from {{ ref('stg_roster_units') }})
),

seed_years as (
    select
        years.unit_id,
        {{ sorted_list('years.fiscal_year') }} as expected_years
    from (
        select
            seed.unit_id,
            try_cast(trim(year_text.year_value) as integer) as fiscal_year
        from seed
        {{ join_unnested(split_text('seed.expected_years_text', '|'), 'year_text', 'year_value') }}
        union all
        select
            unit_id,
            fiscal_year
        from {{ ref('stg_roster_years') }}
    ) as years
    where years.fiscal_year is not null
    group by years.unit_id
),

seed_aliases as (
    select
        unit_id,
        {{ sorted_list('unit_name') }} as aliases
    from {{ ref('int_unit_names') }}
    where name_kind = 'alias'
    group by unit_id
),

documents as (
    select
        units.unit_id,
        units.unit_name_printed,
        units.name_normalized,
        units.match_kind,
        documents.fiscal_year,
        documents.first_seen_at
    from {{ ref('int_document_units') }} as units
    inner join {{ ref('stg_documents') }} as documents
        on units.document_id = documents.document_id
),

unit_usage as (
    select
        unit_id,
        count(*) as documents_count,
        min(fiscal_year) as first_fiscal_year,
        max(fiscal_year) as last_fiscal_year,
        {{ sorted_list('unit_name_printed', distinct=true) }} as names_printed
    from documents
    group by unit_id
),

discovered as (
    select
        unit_id,
        {{ first_by('unit_name_printed', ['first_seen_at', 'unit_name_printed']) }} as canonical_name,
        {{ first_by('name_normalized', ['first_seen_at', 'unit_name_printed']) }} as name_normalized,
        bool_or(match_kind = 'ambiguous') as is_ambiguous
    from documents
    where match_kind in ('unknown', 'ambiguous')
    group by unit_id
),

suggestions as (
    select
        discovered.unit_id,
        {{ first_by('seed_names.unit_id', ['length(seed_names.name_normalized) desc', 'seed_names.unit_id asc']) }}
            as suggested_unit_id
    from discovered
    inner join {{ ref('int_unit_names') }} as seed_names
        on
            contains(discovered.name_normalized, seed_names.name_normalized)
            or contains(seed_names.name_normalized, discovered.name_normalized)
    group by discovered.unit_id
),

proposals as (
    -- the fuzzy matcher's best candidate for a discovered unit's printed names
    select
        units.unit_id,
        matches.unit_id as proposed_unit_id,
        matches.match_status,
        matches.score,
        matches.match_reason,
        row_number() over (
            partition by units.unit_id
            order by case when matches.match_status = 'proposed' then 0 else 1 end asc, matches.score desc, matches.unit_id asc
        ) as proposal_rank
    from {{ ref('int_document_units') }} as units
    inner join {{ ref('stg_name_matches') }} as matches on units.document_id = matches.document_id
    where
        units.match_kind in ('unknown', 'ambiguous')
        and matches.match_status in ('proposed', 'possible')
        and matches.unit_id is not null
),

rejected as (
    select
        name_normalized,
        max(decided_by) as decided_by
    from {{ ref('int_roster_decisions') }}
    where decision = 'rejected'
    group by name_normalized
),

roster as (
    select * from {{ ref('stg_roster_units') }}
),

registry as (
    select
        seed.unit_id,
        seed.canonical_name,
        seed.department,
        seed.unit_type,
        seed.region,
        seed.staff_count,
        'seed' as unit_source,
        false as needs_review,
        cast(null as {{ portable_string() }}) as review_reason,
        cast(null as {{ portable_string() }}) as suggested_unit_id,
        cast(null as {{ portable_string() }}) as department_id,
        cast(null as {{ portable_string() }}) as parent_unit_id,
        cast(null as {{ portable_string() }}) as unit_level,
        cast(null as {{ portable_string() }}) as credit_code,
        cast(null as {{ portable_string() }}) as budget_code,
        cast(null as {{ portable_string() }}) as suggestion_status,
        cast(null as {{ portable_float() }}) as suggestion_score,
        cast(null as {{ portable_string() }}) as suggestion_reason
    from seed
    union all
    select
        roster.unit_id,
        roster.unit_name as canonical_name,
        roster.department_name as department,
        roster.unit_type,
        roster.region,
        roster.staff_count,
        'roster' as unit_source,
        false as needs_review,
        cast(null as {{ portable_string() }}) as review_reason,
        cast(null as {{ portable_string() }}) as suggested_unit_id,
        roster.department_id,
        roster.parent_unit_id,
        roster.unit_level,
        roster.credit_code,
        roster.budget_code,
        cast(null as {{ portable_string() }}) as suggestion_status,
        cast(null as {{ portable_float() }}) as suggestion_score,
        cast(null as {{ portable_string() }}) as suggestion_reason
    from roster
    union all
    select
        discovered.unit_id,
        discovered.canonical_name,
        cast(null as {{ portable_string() }}) as department,
        cast(null as {{ portable_string() }}) as unit_type,
        cast(null as {{ portable_string() }}) as region,
        cast(null as integer) as staff_count,
        'discovered' as unit_source,
        rejected.name_normalized is null as needs_review,
        case
            when rejected.name_normalized is not null
                then '已驳回建议的对应单位（' || rejected.decided_by || '）：作为名录外单位保留'
            when discovered.is_ambiguous then '单位名录中有多个单位使用这个名称，需人工确认归属'
            else '单位名录中没有这个名称，需人工确认是新单位还是已有单位的别名'
        end as review_reason,
        coalesce(proposals.proposed_unit_id, suggestions.suggested_unit_id) as suggested_unit_id,
        cast(null as {{ portable_string() }}) as department_id,
        cast(null as {{ portable_string() }}) as parent_unit_id,
        cast(null as {{ portable_string() }}) as unit_level,
        cast(null as {{ portable_string() }}) as credit_code,
        cast(null as {{ portable_string() }}) as budget_code,
        case
            when proposals.proposed_unit_id is not null then proposals.match_status
            when suggestions.suggested_unit_id is not null then 'contains'
        end as suggestion_status,
        proposals.score as suggestion_score,
        coalesce(
            proposals.match_reason,
            case when suggestions.suggested_unit_id is not null then '名称互相包含' end
        ) as suggestion_reason
    from discovered
    left join suggestions on discovered.unit_id = suggestions.unit_id
    left join proposals on discovered.unit_id = proposals.unit_id and proposals.proposal_rank = 1
    left join rejected on discovered.name_normalized = rejected.name_normalized
)

select
    registry.*,
    coalesce(seed_aliases.aliases, {{ list_of([], dbt.type_string()) }}) as aliases,
    coalesce(seed_years.expected_years, {{ list_of([], 'int') }}) as expected_years,
    coalesce(unit_usage.documents_count, 0) as documents_count,
    unit_usage.first_fiscal_year,
    unit_usage.last_fiscal_year,
    coalesce(unit_usage.names_printed, {{ list_of([], dbt.type_string()) }}) as names_printed
from registry
left join seed_aliases on registry.unit_id = seed_aliases.unit_id
left join seed_years on registry.unit_id = seed_years.unit_id
left join unit_usage on registry.unit_id = unit_usage.unit_id
