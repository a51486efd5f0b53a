{{ config(**incremental_document_config()) }}
-- depends_on: {{ ref('int_current_documents') }}

-- 公开01表 收入支出决算总表: both sides, every printed row, one amount each
-- (income: the sources, 本年收入合计, 使用非财政拨款结余, 年初结转和结余, 总计;
-- expenditure: the 类 rows, 本年支出合计, 结余分配, 年末结转和结余, 总计).
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
    {{ wan('amount') }} as amount,
    page_no
from {{ ref('int_two_sided_rows') }}
where table_id = '01' and {{ pending_documents('document_id') }}
