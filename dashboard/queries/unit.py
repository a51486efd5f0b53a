"""单位详情: one unit-year's published tables rebuilt from the warehouse."""

from __future__ import annotations

import polars as pl

from dashboard.db import columns, has_table, run

# --------------------------------------------------------------------------- 单位详情

SQL_UNIT_YEARS = "select fiscal_year from fct_unit_year_summary where unit_id = ? order by fiscal_year desc"
SQL_UNIT_SUMMARY = "select * from fct_unit_year_summary where unit_id = ? and fiscal_year = ?"
SQL_UNIT_DOCUMENTS = """
select document_id, fiscal_year, version_no, versions_count, is_current, document_status,
       superseded_by_document_id, unit_name_printed, file_name, source_path, document_format,
       publication_date, quarantine_reason, n_problems, cells_unchecked, first_seen_at, loaded_at
from dim_documents
where unit_id = ?
order by fiscal_year desc, version_no desc nulls last
"""
# 公开02/03/05表 in the published layout: a 合计 row, then the 类→款→项 tree
# with the 类 and 款 subtotals rebuilt from the leaf rows (a 类 or 款 printed
# without children is its own leaf and is shown as printed).
SUBJECT_TABLES = {
    "02": ("fct_income_by_subject", "收入决算表（公开02表）",
           ("total", "fiscal", "superior_subsidy", "business", "operating", "affiliated_remittance", "other")),
    "03": ("fct_expenditure_by_subject", "支出决算表（公开03表）",
           ("total", "basic", "project", "remit_superior", "operating", "affiliated_subsidy")),
    "05": ("fct_general_budget_expenditure", "一般公共预算财政拨款支出决算表（公开05表）",
           ("budget_initial", "budget_adjusted", "total", "basic", "project")),
}  # fmt: skip
_SQL_UNIT_SUBJECT_TABLE = """
with leaf as (
    select * from {table} where document_id = ?
),
rows as (
    select subject_code as code, subject_level as level, subject_name_printed as printed,
           {cols}, page_no, row_no
    from leaf
    union all
    select class_code, '类', null, {sums}, min(page_no), min(row_no)
    from leaf where class_code is not null and subject_level <> '类'
    group by class_code
    having not list_contains(list(subject_code), class_code)
    union all
    select section_code, '款', null, {sums}, min(page_no), min(row_no)
    from leaf where section_code is not null and subject_level = '项'
    group by section_code
    union all
    select null, '合计', '合计', {sums}, min(page_no), min(row_no)
    from leaf having count(*) > 0
)
select rows.code as subject_code, rows.level as subject_level,
       coalesce(rows.printed, d.subject_name, rows.code) as subject_name,
       {out}, rows.page_no
from rows
left join dim_subjects as d on d.fiscal_year = ? and d.subject_code = rows.code
order by rows.code nulls first, rows.row_no
"""
SQL_UNIT_SUBJECT_TABLE = {
    no: _SQL_UNIT_SUBJECT_TABLE.format(
        table=table,
        cols=", ".join(cols),
        sums=", ".join(f"sum({c})" for c in cols),
        out=", ".join(f"rows.{c}" for c in cols),
    )
    for no, (table, _, cols) in SUBJECT_TABLES.items()
}
SQL_UNIT_TABLE_03 = SQL_UNIT_SUBJECT_TABLE["03"]

