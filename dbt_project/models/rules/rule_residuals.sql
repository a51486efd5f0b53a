{{ config(materialized="table") }}

-- The residual of every table-arithmetic check that dbt computes (row_sum,
-- tree, econ_tree), with its tolerance (rules.yml `tolerance`: addends = 0.01
-- per non-zero addend, at least 0.01; exact = 0.005) and its excess over it
-- (> 0: the identity does not hold; Great Expectations judges it per rule).
with residuals as (
    select * from {{ ref('rule_row_sum_residuals') }}
    union all
    select * from {{ ref('rule_tree_residuals') }}
    union all
    select * from {{ ref('rule_econ_tree_residuals') }}
),

judged as (
    -- rounded to 1e-6 万元: a parallel sum adds in any order, and the float noise
    -- must not make two runs disagree (amounts are printed to 0.01)
    select
        residuals.rule_id,
        residuals.check_no,
        residuals.document_id,
        residuals.table_id,
        residuals.row_label,
        residuals.check_location,
        residuals.page_no,
        residuals.tolerance_policy,
        residuals.addends,
        round(residuals.expected, 6) as expected,
        round(residuals.actual, 6) as actual,
        round(residuals.actual - residuals.expected, 6) as difference,
        cast(
            case
                when residuals.tolerance_policy = 'exact' then 0.005
                else 0.01 * (case when residuals.addends > 1 then residuals.addends else 1 end)
            end as double
        ) as tolerance
    from residuals
)

select
    judged.rule_id,
    judged.check_no,
    judged.document_id,
    documents.unit_id,
    documents.fiscal_year,
    judged.table_id,
    judged.row_label,
    judged.check_location,
    judged.page_no,
    judged.tolerance_policy,
    judged.expected,
    judged.actual,
    judged.difference,
    judged.addends,
    judged.tolerance,
    abs(judged.difference) - judged.tolerance - 0.000001 as excess
from judged
inner join {{ ref('int_current_documents') }} as documents
    on judged.document_id = documents.document_id
