-- Expected vs delivered disclosures: every (unit, year) the seed expects or a
-- document covers, with whether it was disclosed.
with expected as (
    select
        units.unit_id,
        expected_year.fiscal_year
    from {{ ref('dim_units') }} as units
    {{ join_unnested('units.expected_years', 'expected_year', 'fiscal_year') }}
),

delivered as (
    select
        unit_id,
        fiscal_year,
        max(document_id) filter (where is_current) as document_id,
        count(*) as versions_count
    from {{ ref('int_document_versions') }}
    group by unit_id, fiscal_year
)

select
    coalesce(expected.unit_id, delivered.unit_id) || '-'
    || cast(coalesce(expected.fiscal_year, delivered.fiscal_year) as {{ dbt.type_string() }}) as unit_year_key,
    coalesce(expected.unit_id, delivered.unit_id) as unit_id,
    coalesce(expected.fiscal_year, delivered.fiscal_year) as fiscal_year,
    expected.unit_id is not null as is_expected,
    delivered.unit_id is not null as is_disclosed,
    delivered.document_id,
    coalesce(delivered.versions_count, 0) as versions_count
from expected
full outer join delivered
    on
        expected.unit_id = delivered.unit_id
        and expected.fiscal_year = delivered.fiscal_year
