{# 功能分类: 类 = 3 digits, 款 = 5, 项 = 7; a code's parent is its prefix. #}
{% macro subject_level(code) -%}
    case length({{ code }})
        when 3 then '类'
        when 5 then '款'
        when 7 then '项'
        else '其他'
    end
{%- endmacro %}

{% macro subject_level_no(code) -%}
    case length({{ code }}) when 3 then 1 when 5 then 2 when 7 then 3 else 0 end
{%- endmacro %}

{% macro subject_parent(code) -%}
    case length({{ code }}) when 5 then left({{ code }}, 3) when 7 then left({{ code }}, 5) end
{%- endmacro %}

{# Join key to dim_subjects / dim_economic_subjects: codes are revised yearly. #}
{% macro subject_key(year, code) -%}
    case when {{ code }} is not null then cast({{ year }} as {{ dbt.type_string() }}) || '-' || {{ code }} end
{%- endmacro %}

{# A printed total row of a 类/款/项 table: no code and a 合计/总计 label. #}
{% macro is_total_label(label) -%}
    ({{ label }} like '%合计%' or {{ label }} like '%总计%')
{%- endmacro %}

{# Unit names as printed vary in spaces and full/half-width brackets only
   after this; anything else is a different name (never merged silently). #}
{% macro normalize_unit_name(name) -%}
    {{ strip_whitespace(
        "replace(replace(replace(replace(trim(" ~ name ~ "), '（', '('), '）', ')'), '　', ''), '·', '')"
    ) }}
{%- endmacro %}
