{{ config(materialized='table') }}

-- Per unit x year: when its disclosure was first received -- the publication
-- date printed when it is a full date, else the day the warehouse first saw
-- the file (the earliest version counts: a later correction does not make a
-- disclosure late) -- and the latest quarantined file in the inbox attributed
-- to the unit by its printed name or its file name (stg_name_matches).
with versions as (
    select
        versions.unit_id,
        versions.fiscal_year,
        versions.document_id,
        case
            when documents.publication_date is not null and coalesce(documents.publication_precision, 'day') = 'day'
                then cast(documents.publication_date as date)
            else cast(documents.first_seen_at as date)
        end as received_date,
        case
            when documents.publication_date is not null and coalesce(documents.publication_precision, 'day') = 'day'
                then 'publication_date'
            else 'first_received'
        end as date_basis
    from {{ ref('int_document_versions') }} as versions
    inner join {{ ref('stg_documents') }} as documents on versions.document_id = documents.document_id
),

first_received as (
    select
        unit_id,
        fiscal_year,
        received_date,
        date_basis,
        row_number() over (partition by unit_id, fiscal_year order by received_date asc, document_id asc) as receipt_rank
    from versions
),

present as (
    select distinct document_id
    from {{ ref('stg_files') }}
    where is_present
),

quarantined as (
    select
        matches.unit_id,
        matches.fiscal_year,
        documents.document_id,
        documents.file_name,
        quarantine.reason_text,
        matches.match_status,
        row_number() over (
            partition by matches.unit_id, matches.fiscal_year
            order by documents.first_seen_at desc, documents.document_id asc
        ) as quarantine_rank
    from {{ ref('stg_documents') }} as documents
    inner join present on documents.document_id = present.document_id
    inner join {{ ref('stg_name_matches') }} as matches on documents.document_id = matches.document_id
    left join {{ ref('stg_quarantine') }} as quarantine on documents.document_id = quarantine.document_id
    where
        documents.document_status = 'quarantined'
        and matches.match_status in ('exact', 'proposed', 'file_name')
        and matches.unit_id is not null
        and matches.fiscal_year is not null
),

received as (
    select *
    from first_received
    where receipt_rank = 1
),

held as (
    select *
    from quarantined
    where quarantine_rank = 1
)

select
    coalesce(received.unit_id, held.unit_id) as unit_id,
    coalesce(received.fiscal_year, held.fiscal_year) as fiscal_year,
    received.received_date,
    received.date_basis,
    held.document_id as quarantined_document_id,
    held.file_name as quarantined_file_name,
    held.reason_text as quarantine_reason,
    held.match_status as quarantine_match
from received
full outer join held
    on
        received.unit_id = held.unit_id
        and received.fiscal_year = held.fiscal_year
