{{ config(**incremental_document_config()) }}
-- depends_on: {{ ref('int_current_documents') }}

-- 公开07表 政府性基金预算财政拨款收入支出决算表: by subject (年初结转和结余, 本年收入, 本年支出 小计/基本/项目, 年末结转和结余).
-- Current document versions; leaf-most printed rows only, so any level's total
-- is a plain sum (group by class_code / section_code, or join dim_subjects).
{{ subject_fact('07') }}
