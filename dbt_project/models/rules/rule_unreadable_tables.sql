-- Tables the reader found but could not read (table_empty, or table_zero: an
-- 01–04 read as all zeros): the rules report
-- them as insufficient_data, so no residual is computed on them. An empty
-- 07/08/09 may be a unit without such funds (rule E-01), not an unread table.
select distinct
    document_id,
    table_id
from {{ ref('stg_problems') }}
where
    problem_code in ('table_empty', 'table_zero')
    and table_id is not null
    and table_id not in ('07', '08', '09')
