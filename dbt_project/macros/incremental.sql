{#
  Document-grain incremental models. Each row carries document_id, unit_id,
  fiscal_year and document_loaded_at. On an incremental run:
    1. pre-hook prune_stale_documents(): delete the rows of every document that
       is no longer current, or whose unit, year or load time changed;
    2. the model selects only pending_documents(): current documents with no
       rows left in the model (new, newly current, re-resolved, re-parsed).
  A document whose rows are all still valid is not touched. The first build,
  and any build after the dbt project changed (--full-refresh), build all.
#}

{% macro incremental_document_config() %}
    {{ return({
        'materialized': 'incremental',
        'incremental_strategy': 'append',
        'on_schema_change': 'fail',
        'pre_hook': "{{ prune_stale_documents() }}",
    }) }}
{% endmacro %}

{% macro prune_stale_documents() %}
    {%- if is_incremental() %}
        delete from {{ this }} as stale
        where not exists (
            select 1
            from {{ ref('int_current_documents') }} as current_documents
            where
                current_documents.document_id = stale.document_id
                and current_documents.unit_id = stale.unit_id
                and current_documents.fiscal_year = stale.fiscal_year
                and current_documents.loaded_at = stale.document_loaded_at
        )
    {%- else %}
        select 1
    {%- endif %}
{% endmacro %}

{# A where-clause fragment (prefix with `and`/`where`): the documents to (re)build. #}
{% macro pending_documents(document_column) %}
    {%- if is_incremental() %}
        {{ document_column }} in (
            select pending.document_id
            from {{ ref('int_current_documents') }} as pending
            where pending.document_id not in (select built.document_id from {{ this }} as built)
        )
    {%- else %}
        true
    {%- endif %}
{% endmacro %}
