-- The document registry: every distinct file content ever seen, its unit and
-- year, its place in the version chain (a republished document supersedes the
-- previous one; both stay queryable), or why it is in quarantine.
-- A document none of whose files is in the inbox any more is withdrawn: kept
-- here and in the raw tables, but no longer a version (nor current).
with files as (
    select
        document_id,
        {{ sorted_list('file_path', where='is_present') }} as file_paths,
        count(*) filter (where is_present) as n_files,
        {{ sorted_list('file_path', where='not is_present') }} as removed_paths,
        max(removed_at) as last_removed_at
    from {{ ref('stg_files') }}
    group by document_id
)

select
    documents.document_id,
    units.unit_id,
    documents.unit_name_printed,
    units.match_kind as unit_match_kind,
    documents.fiscal_year,
    versions.version_no,
    versions.versions_count,
    coalesce(versions.is_current, false) as is_current,
    versions.superseded_by_document_id,
    documents.document_status,
    quarantine.reason_code as quarantine_code,
    quarantine.reason_text as quarantine_reason,
    documents.source_path,
    documents.file_name,
    coalesce(files.file_paths, {{ list_of(['documents.source_path']) }}) as file_paths,
    coalesce(files.n_files, 0) as n_files,
    coalesce(files.n_files, 0) = 0 as is_withdrawn,
    case when coalesce(files.n_files, 0) = 0 then files.last_removed_at end as withdrawn_at,
    coalesce(files.removed_paths, {{ list_of([], dbt.type_string()) }}) as removed_paths,
    documents.document_format,
    documents.amount_unit,
    documents.publication_date,
    documents.publication_precision,
    documents.tables_present,
    documents.content_hash,
    documents.n_lines,
    documents.n_facts,
    documents.n_problems,
    documents.cells_unchecked,
    documents.first_seen_run_id,
    documents.first_seen_at,
    documents.loaded_run_id,
    documents.loaded_at
from {{ ref('stg_documents') }} as documents
left join {{ ref('int_document_units') }} as units on documents.document_id = units.document_id
left join {{ ref('int_document_versions') }} as versions on documents.document_id = versions.document_id
left join {{ ref('stg_quarantine') }} as quarantine on documents.document_id = quarantine.document_id
left join files on documents.document_id = files.document_id
