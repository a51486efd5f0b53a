{{ config(**incremental_document_config()) }}
-- depends_on: {{ ref('int_current_documents') }}

-- Table cells of current documents that the reader placed by the accounting
-- identities rather than where they were printed (blank cells dropped in flowed
-- text, a table read a row off, 三公 printed in the other order): the dashboard
-- marks them, and a reviewer checks them against the source page.
select
    document_id,
    line_no,
    unit_id,
    fiscal_year,
    document_loaded_at,
    table_id,
    side,
    row_label,
    subject_code,
    column_key,
    cast(amount as decimal(18, 2)) as amount_wan_yuan,
    page_no,
    row_no,
    placement
from {{ ref('int_current_lines') }}
where placement is not null and {{ pending_documents('document_id') }}
