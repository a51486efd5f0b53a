{#
  Portability: every engine-specific construct of the project, one dispatch
  macro each. default__ is the DuckDB SQL (what the refresh runs), spark__ the
  Spark SQL equivalent (same result, same types). A model uses only these and
  portable SQL; `spark/check_portability.py` (run by `make lint`) fails on
  DuckDB-only syntax anywhere else. A new engine (trino__...) adds one variant
  per macro here: docs/scaling.md.
#}

{# The value of `value` on the first row by `order_by` (a list of "expr [asc|desc]";
   numeric keys only may be desc on Spark), optionally among the rows `where` holds. #}
{% macro first_by(value, order_by, where=none) -%}
    {{ return(adapter.dispatch('first_by', 'juesuan')(value, order_by, where)) }}
{%- endmacro %}

{% macro default__first_by(value, order_by, where=none) -%}
    first({{ value }} order by {{ order_by | join(', ') }}){% if where %} filter (where {{ where }}){% endif %}
{%- endmacro %}

{% macro spark__first_by(value, order_by, where=none) -%}
    {%- set keys = [] -%}
    {%- for key in order_by -%}
        {%- set parts = key.strip().rsplit(' ', 1) -%}
        {%- if parts | length == 2 and parts[1] | lower == 'desc' -%}
            {%- do keys.append('-(' ~ parts[0] ~ ')') -%}
        {%- elif parts | length == 2 and parts[1] | lower == 'asc' -%}
            {%- do keys.append(parts[0]) -%}
        {%- else -%}
            {%- do keys.append(key) -%}
        {%- endif -%}
    {%- endfor -%}
    min_by({{ value }}, {% if keys | length == 1 %}{{ keys[0] }}{% else %}struct({{ keys | join(', ') }}){% endif %})
    {%- if where %} filter (where {{ where }}){% endif %}
{%- endmacro %}

{# The values of `expr` as a sorted list (null when no row qualifies, as an aggregate). #}
{% macro sorted_list(expr, where=none, distinct=false) -%}
    {{ return(adapter.dispatch('sorted_list', 'juesuan')(expr, where, distinct)) }}
{%- endmacro %}

{% macro default__sorted_list(expr, where=none, distinct=false) -%}
    list({% if distinct %}distinct {% endif %}{{ expr }} order by {{ expr }})
    {%- if where %} filter (where {{ where }}){% endif %}
{%- endmacro %}

{% macro spark__sorted_list(expr, where=none, distinct=false) -%}
    {%- set filter = ' filter (where ' ~ where ~ ')' if where else '' -%}
    case
        when count({{ expr }}){{ filter }} > 0
            then array_sort({{ 'collect_set' if distinct else 'collect_list' }}({{ expr }}){{ filter }})
    end
{%- endmacro %}

{# A list literal of the given expressions (empty: `element_type` names its type). #}
{% macro list_of(items, element_type=none) -%}
    {{ return(adapter.dispatch('list_of', 'juesuan')(items, element_type)) }}
{%- endmacro %}

{% macro default__list_of(items, element_type=none) -%}
    [{{ items | join(', ') }}]
{%- endmacro %}

{% macro spark__list_of(items, element_type=none) -%}
    {%- if items | length == 0 and element_type -%}
        cast(array() as array<{{ element_type }}>)
    {%- else -%}
        array({{ items | join(', ') }})
    {%- endif -%}
{%- endmacro %}

{% macro list_has(list_expr, value) -%}
    {{ return(adapter.dispatch('list_has', 'juesuan')(list_expr, value)) }}
{%- endmacro %}

{% macro default__list_has(list_expr, value) -%}
    list_contains({{ list_expr }}, {{ value }})
{%- endmacro %}

{% macro spark__list_has(list_expr, value) -%}
    array_contains({{ list_expr }}, {{ value }})
{%- endmacro %}

{# `text` split on a literal one-character delimiter. #}
{% macro split_text(text, delimiter) -%}
    {{ return(adapter.dispatch('split_text', 'juesuan')(text, delimiter)) }}
{%- endmacro %}

{% macro default__split_text(text, delimiter) -%}
    string_split({{ text }}, '{{ delimiter }}')
{%- endmacro %}

{% macro spark__split_text(text, delimiter) -%}
    split({{ text }}, '[{{ delimiter }}]')
{%- endmacro %}

{# A join clause: one row per element of `list_expr`, as `alias.column`. Must
   follow the from-clause (Spark: a lateral view comes after the joins). #}
{% macro join_unnested(list_expr, alias, column) -%}
    {{ return(adapter.dispatch('join_unnested', 'juesuan')(list_expr, alias, column)) }}
{%- endmacro %}

{% macro default__join_unnested(list_expr, alias, column) -%}
    cross join unnest({{ list_expr }}) as {{ alias }} ({{ column }})
{%- endmacro %}

{% macro spark__join_unnested(list_expr, alias, column) -%}
    lateral view explode({{ list_expr }}) {{ alias }} as {{ column }}
{%- endmacro %}

{# The whole of `text` matches the regular expression `pattern` (no anchors). #}
{% macro matches_fully(text, pattern) -%}
    {{ return(adapter.dispatch('matches_fully', 'juesuan')(text, pattern)) }}
{%- endmacro %}

{% macro default__matches_fully(text, pattern) -%}
    regexp_full_match({{ text }}, '{{ pattern }}')
{%- endmacro %}

{% macro spark__matches_fully(text, pattern) -%}
    ({{ text }} rlike '^({{ pattern }})$')
{%- endmacro %}

{# Every run of whitespace removed. #}
{% macro strip_whitespace(text) -%}
    {{ return(adapter.dispatch('strip_whitespace', 'juesuan')(text)) }}
{%- endmacro %}

{% macro default__strip_whitespace(text) -%}
    regexp_replace({{ text }}, '\s+', '', 'g')
{%- endmacro %}

{% macro spark__strip_whitespace(text) -%}
    regexp_replace({{ text }}, '\\s+', '')
{%- endmacro %}

{# `text` starts with the literal `prefix` (which may hold `_`/`%`). #}
{% macro starts_with_text(text, prefix) -%}
    {{ return(adapter.dispatch('starts_with_text', 'juesuan')(text, prefix)) }}
{%- endmacro %}

{% macro default__starts_with_text(text, prefix) -%}
    {{ text }} like '{{ prefix | replace('_', '\\_') | replace('%', '\\%') }}%' escape '\'
{%- endmacro %}

{% macro spark__starts_with_text(text, prefix) -%}
    startswith({{ text }}, '{{ prefix }}')
{%- endmacro %}

{# Any non-null value of `expr` in the group. #}
{% macro any_non_null(expr) -%}
    {{ return(adapter.dispatch('any_non_null', 'juesuan')(expr)) }}
{%- endmacro %}

{% macro default__any_non_null(expr) -%}
    any_value({{ expr }})
{%- endmacro %}

{% macro spark__any_non_null(expr) -%}
    any_value({{ expr }}, true)
{%- endmacro %}

{# A column name that is a keyword on some engine (the contract's "table", "row"...). #}
{% macro col(name) -%}
    {{ adapter.quote(name) }}
{%- endmacro %}

{# The record files to land, one kind of record at a time
   (models/staging/landed/raw_lines.sql, raw_facts, raw_problems; kind = line,
   fact, problem; count = the registry's column counting that kind).
   DuckDB: read_parquet over exactly the files holding document versions that
   have records of this kind and that the landing table does not hold yet
   (their names are in the registry; a file holds one run's versions), so an
   incremental build opens only the new files; an empty typed relation when
   there are none. Spark: the table
   over all record files (the model's join with the registry keeps each
   document's registered version). #}
{% macro raw_record_rows(count) -%}
    {{ return(adapter.dispatch('raw_record_rows', 'juesuan')(count)) }}
{%- endmacro %}

{% macro default__raw_record_rows(count) -%}
    {%- set pending -%}
        select distinct registered.records_file
        from {{ source('raw', 'raw_documents') }} as registered
        where registered.records_file is not null and registered.{{ count }} > 0
        {%- if is_incremental() %}
            and not exists (
                select 1 from {{ this }} as landed
                where landed.document_id = registered.document_id
                    and landed.loaded_run_id = registered.loaded_run_id
            )
        {%- endif %}
        order by 1
    {%- endset -%}
    {%- set files = run_query(pending).columns[0].values() if execute else [] -%}
    {%- set root = env_var('JUESUAN_RAW_DIR', 'raw/warehouse') if env_var is defined else 'raw/warehouse' -%}
    {%- if files | length > 0 -%}
        read_parquet([{%- for f in files %}'{{ root }}/{{ f }}'{{ ', ' if not loop.last }}{% endfor -%}])
    {%- else -%}
        (select
            null::varchar as document_id, null::varchar as loaded_run_id, null::varchar as record,
            null::integer as record_no, null::varchar as "table", null::varchar as side,
            null::varchar as row_label, null::varchar as subject_code, null::varchar as "column",
            null::double as amount, null::integer as page, null::integer as "row",
            null::varchar as placement, null::varchar as kind, null::varchar as label,
            null::double as "value", null::varchar as unit, null::varchar as "text",
            null::varchar as severity, null::varchar as code, null::varchar as message
        where false)
    {%- endif -%}
{%- endmacro %}

{% macro spark__raw_record_rows(count) -%}
    {{ source('raw', 'raw_records') }}
{%- endmacro %}
