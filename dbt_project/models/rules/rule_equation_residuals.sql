-- equation checks over table cells (rules.yml; rule_sql_terms, shape equation):
-- Σ lhs terms against Σ rhs terms. A term picks rows of one table (and side) of
-- the document, or of last year's (prior_year): `total` the first row without a
-- code, `label` / `code` the first row with it, `level` every row whose code has
-- that many digits, `before` every row above the first row with that label; its
-- value is the signed sum of one column of those rows (a missing cell is zero).
-- The check's row label and page are those of the first row its first lhs term
-- picked.
with terms as (
    select
        rule_id,
        check_no,
        check_location,
        op,
        tolerance_policy,
        term_side,
        term_no,
        table_id,
        side,
        column_key,
        pick,
        pick_value,
        sign,
        prior_year
    from {{ ref('rule_sql_terms') }}
    where shape = 'equation'
),

term_documents as (
    -- each term of a check that can run, with the document it reads
    select
        terms.*,
        runnable.document_id,
        case when terms.prior_year = 1 then runnable.prior_document_id else runnable.document_id end
            as read_document_id
    from terms
    inner join {{ ref('rule_check_documents') }} as runnable
        on
            terms.rule_id = runnable.rule_id
            and terms.check_no = runnable.check_no
    where runnable.has_lines = 1
),

term_rows as (
    -- the rows of each term's table and side, in reading order
    select
        term_documents.rule_id,
        term_documents.check_no,
        term_documents.term_side,
        term_documents.term_no,
        term_documents.document_id,
        term_documents.pick,
        term_documents.pick_value,
        term_documents.column_key,
        term_documents.sign,
        table_rows.row_key,
        table_rows.table_id,
        table_rows.side,
        table_rows.row_no,
        table_rows.row_label,
        table_rows.subject_code,
        table_rows.page_no,
        table_rows.first_line_no
    from term_documents
    inner join {{ ref('rule_rows') }} as table_rows
        on
            term_documents.read_document_id = table_rows.document_id
            and term_documents.table_id = table_rows.table_id
            and (term_documents.side is null or term_documents.side = table_rows.side)
),

stops as (
    -- a `before` term ends at the first row with its label
    select
        rule_id,
        check_no,
        term_side,
        term_no,
        document_id,
        min(row_no) as stop_row_no
    from term_rows
    where pick = 'before' and row_label = pick_value
    group by rule_id, check_no, term_side, term_no, document_id
),

candidates as (
    select
        term_rows.*,
        row_number() over (
            partition by
                term_rows.rule_id, term_rows.check_no, term_rows.term_side, term_rows.term_no,
                term_rows.document_id
            order by term_rows.row_no, term_rows.first_line_no
        ) as pick_rank
    from term_rows
    left join stops
        on
            term_rows.rule_id = stops.rule_id
            and term_rows.check_no = stops.check_no
            and term_rows.term_side = stops.term_side
            and term_rows.term_no = stops.term_no
            and term_rows.document_id = stops.document_id
    where
        (term_rows.pick = 'total' and term_rows.subject_code is null)
        or (term_rows.pick = 'label' and term_rows.row_label = term_rows.pick_value)
        or (term_rows.pick = 'code' and term_rows.subject_code = term_rows.pick_value)
        or (
            term_rows.pick = 'level'
            and cast(length(term_rows.subject_code) as {{ dbt.type_string() }}) = term_rows.pick_value
        )
        or (term_rows.pick = 'before' and term_rows.row_no < stops.stop_row_no)
),

picked as (
    select candidates.*
    from candidates
    where candidates.pick in ('level', 'before') or candidates.pick_rank = 1
),

term_values as (
    select
        picked.rule_id,
        picked.check_no,
        picked.term_side,
        picked.term_no,
        picked.document_id,
        sum(picked.sign * coalesce(cells.amount, 0)) as term_value,
        sum(case when cells.amount <> 0 then 1 else 0 end) as addends
    from picked
    left join {{ ref('rule_row_cells') }} as cells
        on
            picked.row_key = cells.row_key
            and picked.column_key = cells.column_key
    group by picked.rule_id, picked.check_no, picked.term_side, picked.term_no, picked.document_id
),

check_sums as (
    select
        term_documents.rule_id,
        term_documents.check_no,
        term_documents.document_id,
        sum(case when term_documents.term_side = 'lhs' then coalesce(term_values.term_value, 0) else 0 end)
            as actual,
        sum(case when term_documents.term_side = 'rhs' then coalesce(term_values.term_value, 0) else 0 end)
            as expected,
        sum(case when term_documents.term_side = 'lhs' then coalesce(term_values.addends, 0) else 0 end)
            as lhs_addends,
        sum(case when term_documents.term_side = 'rhs' then coalesce(term_values.addends, 0) else 0 end)
            as rhs_addends
    from term_documents
    left join term_values
        on
            term_documents.rule_id = term_values.rule_id
            and term_documents.check_no = term_values.check_no
            and term_documents.term_side = term_values.term_side
            and term_documents.term_no = term_values.term_no
            and term_documents.document_id = term_values.document_id
    group by term_documents.rule_id, term_documents.check_no, term_documents.document_id
),

first_terms as (
    -- the check's first lhs term, and the first row it picked
    select
        term_documents.rule_id,
        term_documents.check_no,
        term_documents.document_id,
        term_documents.table_id,
        term_documents.check_location,
        term_documents.op,
        term_documents.tolerance_policy,
        coalesce(
            first_row.row_label,
            case when term_documents.pick = 'label' then term_documents.pick_value end,
            term_documents.check_location
        ) as row_label,
        first_row.page_no
    from term_documents
    left join picked as first_row
        on
            term_documents.rule_id = first_row.rule_id
            and term_documents.check_no = first_row.check_no
            and term_documents.term_side = first_row.term_side
            and term_documents.term_no = first_row.term_no
            and term_documents.document_id = first_row.document_id
            and first_row.pick_rank = 1
    where term_documents.term_side = 'lhs' and term_documents.term_no = 1
)

select
    first_terms.rule_id,
    first_terms.check_no,
    first_terms.document_id,
    first_terms.table_id,
    first_terms.row_label,
    first_terms.check_location,
    first_terms.page_no,
    first_terms.tolerance_policy,
    first_terms.op,
    check_sums.expected,
    check_sums.actual,
    greatest(check_sums.lhs_addends, check_sums.rhs_addends) as addends
from first_terms
inner join check_sums
    on
        first_terms.rule_id = check_sums.rule_id
        and first_terms.check_no = check_sums.check_no
        and first_terms.document_id = check_sums.document_id
