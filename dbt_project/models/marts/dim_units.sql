-- The unit registry: seed units plus every unit name the documents used that
-- the seed does not know (flagged for review with a suggested seed unit when
-- one name contains the other; the suggestion is never applied automatically).
with seed as (
    select * from {{ ref('stg_unit_seed') }}
),

seed_years as (
    select
        seed.unit_id,
        {{ sorted_list(
            'try_cast(trim(year_text.year_value) as integer)',
            where='try_cast(trim(year_text.year_value) as integer) is not null',
        ) }} as expected_years
    from seed
    {{ join_unnested(split_text('seed.expected_years_text', '|'), 'year_text', 'year_value') }}
    group by seed.unit_id
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
        cast(null as {{ dbt.type_string() }}) as review_reason,
        cast(null as {{ dbt.type_string() }}) as suggested_unit_id
    from seed
    union all
    select
        discovered.unit_id,
        discovered.canonical_name,
        cast(null as {{ dbt.type_string() }}) as department,
        cast(null as {{ dbt.type_string() }}) as unit_type,
        cast(null as {{ dbt.type_string() }}) as region,
        cast(null as integer) as staff_count,
        'discovered' as unit_source,
        true as needs_review,
        case
            when discovered.is_ambiguous then '单位名录中有多个单位使用这个名称，需人工确认归属'
            else '单位名录中没有这个名称，需人工确认是新单位还是已有单位的别名'
        end as review_reason,
        suggestions.suggested_unit_id
    from discovered
    left join suggestions on discovered.unit_id = suggestions.unit_id
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