# 公开01/04表 (two-sided): income on the left, expenditure on the right, the
# printed rows of each side paired in order within three blocks, as printed:
# the body, from the 合计 row down to before 总计, and 总计.
TWO_SIDED_TABLES = {
    "01": ("int_two_sided_rows", "收入支出决算总表（公开01表）", ("amount",), ("amount",)),
    "04": ("fct_fiscal_appropriations", "财政拨款收入支出决算总表（公开04表）",
           ("total",), ("total", "general", "fund", "state_capital")),
}  # fmt: skip
_SQL_TWO_SIDED = """
with src as (
    select side, row_no, row_label, subject_code, page_no, {cols}
    from {table}
    where document_id = ? {extra}
),
blocks as (
    select *,
           case when starts_with(replace(row_label, ' ', ''), '总计') then 2
                when row_no >= min(row_no) filter (where contains(row_label, '合计')) over (partition by side) then 1
                else 0 end as block
    from src
),
numbered as (
    select *, row_number() over (partition by side, block order by row_no) as pos from blocks
),
inc as (select * from numbered where side = 'income'),
exp as (select * from numbered where side = 'expenditure')
select coalesce(inc.block, exp.block) as block, coalesce(inc.pos, exp.pos) as pos,
       inc.row_label as income_label, {inc_cols},
       exp.subject_code as expenditure_code, exp.row_label as expenditure_label, {exp_cols},
       coalesce(inc.page_no, exp.page_no) as page_no
from inc full outer join exp on inc.block = exp.block and inc.pos = exp.pos
order by block, pos
"""
SQL_UNIT_TWO_SIDED = {
    no: _SQL_TWO_SIDED.format(
        table=table,
        cols=", ".join(sorted(set(inc) | set(exp))),
        extra="and table_id = '01'" if table == "int_two_sided_rows" else "",
        inc_cols=", ".join(f"inc.{c} as income_{c}" for c in inc),
        exp_cols=", ".join(f"exp.{c} as expenditure_{c}" for c in exp),
    )
    for no, (table, _, inc, exp) in TWO_SIDED_TABLES.items()
}
SQL_UNIT_TABLE_06 = """
select economic_code, economic_level, economic_name_printed as economic_name, cost_category, amount, page_no
from fct_basic_expenditure_by_economic_class
where document_id = ?
order by economic_code, row_no
"""
# The other published tables, shown as stored (one row per printed line).
DOCUMENT_TABLES = {
    "fct_income_by_subject": "收入决算表（公开02表）",
    "fct_fiscal_appropriations": "财政拨款收入支出决算总表（公开04表）",
    "fct_general_budget_expenditure": "一般公共预算财政拨款支出决算表（公开05表）",
    "fct_government_fund": "政府性基金预算财政拨款收入支出决算表（公开07表）",
    "fct_state_capital": "国有资本经营预算财政拨款支出决算表（公开08表）",
    "fct_three_public_expenses": "财政拨款“三公”经费支出决算表（公开09表）",
    "fct_performance_projects": "绩效自评项目",
    "fct_budget_execution": "年初预算与决算对比",
    "fct_procurement": "政府采购",
}
SQL_DOCUMENT_TABLE = {t: f"select * from {t} where document_id = ?" for t in DOCUMENT_TABLES}
SQL_UNIT_FINDINGS = "select * from dq_findings where unit_id = ? and fiscal_year = ?"


def unit_years(unit_id: str) -> list[int]:
    return [int(y) for y in run(SQL_UNIT_YEARS, [unit_id])["fiscal_year"]]


def unit_summary(unit_id: str, year: int) -> dict | None:
    df = run(SQL_UNIT_SUMMARY, [unit_id, year])
    return None if df.is_empty() else df.row(0, named=True)


def unit_documents(unit_id: str) -> pl.DataFrame:
    return run(SQL_UNIT_DOCUMENTS, [unit_id])


def unit_table_03(document_id: str, year: int) -> pl.DataFrame:
    return run(SQL_UNIT_TABLE_03, [document_id, year])


def unit_subject_table(table_no: str, document_id: str, year: int) -> pl.DataFrame | None:
    """公开02/03/05表 of a document in the published layout; None when the
    warehouse lacks the table."""
    if table_no not in SQL_UNIT_SUBJECT_TABLE:
        raise ValueError(f"未知的表：{table_no}")
    if not has_table(SUBJECT_TABLES[table_no][0]):
        return None
    return run(SQL_UNIT_SUBJECT_TABLE[table_no], [document_id, year])


