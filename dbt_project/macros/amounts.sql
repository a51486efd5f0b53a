{# Amounts in the marts: decimal(18,2) 万元; a missing cell means zero. #}
{% macro wan(expr) -%}
    cast(round(coalesce({{ expr }}, 0), 2) as decimal(18, 2))
{%- endmacro %}

{# Same, but keeps null (a column the document did not print at all). #}
{% macro wan_or_null(expr) -%}
    cast(round({{ expr }}, 2) as decimal(18, 2))
{%- endmacro %}

{# One output column per contract column key: sum of the cells with that key.
   `indent`: the call site's indentation (the columns are joined one per line). #}
{% macro pivot_cells(column_keys, indent=4, key_column='column_key', amount_column='amount') -%}
    {%- set sep = ',\n' ~ (' ' * indent) -%}
    {%- set out = [] -%}
    {%- for key in column_keys -%}
        {%- do out.append("sum(" ~ amount_column ~ ") filter (where " ~ key_column ~ " = '" ~ key ~ "') as " ~ key) -%}
    {%- endfor -%}
    {{ out | join(sep) }}
{%- endmacro %}

{# wan() of each `prefix ~ column`, named after the column, one per line. #}
{% macro wan_columns(prefix, columns, indent=4) -%}
    {%- set sep = ',\n' ~ (' ' * indent) -%}
    {%- set out = [] -%}
    {%- for c in columns -%}
        {%- do out.append(wan(prefix ~ c) ~ " as " ~ c) -%}
    {%- endfor -%}
    {{ out | join(sep) }}
{%- endmacro %}

{# 100 * numerator / denominator, rounded to 2 places; null when the denominator
   is zero. In double on every engine (a decimal quotient's type differs). #}
{% macro percent(numerator, denominator, factor=100) -%}
    round(cast({{ factor }} * ({{ numerator }}) as double) / nullif(cast({{ denominator }} as double), 0), 2)
{%- endmacro %}
