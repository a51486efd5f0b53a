{# Types and date arithmetic for the roster models: dbt's cross-database macros
   (sqlfluff's jinja templater gets stand-ins from lint/sqlfluff_jinja). #}
{% macro portable_string() -%}
    {{ dbt.type_string() }}
{%- endmacro %}

{% macro portable_float() -%}
    {{ dbt.type_float() }}
{%- endmacro %}

{% macro portable_days_between(first_date, second_date) -%}
    {{ dbt.datediff(first_date, second_date, 'day') }}
{%- endmacro %}
