-- per_subject checks (rules.yml; rule_sql_terms, shape per_subject: lhs = left,
-- rhs = right): for every subject code of the check's level ('all': any) printed
-- in either table, the left cell (first row with that code) against the right
-- cell; a code whose two cells are both zero is not checked. The code's label
-- and page are those of its first row, left table first.
with terms as (
    select
        rule_id,
        check_no,
        op,
        tolerance_policy,
        term_side,
        table_id,
        side,
        column_key,
        pick_value as subject_level
    from {{ ref('rule_sql_terms') }}
    where shape = 'per_subject'
),

side_rows as (
    select
        terms.rule_id,
        terms.check_no,
        terms.term_side,
        terms.column_key,
        terms.subject_level,
        runnable.document_id,
        table_rows.row_key,
        table_rows.table_id,
        table_rows.side,
        table_rows.row_no,
        table_rows.row_label,
        table_rows.subject_code,
        table_rows.page_no,
        table_rows.first_line_no
    from terms
    inner join {{ ref('rule_check_documents') }} as runnable
        on
            terms.rule_id = runnable.rule_id
            and terms.check_no = runnable.check_no
    inner join {{ ref('rule_rows') }} as table_rows
        on
            runnable.document_id = table_rows.document_id
            and terms.table_id = table_rows.table_id
            and (terms.side is null or terms.side = table_rows.side)
    where table_rows.subject_code is not null
),

ranked as (
    select
        side_rows.*,
        row_number() over (
            partition by
                side_rows.rule_id, side_rows.check_no, side_rows.document_id, side_rows.term_side,
                side_rows.subject_code
            order by side_rows.row_no, side_rows.first_line_no
        ) as rank_in_side,
        row_number() over (
            partition by side_rows.rule_id, side_rows.check_no, side_rows.document_id, side_rows.subject_code
            order by side_rows.term_side, side_rows.row_no, side_rows.first_line_no
        ) as rank_in_check
    from side_rows
),

cells as (
    -- the cell of each side's first row with the code
    select
        ranked.rule_id,
        ranked.check_no,
        ranked.document_id,
        ranked.term_side,
        ranked.subject_code,
        coalesce(sum(row_cells.amount), 0) as amount
    from ranked
    left join {{ ref('rule_row_cells') }} as row_cells
        on
            ranked.row_key = row_cells.row_key
            and ranked.column_key = row_cells.column_key
    where ranked.rank_in_side = 1
    group by ranked.rule_id, ranked.check_no, ranked.document_id, ranked.term_side, ranked.subject_code
),

labels as (
    -- the codes of the check's level, each with its first row (left table first)
    select ranked.*
    from ranked
    where
        ranked.rank_in_check = 1
        and (
            ranked.subject_level = 'all'
            or cast(length(ranked.subject_code) as {{ dbt.type_string() }}) = ranked.subject_level
        )
)

select
    labels.rule_id,
    labels.check_no,
    labels.document_id,
    left_terms.table_id,
    labels.row_label,
    labels.subject_code || ' ' || labels.row_label || '.' || left_terms.column_key as check_location,
    labels.page_no,
    left_terms.tolerance_policy,
    left_terms.op,
    coalesce(right_cells.amount, 0) as expected,
    coalesce(left_cells.amount, 0) as actual,
    1 as addends
from labels
inner join terms as left_terms
    on
        labels.rule_id = left_terms.rule_id
        and labels.check_no = left_terms.check_no
        and left_terms.term_side = 'lhs'
left join cells as left_cells
    on
        labels.rule_id = left_cells.rule_id
        and labels.check_no = left_cells.check_no
        and labels.document_id = left_cells.document_id
        and labels.subject_code = left_cells.subject_code
        and left_cells.term_side = 'lhs'
left join cells as right_cells
    on
        labels.rule_id = right_cells.rule_id
        and labels.check_no = right_cells.check_no
        and labels.document_id = right_cells.document_id
        and labels.subject_code = right_cells.subject_code
        and right_cells.term_side = 'rhs'
where coalesce(left_cells.amount, 0) <> 0 or coalesce(right_cells.amount, 0) <> 0
