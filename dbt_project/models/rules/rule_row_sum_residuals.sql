-- row_sum checks (rules.yml): per row of a table, the total column against the
-- signed sum of its part columns. One row per (check, document row) that
-- prints the total or any part; tables the reader could not read are left out
-- (the rules report them as insufficient_data).
with checks as (
    select distinct
        rule_id,
        check_no,
        table_id,
        side,
        total_column,
        tolerance_policy
    from {{ ref('rule_sql_checks') }}
    where shape = 'row_sum'
),

parts as (
    select
        rule_id,
        check_no,
        part_column,
        part_sign
    from {{ ref('rule_sql_checks') }}
    where shape = 'row_sum'
),

check_rows as (
    -- the rows of each check's table (and side; a check without a side on the
    -- two-sided tables 01/04 reads only the rows without a side)
    select
        checks.rule_id,
        checks.check_no,
        checks.total_column,
        checks.tolerance_policy,
        table_rows.row_key,
        table_rows.document_id,
        table_rows.table_id,
        table_rows.row_label,
        table_rows.page_no
    from checks
    inner join {{ ref('rule_rows') }} as table_rows
        on checks.table_id = table_rows.table_id
    where
        table_rows.is_readable
        and (
            table_rows.side = checks.side
            or (checks.side is null and (table_rows.side is null or checks.table_id not in ('01', '04')))
        )
),

totals as (
    select
        check_rows.rule_id,
        check_rows.check_no,
        check_rows.row_key,
        sum(cells.amount) as actual
    from check_rows
    inner join {{ ref('rule_row_cells') }} as cells
        on
            check_rows.row_key = cells.row_key
            and check_rows.total_column = cells.column_key
    group by check_rows.rule_id, check_rows.check_no, check_rows.row_key
),

sums as (
    select
        check_rows.rule_id,
        check_rows.check_no,
        check_rows.row_key,
        sum(parts.part_sign * cells.amount) as expected,
        sum(case when cells.amount <> 0 then 1 else 0 end) as addends
    from check_rows
    inner join parts
        on
            check_rows.rule_id = parts.rule_id
            and check_rows.check_no = parts.check_no
    inner join {{ ref('rule_row_cells') }} as cells
        on
            check_rows.row_key = cells.row_key
            and parts.part_column = cells.column_key
    group by check_rows.rule_id, check_rows.check_no, check_rows.row_key
)

select
    check_rows.rule_id,
    check_rows.check_no,
    check_rows.document_id,
    check_rows.table_id,
    check_rows.row_label,
    check_rows.row_label || '.' || check_rows.total_column as check_location,
    check_rows.page_no,
    check_rows.tolerance_policy,
    coalesce(sums.expected, 0) as expected,
    coalesce(totals.actual, 0) as actual,
    coalesce(sums.addends, 0) as addends
from check_rows
left join totals
    on
        check_rows.rule_id = totals.rule_id
        and check_rows.check_no = totals.check_no
        and check_rows.row_key = totals.row_key
left join sums
    on
        check_rows.rule_id = sums.rule_id
        and check_rows.check_no = sums.check_no
        and check_rows.row_key = sums.row_key
where totals.rule_id is not null or sums.rule_id is not null
