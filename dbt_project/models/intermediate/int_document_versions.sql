{{ config(materialized='table') }}

-- Versions of a unit's disclosure for one year. The latest published is
-- current: ordered by publication date, then by when the warehouse first saw
-- the file, then by path. Older versions stay as history. A document without
-- a full date (none printed, or only the month or year) is placed by arrival:
-- after the dated versions that arrived before it (within its month or year
-- when one is printed), so an undated correction becomes current. Withdrawn
-- documents (no file left in the inbox) are not versions.
with present as (
    select distinct document_id
    from {{ ref('stg_files') }}
    where is_present
),

documents as (
    select
        documents.document_id,
        units.unit_id,
        documents.fiscal_year,
        documents.publication_date,
        documents.publication_precision,
        documents.first_seen_at,
        documents.source_path
    from {{ ref('stg_documents') }} as documents
    inner join {{ ref('int_document_units') }} as units
        on documents.document_id = units.document_id
    inner join present on documents.document_id = present.document_id
),

dated as (
    select *
    from documents
    where publication_date is not null and coalesce(publication_precision, 'day') = 'day'
),

earlier as (
    -- for each document without a full date: the latest date of the dated
    -- versions that arrived strictly before it
    select
        undated.document_id,
        max(dated.publication_date) as prior_date
    from documents as undated
    inner join dated
        on
            undated.unit_id = dated.unit_id
            and undated.fiscal_year = dated.fiscal_year
            and undated.first_seen_at > dated.first_seen_at
    where undated.publication_date is null or undated.publication_precision in ('month', 'year')
    group by undated.document_id
),

keyed as (
    select
        documents.*,
        case
            when documents.publication_date is null then earlier.prior_date
            when documents.publication_precision = 'month'
                then least(
                    last_day(documents.publication_date),
                    greatest(documents.publication_date, coalesce(earlier.prior_date, documents.publication_date))
                )
            when documents.publication_precision = 'year'
                then least(
                    make_date(year(documents.publication_date), 12, 31),
                    greatest(documents.publication_date, coalesce(earlier.prior_date, documents.publication_date))
                )
            else documents.publication_date
        end as order_date
    from documents
    left join earlier on documents.document_id = earlier.document_id
),

ranked as (
    select
        *,
        cast(row_number() over (
            partition by unit_id, fiscal_year
            order by order_date asc nulls first, first_seen_at asc, source_path asc
        ) as bigint) as version_no,
        count(*) over (partition by unit_id, fiscal_year) as versions_count
    from keyed
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
