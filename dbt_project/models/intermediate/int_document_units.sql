{{ config(materialized='table') }}

-- Resolve each loaded document's printed unit name through the registry.
-- Exact match on the normalised canonical name or an alias only; an unknown
-- name (or one the seed gives to two units) becomes its own unit flagged for
-- review, keyed by the name, never merged into a near match.
with documents as (
    select
        document_id,
        unit_name_printed,
        {{ normalize_unit_name('unit_name_printed') }} as name_normalized
    from {{ ref('stg_documents') }}
    where document_status = 'loaded'
),

known_names as (
    select
        name_normalized,
        min(unit_id) as unit_id,
        count(distinct unit_id) as n_units,
        bool_or(name_kind = 'canonical') as is_canonical
    from {{ ref('int_unit_names') }}
    group by name_normalized
)

select
    documents.document_id,
    documents.unit_name_printed,
    documents.name_normalized,
    case
        when known_names.n_units = 1 then known_names.unit_id
        else 'new-' || left(md5(documents.name_normalized), 10)
    end as unit_id,
    case
        when known_names.n_units > 1 then 'ambiguous'
        when known_names.is_canonical then 'canonical'
        when known_names.n_units = 1 then 'alias'
        else 'unknown'
    end as match_kind
from documents
left join known_names on documents.name_normalized = known_names.name_normalized
