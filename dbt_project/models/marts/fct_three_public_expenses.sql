{{ config(**incremental_document_config()) }}
-- depends_on: {{ ref('int_current_documents') }}

-- 公开09表 财政拨款“三公”经费支出决算表: one row per current document that
-- published the table. An empty table (我单位无“三公”经费支出) is reported as
-- zero, not missing.
{%- set columns = contract_columns('09') %}

with documents as (
    select
        document_id,
        unit_id,
        fiscal_year,
        loaded_at as document_loaded_at,
        tables_present
    from {{ ref('int_current_documents') }}
    where {{ pending_documents('document_id') }}
),

cells as (
    select
        document_id,
        {{ pivot_cells(columns, indent=8) }}
    from {{ ref('int_current_lines') }}
    where table_id = '09' and {{ pending_documents('document_id') }}
    group by document_id
)

select
    documents.document_id,
    documents.unit_id,
    documents.fiscal_year,
    documents.document_loaded_at,
    {{ wan_columns('cells.', columns) }}
from documents
left join cells on documents.document_id = cells.document_id
where {{ list_has('documents.tables_present', "'09'") }} or cells.document_id is not null
