{{ config(**incremental_document_config()) }}
-- depends_on: {{ ref('int_current_documents') }}

-- 公开08表 国有资本经营预算财政拨款支出决算表: by subject (合计, 基本支出, 项目支出).
-- Current document versions; leaf-most printed rows only, so any level's total
-- is a plain sum (group by class_code / section_code, or join dim_subjects).
{{ subject_fact('08') }}
