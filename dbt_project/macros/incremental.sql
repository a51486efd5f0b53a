{#
  Document-grain incremental models. Each row carries document_id, unit_id,
  fiscal_year and document_loaded_at.

  DuckDB (default__): on an incremental run
    1. pre-hook prune_stale_documents(): delete the rows of every document that
       is no longer current, or whose unit, year or load time changed;
    2. the model selects only pending_documents(): current documents with no
       rows left in the model (new, newly current, re-resolved, re-parsed).
  A document whose rows are all still valid is not touched.

  Spark (spark__): plain Parquet tables have no DELETE, so the models are
  partitioned by fiscal_year and rebuilt with insert_overwrite, one whole year
  partition at a time: pending_documents() selects every current document of
  the years that have a pending or a stale document. A year none of whose
  documents is current any more keeps its old partition (docs/scaling.md).

  The first build, and any build after the dbt project changed
  (--full-refresh), build all.
#}

{% macro incremental_document_config() %}
    {{ return(adapter.dispatch('incremental_document_config', 'juesuan')()) }}
{% endmacro %}

{% macro default__incremental_document_config() %}
    {% set settings = {
        'materialized': 'incremental',
        'incremental_strategy': 'append',
        'on_schema_change': 'fail',
        'pre_hook': "{{ prune_stale_documents() }}",
    } %}
    {{ return(settings) }}
{% endmacro %}

{% macro spark__incremental_document_config() %}
    {% set settings = {
        'materialized': 'incremental',
        'incremental_strategy': 'insert_overwrite',
        'file_format': 'parquet',
        'partition_by': ['fiscal_year'],
        'on_schema_change': 'fail',
        'pre_hook': ["{{ forget_built_documents() }}", "{{ note_built_documents() }}"],
    } %}
    {{ return(settings) }}
{% endmacro %}

{% macro prune_stale_documents() %}
    {{ return(adapter.dispatch('prune_stale_documents', 'juesuan')()) }}
{% endmacro %}

{% macro default__prune_stale_documents() %}
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

{# Spark: nothing is deleted; the rows a rebuilt partition will hold are its
   year's current documents. The documents already built are noted first in a
   side table (two hooks: one statement each), so that the model does not read
   the table it overwrites. #}
{% macro forget_built_documents() %}
    drop table if exists {{ built_documents_relation() }}
{% endmacro %}

{% macro note_built_documents() %}
    {%- if is_incremental() %}
        create table {{ built_documents_relation() }} using parquet as
        select distinct document_id, unit_id, fiscal_year, document_loaded_at
        from {{ this }}
    {%- else %}
        select 1
    {%- endif %}
{% endmacro %}

{% macro built_documents_relation() %}
    {{ return(this.incorporate(path={'identifier': this.identifier ~ '__built'})) }}
{% endmacro %}

{# A where-clause fragment (prefix with `and`/`where`): the documents to (re)build. #}
{% macro pending_documents(document_column) %}
    {{ return(adapter.dispatch('pending_documents', 'juesuan')(document_column)) }}
{% endmacro %}

{% macro default__pending_documents(document_column) %}
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

{% macro spark__pending_documents(document_column) %}
    {%- if is_incremental() %}
        {{ document_column }} in (
            select rebuilt.document_id
            from {{ ref('int_current_documents') }} as rebuilt
            where rebuilt.fiscal_year in (
                select pending.fiscal_year
                from {{ ref('int_current_documents') }} as pending
                left anti join {{ built_documents_relation() }} as built
                    on pending.document_id = built.document_id
                union
                select stale.fiscal_year
                from {{ built_documents_relation() }} as stale
                left anti join {{ ref('int_current_documents') }} as current_documents
                    on
                        current_documents.document_id = stale.document_id
                        and current_documents.unit_id = stale.unit_id
                        and current_documents.fiscal_year = stale.fiscal_year
                        and current_documents.loaded_at = stale.document_loaded_at
            )
        )
    {%- else %}
        true
    {%- endif %}
{% endmacro %}

{#
  The landed raw records (models/staging/landed/raw_lines.sql, raw_facts,
  raw_problems: one table per kind of record, as the readers of the warehouse
  and the staging models always had them).

  DuckDB (default__): incremental tables. Reading 10,000 small record files
  costs seconds per scan, so each document version's file is read once per
  kind: the pre-hook deletes the rows of versions the registry no longer names
  (re-read by a newer reader, or now quarantined without records), and
  raw_record_rows() reads only the files of versions with no rows yet.
  Spark (spark__): views over the table that spans the record files.
#}
{% macro landed_records_config() %}
    {{ return(adapter.dispatch('landed_records_config', 'juesuan')()) }}
{% endmacro %}

{% macro default__landed_records_config() %}
    {% set settings = {
        'materialized': 'incremental',
        'incremental_strategy': 'append',
        'on_schema_change': 'fail',
        'pre_hook': "{{ prune_landed_records() }}",
    } %}
    {{ return(settings) }}
{% endmacro %}

{% macro spark__landed_records_config() %}
    {{ return({'materialized': 'view'}) }}
{% endmacro %}

{% macro prune_landed_records() %}
    {%- if is_incremental() %}
        delete from {{ this }} as landed
        where not exists (
            select 1
            from {{ source('raw', 'raw_documents') }} as registered
            where
                registered.document_id = landed.document_id
                and registered.loaded_run_id = landed.loaded_run_id
                and registered.records_file is not null
        )
    {%- else %}
        select 1
    {%- endif %}
{% endmacro %}

{# A record file holds a whole run's document versions, so an incremental
   build reads only the versions that this table does not hold yet. #}
{% macro not_yet_landed(records) %}
    {%- if is_incremental() %}
        and not exists (
            select 1 from {{ this }} as landed
            where
                landed.document_id = {{ records }}.document_id
                and landed.loaded_run_id = {{ records }}.loaded_run_id
        )
    {%- endif %}
{% endmacro %}

{#
  The data-quality residuals (models/rules/): rule_residuals is incremental on
  DuckDB, keyed per document by rule_scope (the document's version, unit, year
  and previous-year document); the rule views read only rule_scope's documents,
  so an add-one build computes the new document's checks, not the district's.
  Spark: a table rebuilt whole (rule_scope holds every document).
#}
{% macro rule_residuals_config() %}
    {{ return(adapter.dispatch('rule_residuals_config', 'juesuan')()) }}
{% endmacro %}

{% macro default__rule_residuals_config() %}
    {% set settings = {
        'materialized': 'incremental',
        'incremental_strategy': 'append',
        'on_schema_change': 'fail',
        'pre_hook': "{{ prune_rechecked_residuals() }}",
    } %}
    {{ return(settings) }}
{% endmacro %}

{% macro spark__rule_residuals_config() %}
    {{ return({'materialized': 'table'}) }}
{% endmacro %}

{# The built rule_residuals whose rows say which documents are checked
   already (rule_scope), or none: build every document. #}
{% macro rules_already_checked() %}
    {{ return(adapter.dispatch('rules_already_checked', 'juesuan')()) }}
{% endmacro %}

{% macro default__rules_already_checked() %}
    {%- if not execute or flags.FULL_REFRESH %}
        {{ return(none) }}
    {%- endif %}
    {{ return(adapter.get_relation(database=this.database, schema=this.schema, identifier='rule_residuals')) }}
{% endmacro %}

{% macro spark__rules_already_checked() %}
    {{ return(none) }}
{% endmacro %}

{% macro prune_rechecked_residuals() %}
    {%- if is_incremental() %}
        delete from {{ this }} as done
        where
            done.document_id in (
                select scope.document_id from {{ ref('rule_scope') }} as scope where scope.is_checked
            )
            or done.document_id not in (select current_documents.document_id from {{ ref('int_current_documents') }} as current_documents)
    {%- else %}
        select 1
    {%- endif %}
{% endmacro %}
