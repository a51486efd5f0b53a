{{ config(**rule_residuals_config()) }}
-- depends_on: {{ ref('int_current_documents') }}

-- The residual of every check that dbt computes (row_sum, tree, econ_tree,
-- per_subject, and the equations over table cells), with its tolerance
-- (rules.yml `tolerance`: addends = 0.01 per non-zero addend, at least 0.01;
-- exact = 0.005) and its excess over it (> 0: the identity does not hold, or
-- for `op` le / ge the inequality is broken; Great Expectations judges it per
-- rule). Only the documents rule_scope checks in this build (incremental on
-- DuckDB, macros/incremental.sql), each row with the key it was checked under.
{%- set columns = ['rule_id', 'check_no', 'document_id', 'table_id', 'row_label', 'check_location',
                   'page_no', 'tolerance_policy', 'expected', 'actual', 'addends'] %}
{%- set models = {'rule_row_sum_residuals': none, 'rule_tree_residuals': none,
                  'rule_econ_tree_residuals': none, 'rule_equation_residuals': 'op',
                  'rule_per_subject_residuals': 'op'} %}
with residuals as (
    {%- for model, op in models.items() %}
        select
            {{ columns | join(', ') }},
            {{ op or "'eq'" }} as op
        from {{ ref(model) }}
        {% if not loop.last %}union all{% endif %}
    {%- endfor %}
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
        residuals.op,
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
    scope.unit_id,
    scope.fiscal_year,
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
    case
        when judged.op = 'le' then judged.difference
        when judged.op = 'ge' then -judged.difference
        else abs(judged.difference)
    end - judged.tolerance - 0.000001 as excess,
    scope.document_loaded_at,
    scope.prior_document_id,
    scope.prior_document_loaded_at
from judged
inner join {{ ref('rule_scope') }} as scope
    on judged.document_id = scope.document_id
where scope.is_checked
