{{ config(**incremental_document_config()) }}
-- depends_on: {{ ref('int_current_documents') }}

-- 公开06表 一般公共预算财政拨款基本支出决算明细表 by 经济分类: leaf-most printed
-- lines (a 5-digit item, or a 3-digit group printed without items), with
-- 人员经费 / 公用经费. The printed 人员经费合计 / 公用经费合计 rows are in
-- fct_unit_year_summary.
select
    economic_lines.line_key,
    economic_lines.document_id,
    economic_lines.unit_id,
    economic_lines.fiscal_year,
    economic_lines.document_loaded_at,
    economic_lines.economic_code,
    {{ subject_key('economic_lines.fiscal_year', 'economic_lines.economic_code') }} as economic_key,
    economic_lines.economic_group,
    case when length(economic_lines.economic_code) = 3 then '类' else '款' end as economic_level,
    coalesce(classes.cost_category, '公用经费') as cost_category,
    economic_lines.row_label as economic_name_printed,
    {{ wan('economic_lines.amount') }} as amount,
    economic_lines.page_no,
    economic_lines.row_no
from {{ ref('int_economic_lines') }} as economic_lines
left join {{ ref('economic_classes') }} as classes
    on economic_lines.economic_group = classes.economic_code
where
    economic_lines.is_leaf
    and length(economic_lines.economic_code) in (3, 5)
    and {{ pending_documents('economic_lines.document_id') }}
