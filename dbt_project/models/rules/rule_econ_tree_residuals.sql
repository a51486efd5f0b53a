-- econ_tree checks (rules.yml, table 06): each 3-digit economic group (its last
-- printed row) against the sum of the 5-digit items under it. A group with no
-- printed item is not checked.
with checks as (
    select distinct
        rule_id,
        check_no,
        table_id,
        tolerance_policy
    from {{ ref('rule_sql_checks') }}
    where shape = 'econ_tree'
),

coded_rows as (
    select
        table_rows.document_id,
        table_rows.table_id,
        table_rows.row_no,
        table_rows.row_label,
        table_rows.subject_code,
        table_rows.page_no,
        coalesce(cells.amount, 0) as amount
    from {{ ref('rule_rows') }} as table_rows
    left join {{ ref('rule_row_cells') }} as cells
        on
            table_rows.row_key = cells.row_key
            and cells.column_key = 'amount'
    where
        table_rows.is_readable
        and table_rows.subject_code is not null
        and table_rows.table_id in (select checks.table_id from checks)
),

groups_ranked as (
    select
        coded_rows.*,
        row_number() over (
            partition by coded_rows.document_id, coded_rows.table_id, coded_rows.subject_code
            order by coded_rows.row_no desc
        ) as rank_from_last
    from coded_rows
    where length(coded_rows.subject_code) = 3
),

item_sums as (
    select
        groups_ranked.document_id,
        groups_ranked.table_id,
        groups_ranked.subject_code,
        sum(items.amount) as expected,
        sum(case when items.amount <> 0 then 1 else 0 end) as addends
    from groups_ranked
    inner join coded_rows as items
        on
            groups_ranked.document_id = items.document_id
            and groups_ranked.table_id = items.table_id
            and length(items.subject_code) = 5
            and substr(items.subject_code, 1, 3) = groups_ranked.subject_code
    where groups_ranked.rank_from_last = 1
    group by groups_ranked.document_id, groups_ranked.table_id, groups_ranked.subject_code
)

select
    checks.rule_id,
    checks.check_no,
    groups_ranked.document_id,
    groups_ranked.table_id,
    groups_ranked.row_label,
    groups_ranked.subject_code || ' ' || groups_ranked.row_label as check_location,
    groups_ranked.page_no,
    checks.tolerance_policy,
    item_sums.expected,
    groups_ranked.amount as actual,
    item_sums.addends
from groups_ranked
inner join item_sums
    on
        groups_ranked.document_id = item_sums.document_id
        and groups_ranked.table_id = item_sums.table_id
        and groups_ranked.subject_code = item_sums.subject_code
inner join checks
    on groups_ranked.table_id = checks.table_id
where groups_ranked.rank_from_last = 1
