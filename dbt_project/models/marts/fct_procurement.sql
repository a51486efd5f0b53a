{{ config(**incremental_document_config()) }}
-- depends_on: {{ ref('int_current_documents') }}

-- 政府采购 as stated in the narrative: total, 货物/工程/服务, amounts awarded to
-- 中小企业 / 小微企业. One row per current document that states any of them.
with facts as (
    select *
    from {{ ref('int_current_facts') }}
    where fact_kind like 'procurement_%' and {{ pending_documents('document_id') }}
)

select
    document_id,
    unit_id,
    fiscal_year,
    document_loaded_at,
    {{ wan_or_null(first_by('fact_value', ['fact_no'], where="fact_kind = 'procurement_total'")) }}
        as procurement_total,
    {{ wan_or_null(first_by('fact_value', ['fact_no'], where="fact_kind = 'procurement_goods'")) }}
        as goods,
    {{ wan_or_null(first_by('fact_value', ['fact_no'], where="fact_kind = 'procurement_works'")) }}
        as works,
    {{ wan_or_null(first_by('fact_value', ['fact_no'], where="fact_kind = 'procurement_services'")) }}
        as services,
    {{ wan_or_null(first_by('fact_value', ['fact_no'], where="fact_kind = 'procurement_sme'")) }}
        as awarded_sme,
    {{ wan_or_null(first_by('fact_value', ['fact_no'], where="fact_kind = 'procurement_small_micro'")) }}
        as awarded_small_micro,
    min(page_no) as page_no
from facts
group by document_id, unit_id, fiscal_year, document_loaded_at
