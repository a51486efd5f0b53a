{{ config(materialized="table") }}

-- The current documents whose rules this build computes (is_checked), and the
-- previous-year documents their prior-year checks read (not is_checked). A
-- document's residuals depend on its key: its version, unit and year, and its
-- unit's previous-year document. On an incremental build (DuckDB) a document
-- is checked only when rule_residuals holds no rows under its present key
-- (new, re-read, re-resolved, or its previous year changed); otherwise (first
-- build, --full-refresh, Spark) every current document is.
{%- set done = rules_already_checked() %}
{%- set key = ['document_id', 'unit_id', 'fiscal_year', 'document_loaded_at', 'prior_document_id', 'prior_document_loaded_at'] %}

with keyed as (
    select
        documents.document_id,
        documents.unit_id,
        documents.fiscal_year,
        documents.loaded_at as document_loaded_at,
        previous.document_id as prior_document_id,
        previous.loaded_at as prior_document_loaded_at
    from {{ ref('int_current_documents') }} as documents
    left join {{ ref('int_current_documents') }} as previous
        on
            documents.unit_id = previous.unit_id
            and documents.fiscal_year - 1 = previous.fiscal_year
),

to_check as (
    select keyed.*
    from keyed
    {%- if done is not none %}
        where not exists (
            select 1
            from {{ done }} as done
            where
                {%- for column in key %}
                    {{ 'and' if not loop.first }} done.{{ column }} is not distinct from keyed.{{ column }}
                {%- endfor %}
        )
    {%- endif %}
)

select
    {%- for column in key %}
        to_check.{{ column }},
    {%- endfor %}
    true as is_checked
from to_check
union all
select
    {%- for column in key %}
        keyed.{{ column }},
    {%- endfor %}
    false as is_checked
from keyed
where
    keyed.document_id in (select to_check.prior_document_id from to_check)
    and keyed.document_id not in (select to_check.document_id from to_check)
