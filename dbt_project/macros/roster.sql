{# Portable types and date arithmetic for the roster models: dbt's cross-database
   macros at run time; plain DuckDB spellings when sqlfluff's jinja templater
   (which has no `dbt` namespace) renders the models for linting. #}
{% macro portable_string() -%}
    {%- if dbt is defined and dbt.type_string is defined -%}{{ dbt.type_string() }}{%- else -%}varchar{%- endif -%}
{%- endmacro %}

{% macro portable_float() -%}
    {%- if dbt is defined and dbt.type_float is defined -%}{{ dbt.type_float() }}{%- else -%}double{%- endif -%}
{%- endmacro %}

{% macro portable_days_between(first_date, second_date) -%}
    {%- if dbt is defined and dbt.datediff is defined -%}
        {{ dbt.datediff(first_date, second_date, 'day') }}
    {%- else -%}
        datediff('day', {{ first_date }}, {{ second_date }})
    {%- endif -%}
{%- endmacro %}
