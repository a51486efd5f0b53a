-- tree checks (rules.yml): per column of a functional-classification table,
-- 合计 = Σ 类 (3-digit codes), 类 = Σ 款 (5), 款 = Σ 项 (7). A code printed
-- twice counts once, as its last printed row; 合计 is the first row without a
-- code. Columns where the parent and all its children are zero are not checked.
with checks as (
    select distinct
        rule_id,
        check_no,
        table_id,
        tolerance_policy
    from {{ ref('rule_sql_checks') }}
    where shape = 'tree'
),

readable_rows as (
    select table_rows.*
    from {{ ref('rule_rows') }} as table_rows
    where table_rows.is_readable and table_rows.table_id in (select checks.table_id from checks)
),

coded_ranked as (
    select
        readable_rows.*,
        row_number() over (
            partition by readable_rows.document_id, readable_rows.table_id, readable_rows.subject_code
            order by readable_rows.row_no desc
        ) as rank_from_last
    from readable_rows
    where readable_rows.subject_code is not null
),

coded as (
    select
        row_key,
        document_id,
        table_id,
        row_label,
        subject_code,
        page_no
    from coded_ranked
    where rank_from_last = 1
),

total_ranked as (
    select
        readable_rows.*,
        row_number() over (
            partition by readable_rows.document_id, readable_rows.table_id
            order by readable_rows.row_no
        ) as rank_from_first
    from readable_rows
    where readable_rows.subject_code is null
),

parent_rows as (
    select
        row_key,
        document_id,
        table_id,
        row_label,
        subject_code,
        page_no
    from coded
    union all
    select
        row_key,
        document_id,
        table_id,
        row_label,
        subject_code,
        page_no
    from total_ranked
    where rank_from_first = 1
),

links as (
    -- each child row with its parent row (a 5/7-digit code whose parent is not printed has none)
    select
        child.document_id,
        child.table_id,
        parent.row_key as parent_row_key,
        child.row_key as child_row_key
    from coded as child
    inner join parent_rows as parent
        on
            child.document_id = parent.document_id
            and child.table_id = parent.table_id
            and (
                (length(child.subject_code) = 3 and parent.subject_code is null)
                or (
                    length(child.subject_code) in (5, 7)
                    and parent.subject_code = substr(child.subject_code, 1, length(child.subject_code) - 2)
                )
            )
),

child_sums as (
    select
        links.document_id,
        links.table_id,
        links.parent_row_key,
        cells.column_key,
        sum(cells.amount) as expected,
        sum(case when cells.amount <> 0 then 1 else 0 end) as addends
    from links
    inner join {{ ref('rule_row_cells') }} as cells
        on links.child_row_key = cells.row_key
    group by links.document_id, links.table_id, links.parent_row_key, cells.column_key
),

parents_with_children as (
    select distinct
        document_id,
        table_id,
        parent_row_key
    from links
),

parent_values as (
    select
        parents.document_id,
        parents.table_id,
        parents.parent_row_key,
        cells.column_key,
        cells.amount as actual
    from parents_with_children as parents
    inner join {{ ref('rule_row_cells') }} as cells
        on parents.parent_row_key = cells.row_key
),

residuals as (
    select
        coalesce(child_sums.document_id, parent_values.document_id) as document_id,
        coalesce(child_sums.table_id, parent_values.table_id) as table_id,
        coalesce(child_sums.parent_row_key, parent_values.parent_row_key) as parent_row_key,
        coalesce(child_sums.column_key, parent_values.column_key) as column_key,
        coalesce(child_sums.expected, 0) as expected,
        coalesce(parent_values.actual, 0) as actual,
        coalesce(child_sums.addends, 0) as addends
    from child_sums
    full outer join parent_values
        on
            child_sums.parent_row_key = parent_values.parent_row_key
            and child_sums.column_key = parent_values.column_key
)

select
    checks.rule_id,
    checks.check_no,
    residuals.document_id,
    residuals.table_id,
    parent.row_label,
    coalesce(parent.subject_code, '合计') || ' ' || parent.row_label || '.' || residuals.column_key
        as check_location,
    parent.page_no,
    checks.tolerance_policy,
    residuals.expected,
    residuals.actual,
    residuals.addends
from residuals
inner join checks
    on residuals.table_id = checks.table_id
inner join parent_rows as parent
    on residuals.parent_row_key = parent.row_key
where residuals.actual <> 0 or residuals.addends > 0
