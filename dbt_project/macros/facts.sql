{# A fact table over one 类/款/项 table: its leaf-most printed rows (see
   int_subject_rows), one decimal(18,2) 万元 column per contract column key. #}
{% macro subject_fact(table_id, columns=none) %}
    {%- set columns = columns or contract_columns(table_id) %}
select
    subject_rows.line_key,
    subject_rows.document_id,
    subject_rows.unit_id,
    subject_rows.fiscal_year,
    subject_rows.document_loaded_at,
    subject_rows.subject_key,
    subject_rows.subject_code,
    subject_rows.subject_level,
    subject_rows.class_code,
    subject_rows.section_code,
    subject_rows.item_code,
    subject_rows.row_label as subject_name_printed,
    {{ wan_columns('subject_rows.', columns) }},
    subject_rows.page_no,
    subject_rows.row_no
from {{ ref('int_subject_rows') }} as subject_rows
where
    subject_rows.table_id = '{{ table_id }}'
    and subject_rows.is_leaf
    and not subject_rows.is_total_row
    and {{ pending_documents('subject_rows.document_id') }}
{% endmacro %}

{# A fact table over one two-sided table (01, 04): every printed row of both
   sides with its kind, and one decimal(18,2) 万元 column per entry of
   `amounts` (output name: expression over int_two_sided_rows). #}
{% macro two_sided_fact(table_id, amounts) %}
select
    line_key,
    document_id,
    unit_id,
    fiscal_year,
    document_loaded_at,
    side,
    row_no,
    row_label,
    subject_code,
    {{ subject_key('fiscal_year', 'subject_code') }} as subject_key,
    case
        when subject_code is not null then 'subject'
        when row_label in ('本年收入合计', '本年支出合计', '总计') then 'total'
        when row_label like '%结转%' or row_label like '%结余%' then 'balance'
        else 'source'
    end as row_kind,
    {%- for name, expr in amounts.items() %}
    {{ wan(expr) }} as {{ name }},
    {%- endfor %}
    page_no
from {{ ref('int_two_sided_rows') }}
where table_id = '{{ table_id }}' and {{ pending_documents('document_id') }}
{% endmacro %}

{# The key of one printed row of a table for the rules (rule_rows,
   rule_row_cells): document, table, side (none: ''), row number, row label. #}
{% macro rule_row_key(prefix='') -%}
    concat_ws(
        '|', {{ prefix }}document_id, {{ prefix }}table_id, coalesce({{ prefix }}side, ''),
        cast({{ prefix }}row_no as {{ dbt.type_string() }}), {{ prefix }}row_label
    )
{%- endmacro %}
