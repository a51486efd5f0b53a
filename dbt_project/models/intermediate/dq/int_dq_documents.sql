-- Current documents as the data-quality rules see them: which tables were
-- printed, and which the reader found but could not read (table_empty, or
-- table_zero: an 01–04 read as all zeros), so a
-- rule touching them is insufficient_data rather than passed. An empty 07/08/09
-- without its note is what E-01 checks (a unit may have no such funds), not an
-- unread table.
with unreadable as (
    select
        document_id,
        {{ sorted_list('table_id', distinct=true) }} as unreadable_tables
    from {{ ref('stg_problems') }}
    where
        problem_code in ('table_empty', 'table_zero')
        and table_id is not null
        and table_id not in ('07', '08', '09')
    group by document_id
)

select
    versions.document_id,
    versions.unit_id,
    versions.fiscal_year,
    documents.tables_present,
    coalesce(unreadable.unreadable_tables, {{ list_of([], dbt.type_string()) }}) as unreadable_tables
from {{ ref('int_document_versions') }} as versions
inner join {{ ref('stg_documents') }} as documents
    on versions.document_id = documents.document_id
left join unreadable
    on versions.document_id = unreadable.document_id
where versions.is_current
