{{ config(**incremental_document_config()) }}
-- depends_on: {{ ref('int_current_documents') }}

-- 公开04表 财政拨款收入支出决算总表: both sides, every printed row. Income rows
-- (the three appropriation sources, 本年收入合计, 年初结转和结余, 总计) carry one
-- amount, in `total`; expenditure rows (per 类, 本年支出合计, 年末结转和结余, 总计)
-- carry total / general / fund / state_capital.
{{ two_sided_fact('04', {
    'total': 'coalesce(total, amount)',
    'general': 'general',
    'fund': 'fund',
    'state_capital': 'state_capital',
}) }}
