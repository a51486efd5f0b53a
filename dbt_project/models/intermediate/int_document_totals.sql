{{ config(**incremental_document_config()) }}
-- depends_on: {{ ref('int_current_documents') }}

-- Headline totals per current document, as printed (the tables' 合计 / 本年收入合计
-- rows) and, as a fallback for a total row the document did not print, the sum
-- of the leaf rows.
with documents as (
    select
        document_id,
        unit_id,
        fiscal_year,
        loaded_at as document_loaded_at
    from {{ ref('int_current_documents') }}
    where {{ pending_documents('document_id') }}
),

two_sided as (
    select
        document_id,
        max(amount) filter (
            where table_id = '01' and side = 'income' and row_label = '本年收入合计'
        ) as t01_income_total,
        max(amount) filter (
            where table_id = '01' and side = 'expenditure' and row_label = '本年支出合计'
        ) as t01_expenditure_total,
        max(amount) filter (
            where table_id = '01' and side = 'income' and row_label = '总计'
        ) as t01_grand_total,
        max(amount) filter (
            where table_id = '04' and side = 'income' and row_label = '本年收入合计'
        ) as t04_income_total
    from {{ ref('int_two_sided_rows') }}
    where {{ pending_documents('document_id') }}
    group by document_id
),

subject_tables as (
    select
        document_id,
        max(total) filter (where table_id = '02' and is_total_row) as t02_total,
        max(fiscal) filter (where table_id = '02' and is_total_row) as t02_fiscal,
        sum(total) filter (where table_id = '02' and is_leaf and not is_total_row) as t02_total_leaves,
        sum(fiscal) filter (where table_id = '02' and is_leaf and not is_total_row) as t02_fiscal_leaves,
        max(total) filter (where table_id = '03' and is_total_row) as t03_total,
        max(basic) filter (where table_id = '03' and is_total_row) as t03_basic,
        max(project) filter (where table_id = '03' and is_total_row) as t03_project,
        sum(total) filter (where table_id = '03' and is_leaf and not is_total_row) as t03_total_leaves,
        sum(basic) filter (where table_id = '03' and is_leaf and not is_total_row) as t03_basic_leaves,
        sum(project) filter (where table_id = '03' and is_leaf and not is_total_row) as t03_project_leaves,
        max(total) filter (where table_id = '05' and is_total_row) as t05_total,
        sum(total) filter (where table_id = '05' and is_leaf and not is_total_row) as t05_total_leaves,
        max(total) filter (where table_id = '07' and is_total_row) as t07_total,
        sum(total) filter (where table_id = '07' and is_leaf and not is_total_row) as t07_total_leaves,
        max(total) filter (where table_id = '08' and is_total_row) as t08_total,
        sum(total) filter (where table_id = '08' and is_leaf and not is_total_row) as t08_total_leaves
    from {{ ref('int_subject_rows') }}
    where {{ pending_documents('document_id') }}
    group by document_id
),

economic as (
    select
        economic_lines.document_id,
        max(economic_lines.amount) filter (where economic_lines.row_kind = 'personnel_total') as t06_personnel,
        max(economic_lines.amount) filter (where economic_lines.row_kind = 'public_total') as t06_public,
        sum(economic_lines.amount) filter (
            where economic_lines.is_leaf and classes.cost_category = '人员经费'
        ) as t06_personnel_leaves,
        sum(economic_lines.amount) filter (
            where economic_lines.is_leaf and coalesce(classes.cost_category, '公用经费') = '公用经费'
        ) as t06_public_leaves
    from {{ ref('int_economic_lines') }} as economic_lines
    left join {{ ref('economic_classes') }} as classes
        on economic_lines.economic_group = classes.economic_code
    where {{ pending_documents('economic_lines.document_id') }}
    group by economic_lines.document_id
)

select
    documents.document_id,
    documents.unit_id,
    documents.fiscal_year,
    documents.document_loaded_at,
    coalesce(two_sided.t01_income_total, subject_tables.t02_total, subject_tables.t02_total_leaves)
        as income_total,
    coalesce(
        two_sided.t01_expenditure_total, subject_tables.t03_total, subject_tables.t03_total_leaves
    ) as expenditure_total,
    two_sided.t01_grand_total as grand_total,
    coalesce(subject_tables.t02_fiscal, subject_tables.t02_fiscal_leaves) as fiscal_income,
    coalesce(subject_tables.t03_basic, subject_tables.t03_basic_leaves) as basic_expenditure,
    coalesce(subject_tables.t03_project, subject_tables.t03_project_leaves) as project_expenditure,
    two_sided.t04_income_total as fiscal_appropriation_income,
    coalesce(subject_tables.t05_total, subject_tables.t05_total_leaves) as general_budget_expenditure,
    coalesce(economic.t06_personnel, economic.t06_personnel_leaves) as personnel_expenditure,
    coalesce(economic.t06_public, economic.t06_public_leaves) as public_expenditure,
    coalesce(subject_tables.t07_total, subject_tables.t07_total_leaves) as government_fund_expenditure,
    coalesce(subject_tables.t08_total, subject_tables.t08_total_leaves) as state_capital_expenditure
from documents
left join two_sided on documents.document_id = two_sided.document_id
left join subject_tables on documents.document_id = subject_tables.document_id
left join economic on documents.document_id = economic.document_id
