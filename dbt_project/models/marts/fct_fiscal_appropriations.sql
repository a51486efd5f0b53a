{{ config(**incremental_document_config()) }}
-- depends_on: {{ ref('int_current_documents') }}

-- 公开04表 财政拨款收入支出决算总表: both sides, every printed row. Income rows
-- (the three appropriation sources, 本年收入合计, 年初结转和结余, 总计) carry one
-- amount, in `total`; expenditure rows (per 类, 本年支出合计, 年末结转和结余, 总计)
-- carry total / general / fund / state_capital.
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
    {{ wan('coalesce(total, amount)') }} as total,
    {{ wan('general') }} as general,
    {{ wan('fund') }} as fund,
    {{ wan('state_capital') }} as state_capital,
    page_no
from {{ ref('int_two_sided_rows') }}
where table_id = '04' and {{ pending_documents('document_id') }}
