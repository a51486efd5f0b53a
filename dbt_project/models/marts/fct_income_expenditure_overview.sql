{{ config(**incremental_document_config()) }}
-- depends_on: {{ ref('int_current_documents') }}

-- 公开01表 收入支出决算总表: both sides, every printed row, one amount each
-- (income: the sources, 本年收入合计, 使用非财政拨款结余, 年初结转和结余, 总计;
-- expenditure: the 类 rows, 本年支出合计, 结余分配, 年末结转和结余, 总计).
{{ two_sided_fact('01', {'amount': 'amount'}) }}
