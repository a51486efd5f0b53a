-- Expected vs delivered disclosures: every (unit, year) the registry expects
-- or a document covers, with its status: on time / late (first received --
-- printed publication date, else first seen -- after the roster's deadline) /
-- received without a deadline / quarantined (a file attributed to the unit
-- could not be loaded) / not yet due / missing.
with expected as (
    select
        units.unit_id,
        expected_year.fiscal_year,
        cast(null as date) as deadline
    from {{ ref('dim_units') }} as units
    {{ join_unnested('units.expected_years', 'expected_year', 'fiscal_year') }}
    where not exists (select 1 from {{ ref('stg_roster_years') }})
    union all
    select
        unit_id,
        fiscal_year,
        deadline
    from {{ ref('stg_roster_years') }}
),

delivered as (
    select
        unit_id,
        fiscal_year,
        max(document_id) filter (where is_current) as document_id,
        count(*) as versions_count
    from {{ ref('int_document_versions') }}
    group by unit_id, fiscal_year
),

coverage as (
    select
        coalesce(expected.unit_id, delivered.unit_id) as unit_id,
        coalesce(expected.fiscal_year, delivered.fiscal_year) as fiscal_year,
        expected.unit_id is not null as is_expected,
        delivered.unit_id is not null as is_disclosed,
        delivered.document_id,
        coalesce(delivered.versions_count, 0) as versions_count,
        expected.deadline
    from expected
    full outer join delivered
        on
            expected.unit_id = delivered.unit_id
            and expected.fiscal_year = delivered.fiscal_year
)

select
    coverage.unit_id || '-' || cast(coverage.fiscal_year as {{ portable_string() }}) as unit_year_key,
    coverage.unit_id,
    coverage.fiscal_year,
    coverage.is_expected,
    coverage.is_disclosed,
    coverage.document_id,
    coverage.versions_count,
    coverage.deadline,
    receipts.received_date,
    receipts.date_basis,
    receipts.quarantined_document_id,
    receipts.quarantined_file_name,
    receipts.quarantine_reason,
    case
        when coverage.is_disclosed and coverage.deadline is null then 'received'
        when coverage.is_disclosed and receipts.received_date > coverage.deadline then 'late'
        when coverage.is_disclosed then 'on_time'
        when receipts.quarantined_document_id is not null then 'quarantined'
        when coverage.deadline >= current_date then 'not_due'
        else 'missing'
    end as coverage_status,
    case
        when coverage.is_disclosed and receipts.received_date > coverage.deadline
            then cast({{ portable_days_between('coverage.deadline', 'receipts.received_date') }} as integer)
    end as days_late
from coverage
left join {{ ref('int_unit_year_receipts') }} as receipts
    on
        coverage.unit_id = receipts.unit_id
        and coverage.fiscal_year = receipts.fiscal_year
