{{ config(**incremental_document_config()) }}
-- depends_on: {{ ref('int_current_documents') }}

-- Every fact the reader takes from the narrative of a current document, with the
-- sentence (or line) it was read from and its page: the numbers (totals, 三公,
-- 采购, 资产, 绩效, per-项), the claims (comparison words, 完成率, 增减, the year compared
-- with) and the layout (headings and their numbers, years and dates, unit names,
-- placeholders, typography, empty-table notes). docs/facts.md lists the kinds.
with facts as (
    select *
    from {{ ref('int_current_facts') }}
    where {{ pending_documents('document_id') }}
)

select
    document_id,
    fact_no,
    unit_id,
    fiscal_year,
    document_loaded_at,
    fact_kind,
    case
        when {{ starts_with_text('fact_kind', 'cmp_') }} then '比较与增减'
        when {{ starts_with_text('fact_kind', 'sangong_') }} then '三公经费'
        when {{ starts_with_text('fact_kind', 'procurement_') }} then '政府采购'
        when {{ starts_with_text('fact_kind', 'item_') }} or {{ starts_with_text('fact_kind', 'class_') }} then '科目支出'
        when {{ starts_with_text('fact_kind', 'project_') }} or {{ starts_with_text('fact_kind', 'performance_') }} then '预算绩效'
        when {{ starts_with_text('fact_kind', 'total') }} then '收支总计'
        when fact_kind in ('vehicles_total', 'equipment_large') then '国有资产'
        when fact_kind in (
            'section_no', 'section_rank', 'heading_no', 'heading_year', 'heading_unit',
            'period_end', 'publication_date'
        ) then '结构与日期'
        when fact_kind in ('placeholder', 'template_text', 'punct_double', 'punct_line', 'punct_end')
            then '文字规范'
        when fact_kind in ('empty_note', 'none_stated') then '空表说明'
        else '收支结构'
    end as fact_topic,
    subject_code,
    fact_label,
    fact_value,
    value_unit,
    page_no,
    source_text
from facts
