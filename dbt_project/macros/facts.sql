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
