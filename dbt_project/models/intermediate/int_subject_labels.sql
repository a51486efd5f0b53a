-- Names printed for functional (功能分类) and economic (经济分类) codes in every
-- loaded document, with how often each name was printed that year.
select
    documents.fiscal_year,
    case when table_cells.table_id = '06' then 'economic' else 'functional' end as code_system,
    table_cells.subject_code,
    table_cells.row_label,
    count(*) as n_printed
from {{ ref('stg_lines') }} as table_cells
inner join {{ ref('stg_documents') }} as documents
    on table_cells.document_id = documents.document_id
where
    documents.document_status = 'loaded'
    and documents.fiscal_year is not null
    and table_cells.subject_code is not null
    and {{ matches_fully('table_cells.subject_code', '[0-9]{3}([0-9]{2}){0,2}') }}
group by 1, 2, 3, 4
