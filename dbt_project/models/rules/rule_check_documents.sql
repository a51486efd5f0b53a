-- The (check, document) pairs on which an equation or per_subject check of
-- rule_sql_terms can run: every current-year table it reads is printed (listed
-- in the document or holding lines) and readable. A check reading last year's
-- document runs only when the unit's document of the previous year is current.
-- has_lines: some current-year table it reads holds lines (an equation over
-- empty tables only is "reported as zero": nothing to check).
with check_tables as (
    select distinct
        rule_id,
        check_no,
        table_id
    from {{ ref('rule_sql_terms') }}
    where prior_year = 0
),

prior_checks as (
    select distinct
        rule_id,
        check_no
    from {{ ref('rule_sql_terms') }}
    where prior_year = 1
),

lined_tables as (
    select distinct
        document_id,
        table_id
    from {{ ref('rule_rows') }}
),

document_tables as (
    select
        documents.document_id,
        check_tables.rule_id,
        check_tables.check_no,
        case
            when lined.document_id is not null then 1
            when {{ list_has('documents.tables_present', 'check_tables.table_id') }} then 1
            else 0
        end as printed,
        case when unreadable.document_id is not null then 1 else 0 end as unreadable,
        case when lined.document_id is not null then 1 else 0 end as has_lines
    from {{ ref('int_dq_documents') }} as documents
    cross join check_tables
    left join lined_tables as lined
        on
            documents.document_id = lined.document_id
            and check_tables.table_id = lined.table_id
    left join {{ ref('rule_unreadable_tables') }} as unreadable
        on
            documents.document_id = unreadable.document_id
            and check_tables.table_id = unreadable.table_id
    where documents.document_id in (
        select scope.document_id
        from {{ ref('rule_scope') }} as scope
        where scope.is_checked
    )
),

runnable as (
    select
        document_id,
        rule_id,
        check_no,
        max(has_lines) as has_lines
    from document_tables
    group by document_id, rule_id, check_no
    having min(printed) = 1 and max(unreadable) = 0
)

select
    runnable.rule_id,
    runnable.check_no,
    runnable.document_id,
    previous.document_id as prior_document_id,
    runnable.has_lines
from runnable
inner join {{ ref('int_dq_documents') }} as documents
    on runnable.document_id = documents.document_id
left join prior_checks
    on
        runnable.rule_id = prior_checks.rule_id
        and runnable.check_no = prior_checks.check_no
left join {{ ref('int_dq_documents') }} as previous
    on
        prior_checks.rule_id is not null
        and documents.unit_id = previous.unit_id
        and documents.fiscal_year - 1 = previous.fiscal_year
where prior_checks.rule_id is null or previous.document_id is not null