def unit_two_sided_table(table_no: str, document_id: str) -> pl.DataFrame | None:
    """公开01/04表 of a document, income and expenditure side by side; None
    when the warehouse lacks the table."""
    if table_no not in SQL_UNIT_TWO_SIDED:
        raise ValueError(f"未知的表：{table_no}")
    if not has_table(TWO_SIDED_TABLES[table_no][0]):
        return None
    return run(SQL_UNIT_TWO_SIDED[table_no], [document_id]).drop("block", "pos")


def unit_table_06(document_id: str) -> pl.DataFrame:
    return run(SQL_UNIT_TABLE_06, [document_id])


def document_table(table: str, document_id: str) -> pl.DataFrame | None:
    """One of DOCUMENT_TABLES for a document; None when the warehouse lacks it."""
    if table not in SQL_DOCUMENT_TABLE:
        raise ValueError(f"未知的表：{table}")
    if not has_table(table):
        return None
    return run(SQL_DOCUMENT_TABLE[table], [document_id])


def unit_findings(unit_id: str, year: int) -> pl.DataFrame | None:
    if not {"unit_id", "fiscal_year"} <= set(columns("dq_findings")):
        return None
    return run(SQL_UNIT_FINDINGS, [unit_id, year])


# 公开06表 as its economic tree: 合计, each 类 (301/302/303 …) with its
# subtotal rebuilt from the items, then the items under it.
SQL_UNIT_TREE_06 = """
with items as (
    select economic_code, economic_name_printed, cost_category, amount, page_no, row_no,
           left(economic_code, 3) as grp
    from fct_basic_expenditure_by_economic_class
    where document_id = ? and length(economic_code) > 3
),
groups as (
    select grp, sum(amount) as amount, min(page_no) as page_no, any_value(cost_category) as cost_category
    from items group by grp
)
select 0 as depth, null as economic_code, '合计' as economic_name, null as cost_category,
       sum(amount) as amount, min(page_no) as page_no, '' as sort_key
from items having count(*) > 0
union all
select 1, g.grp, coalesce(d.economic_name, g.grp), g.cost_category, g.amount, g.page_no, g.grp
from groups as g
left join dim_economic_subjects as d on d.fiscal_year = ? and d.economic_code = g.grp
union all
select 2, economic_code, economic_name_printed, cost_category, amount, page_no,
       grp || '-' || lpad(cast(row_no as varchar), 6, '0')
from items
order by sort_key
"""
SQL_UNIT_HISTORY = """
select fiscal_year, expenditure_total, basic_expenditure, project_expenditure, personnel_expenditure,
       public_expenditure, sangong_actual, income_total, version_no
from fct_unit_year_summary
where unit_id = ?
order by fiscal_year
"""
SQL_DOCUMENT_PROBLEMS = """
select "table" as table_id, severity, message from raw_problems
where document_id = ? and code <> 'table_missing'
order by problem_no
"""


def unit_tree_06(document_id: str, year: int) -> pl.DataFrame:
    return run(SQL_UNIT_TREE_06, [document_id, year]).drop("sort_key")


def unit_history(unit_id: str) -> pl.DataFrame:
    return run(SQL_UNIT_HISTORY, [unit_id])


def document_problems(document_id: str) -> pl.DataFrame | None:
    """What the reader noted per table (realigned, corrected or unplaced cells)."""
    if not {"table", "message", "code"} <= set(columns("raw_problems")):
        return None
    return run(SQL_DOCUMENT_PROBLEMS, [document_id])


SQL_PLACED_CELLS = """
select table_id, row_label, subject_code, column_key, amount_wan_yuan, page_no, placement
from fct_placed_cells
where document_id = ?
order by table_id, row_no, column_key
"""


def placed_cells(document_id: str) -> pl.DataFrame | None:
    """Cells the reader placed by the identities, not as printed; None before the mart exists."""
    if not has_table("fct_placed_cells"):
        return None
    return run(SQL_PLACED_CELLS, [document_id])
