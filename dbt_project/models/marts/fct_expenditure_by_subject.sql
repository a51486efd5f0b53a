{{ config(**incremental_document_config()) }}
-- depends_on: {{ ref('int_current_documents') }}

-- 公开03表 支出决算表: expenditure by subject (本年支出合计, 基本支出, 项目支出, 上缴上级支出, 经营支出, 对附属单位补助支出).
-- Current document versions; leaf-most printed rows only, so any level's total
-- is a plain sum (group by class_code / section_code, or join dim_subjects).
{{ subject_fact('03') }}
