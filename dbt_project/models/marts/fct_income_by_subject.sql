{{ config(**incremental_document_config()) }}
-- depends_on: {{ ref('int_current_documents') }}

-- 公开02表 收入决算表: income by subject and source (本年收入合计, 财政拨款收入, 上级补助收入, 事业收入, 经营收入, 附属单位上缴收入, 其他收入).
-- Current document versions; leaf-most printed rows only, so any level's total
-- is a plain sum (group by class_code / section_code, or join dim_subjects).
{{ subject_fact('02') }}
