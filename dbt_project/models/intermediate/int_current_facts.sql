-- Narrative facts of current document versions.
select
    facts.document_id,
    current_documents.unit_id,
    current_documents.fiscal_year,
    current_documents.loaded_at as document_loaded_at,
    facts.fact_no,
    facts.fact_kind,
    facts.subject_code,
    facts.fact_label,
    facts.fact_value,
    facts.value_unit,
    facts.page_no,
    facts.source_text
from {{ ref('stg_facts') }} as facts
inner join {{ ref('int_current_documents') }} as current_documents
    on facts.document_id = current_documents.document_id
