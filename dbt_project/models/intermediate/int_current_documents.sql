{{ config(materialized='table') }}

-- The current version of every unit-year's disclosure, with when its records
-- were loaded: the incremental facts are keyed on (document_id, unit_id,
-- fiscal_year, loaded_at) and rebuild a document's rows when any of these moves
-- (superseded by a correction, unit re-resolved after a seed change, re-parsed).
select
    versions.document_id,
    versions.unit_id,
    versions.fiscal_year,
    versions.version_no,
    versions.versions_count,
    documents.loaded_at,
    documents.tables_present
from {{ ref('int_document_versions') }} as versions
inner join {{ ref('stg_documents') }} as documents
    on versions.document_id = documents.document_id
where versions.is_current
