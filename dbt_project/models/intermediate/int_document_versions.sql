{{ config(materialized='table') }}

-- Versions of a unit's disclosure for one year. The latest published is
-- current: ordered by publication date (undated first), then by when the
-- warehouse first saw the file, then by path. Older versions stay as history.
with documents as (
    select
        documents.document_id,
        units.unit_id,
        documents.fiscal_year,
        documents.publication_date,
        documents.first_seen_at,
        documents.source_path
    from {{ ref('stg_documents') }} as documents
    inner join {{ ref('int_document_units') }} as units
        on documents.document_id = units.document_id
),

ranked as (
    select
        *,
        row_number() over (
            partition by unit_id, fiscal_year
            order by publication_date asc nulls first, first_seen_at asc, source_path asc
        ) as version_no,
        count(*) over (partition by unit_id, fiscal_year) as versions_count
    from documents
)

select
    document_id,
    unit_id,
    fiscal_year,
    version_no,
    versions_count,
    version_no = versions_count as is_current,
    lead(document_id) over (
        partition by unit_id, fiscal_year order by version_no
    ) as superseded_by_document_id
from ranked
