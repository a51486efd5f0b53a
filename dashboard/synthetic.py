"""A synthetic warehouse with the marts' shape (the columns the dashboard reads),
built directly in SQL: for the query benchmark (10,000 units × 5 years) and for
dashboard tests when the real refresh path is unavailable. Not a substitute for
the warehouse tests: amounts are consistent across levels but otherwise random.
"""

from __future__ import annotations

import os
from pathlib import Path

import duckdb

ITEMS = [
    ("2010101", "行政运行"),
    ("2010102", "一般行政管理事务"),
    ("2010350", "事业运行"),
    ("2050201", "学前教育"),
    ("2050202", "小学教育"),
    ("2080505", "机关事业单位基本养老保险缴费支出"),
    ("2080506", "机关事业单位职业年金缴费支出"),
    ("2101101", "行政单位医疗"),
    ("2101102", "事业单位医疗"),
    ("2120104", "城管执法"),
    ("2130104", "事业运行"),
    ("2210201", "住房公积金"),
]
SECTIONS = {
    "20101": "人大事务",
    "20103": "政府办公厅（室）及相关机构事务",
    "20502": "普通教育",
    "20805": "行政事业单位养老支出",
    "21011": "行政事业单位医疗",
    "21201": "城乡社区管理事务",
    "21301": "农业农村",
    "22102": "住房改革支出",
}
CLASSES = {
    "201": "一般公共服务支出",
    "205": "教育支出",
    "208": "社会保障和就业支出",
    "210": "卫生健康支出",
    "212": "城乡社区支出",
    "213": "农林水支出",
    "221": "住房保障支出",
}
ECONOMIC = [
    ("30101", "基本工资", "301", "人员经费"),
    ("30102", "津贴补贴", "301", "人员经费"),
    ("30107", "绩效工资", "301", "人员经费"),
    ("30302", "退休费", "303", "人员经费"),
    ("30201", "办公费", "302", "公用经费"),
    ("30211", "差旅费", "302", "公用经费"),
    ("30299", "其他商品和服务支出", "302", "公用经费"),
]
ECONOMIC_GROUPS = {"301": "工资福利支出", "302": "商品和服务支出", "303": "对个人和家庭的补助"}

_UNITS = """
create table dim_units as
select
    printf('U%05d', k) as unit_id,
    printf('示范区第%d%s', k, ['中心', '局', '办公室', '服务站', '管理所'][k % 5 + 1]) as canonical_name,
    printf('部门%02d', k % 12) as department,
    case when k % 3 = 0 then '行政单位' when k % 3 = 1 then '事业单位' else '参公事业单位' end as unit_type,
    '示范区' as region,
    (10 + hash(k, 'staff') % 60)::integer as staff_count,
    'seed' as unit_source,
    false as needs_review,
    null::varchar as review_reason,
    null::varchar as suggested_unit_id,
    []::varchar[] as aliases,
    list_transform(range(?, ? + ?), lambda x: x::integer) as expected_years,
    0 as documents_count
from range(1, ? + 1) as t(k)
"""

# Unit k skips its last year when k % 17 = 0 (a missing disclosure).
_DOCUMENTS = """
create table dim_documents as
select
    printf('D%05d%d', k, y) as document_id,
    printf('U%05d', k) as unit_id,
    printf('示范区第%d%s', k, ['中心', '局', '办公室', '服务站', '管理所'][k % 5 + 1]) as unit_name_printed,
    'exact' as unit_match_kind,
    y::integer as fiscal_year,
    1 as version_no, 1 as versions_count, true as is_current,
    null::varchar as superseded_by_document_id,
    'loaded' as document_status,
    null::varchar as quarantine_code, null::varchar as quarantine_reason,
    printf('inbox/U%05d_%d.pdf', k, y) as source_path,
    printf('U%05d_%d.pdf', k, y) as file_name,
    'pdf' as document_format, '万元' as amount_unit,
    make_date(y + 1, 6, 30) as publication_date,
    ['01','02','03','04','05','06','07','08','09'] as tables_present,
    (hash(k, y, 'p') % 3)::integer as n_problems,
    make_timestamp(y + 1, 7, 1, 8, 0, 0) as first_seen_at,
    make_timestamp(y + 1, 7, 1, 8, 0, 0) as loaded_at
from range(1, ? + 1) as u(k), range(?, ? + ?) as yy(y)
where not (k % 17 = 0 and y = ? + ? - 1)
"""

_QUARANTINED = """
insert into dim_documents (document_id, unit_name_printed, fiscal_year, document_status, quarantine_code,
    quarantine_reason, source_path, file_name, document_format, first_seen_at, is_current, n_problems,
    versions_count)
values
    ('Q1', null, null, 'quarantined', 'no_unit', '未能识别单位名称，无法归属到单位',
     'inbox/scan_0001.pdf', 'scan_0001.pdf', 'pdf', timestamp '2026-01-05 09:00:00', false, 0, 0),
    ('Q2', '示范区第1中心', null, 'quarantined', 'no_year', '未能识别决算年度',
     'inbox/第1中心.txt', '第1中心.txt', 'text', timestamp '2026-01-05 09:00:00', false, 0, 0)
"""

_LINES = """
create table fct_expenditure_by_subject as
select
    d.document_id || ':03:' || i.code as line_key,
    d.document_id, d.unit_id, d.fiscal_year,
    cast(d.fiscal_year as varchar) || '-' || i.code as subject_key,
    i.code as subject_code, '项' as subject_level,
    left(i.code, 3) as class_code, left(i.code, 5) as section_code, i.code as item_code,
    i.name as subject_name_printed,
    (b.basic + b.project)::decimal(18, 2) as total,
    b.basic::decimal(18, 2) as basic,
    b.project::decimal(18, 2) as project,
    0::decimal(18, 2) as remit_superior, 0::decimal(18, 2) as operating, 0::decimal(18, 2) as affiliated_subsidy,
    3 as page_no, i.n as row_no
from dim_documents as d
cross join (select unnest(?::varchar[]) as code, unnest(?::varchar[]) as name,
                   generate_subscripts(?::varchar[], 1) as n) as i
cross join lateral (
    select round((hash(d.document_id, i.code, 'b') % 5000000) / 100.0 + 1, 2) as basic,
           round((hash(d.document_id, i.code, 'p') % 3000000) / 100.0, 2) as project
) as b
where d.document_status = 'loaded'
"""

# 02 and 05 follow 03 (all income is 财政拨款; 05 = 03 without 年初/调整预算),
# 01 and 04 are two-sided: the 类 totals and the 合计/总计 rows.
_SUBJECT_TABLES = """
create table fct_income_by_subject as
select replace(line_key, ':03:', ':02:') as line_key, document_id, unit_id, fiscal_year, subject_key, subject_code,
       subject_level, class_code, section_code, item_code, subject_name_printed,
       total, total as fiscal, 0::decimal(18, 2) as superior_subsidy, 0::decimal(18, 2) as business,
       0::decimal(18, 2) as operating, 0::decimal(18, 2) as affiliated_remittance, 0::decimal(18, 2) as other,
       2 as page_no, row_no
from fct_expenditure_by_subject;
create table fct_general_budget_expenditure as
select replace(line_key, ':03:', ':05:') as line_key, document_id, unit_id, fiscal_year, subject_key, subject_code,
       subject_level, class_code, section_code, item_code, subject_name_printed, total, basic, project,
       5 as page_no, row_no, null::decimal(18, 2) as budget_initial, null::decimal(18, 2) as budget_adjusted
from fct_expenditure_by_subject;
create table fct_fiscal_appropriations as
with cls as (
    select document_id, unit_id, fiscal_year, class_code, sum(total) as total
    from fct_expenditure_by_subject group by all
),
tot as (select document_id, unit_id, fiscal_year, sum(total) as total from cls group by all),
rows as (
    select document_id, unit_id, fiscal_year, 'expenditure' as side,
           10 + row_number() over (partition by document_id order by class_code) as row_no,
           c.subject_name as row_label, class_code as subject_code, 'subject' as row_kind, total
    from cls left join (select distinct subject_code, subject_name from dim_subjects) as c
        on c.subject_code = cls.class_code
    union all select document_id, unit_id, fiscal_year, 'expenditure', 40, '本年支出合计', null, 'total', total from tot
    union all select document_id, unit_id, fiscal_year, 'expenditure', 45, '总计', null, 'total', total from tot
    union all select document_id, unit_id, fiscal_year, 'income', 1, '一般公共预算财政拨款', null, 'source', total from tot
    union all select document_id, unit_id, fiscal_year, 'income', 40, '本年收入合计', null, 'total', total from tot
    union all select document_id, unit_id, fiscal_year, 'income', 45, '总计', null, 'total', total from tot
)
select document_id || ':04:' || side || ':' || row_no as line_key, document_id, unit_id, fiscal_year, side, row_no,
       row_label, subject_code, cast(fiscal_year as varchar) || '-' || subject_code as subject_key, row_kind,
       total::decimal(18, 2) as total,
       (case when side = 'expenditure' then total else 0 end)::decimal(18, 2) as general,
       0::decimal(18, 2) as fund, 0::decimal(18, 2) as state_capital, 4 as page_no
from rows;
create table int_two_sided_rows as
select replace(line_key, ':04:', ':01:') as line_key, document_id, unit_id, fiscal_year, '01' as table_id, side,
       row_no, subject_code,
       case row_label when '一般公共预算财政拨款' then '一般公共预算财政拨款收入' else row_label end as row_label,
       1 as page_no, total as amount, null::decimal(18, 2) as total, null::decimal(18, 2) as general,
       null::decimal(18, 2) as fund, null::decimal(18, 2) as state_capital
from fct_fiscal_appropriations
"""

_ECON = """
create table fct_basic_expenditure_by_economic_class as
select
    d.document_id || ':06:' || e.code as line_key,
    d.document_id, d.unit_id, d.fiscal_year,
    e.code as economic_code,
    cast(d.fiscal_year as varchar) || '-' || e.code as economic_key,
    e.grp as economic_group, '款' as economic_level, e.cat as cost_category,
    e.name as economic_name_printed,
    round((hash(d.document_id, e.code) % 2000000) / 100.0, 2)::decimal(18, 2) as amount,
    6 as page_no, e.n as row_no
from dim_documents as d
cross join (select unnest(?::varchar[]) as code, unnest(?::varchar[]) as name, unnest(?::varchar[]) as grp,
                   unnest(?::varchar[]) as cat, generate_subscripts(?::varchar[], 1) as n) as e
where d.document_status = 'loaded'
"""

_SANGONG = """
create table fct_three_public_expenses as
with t as (
    select d.document_id, d.unit_id, d.fiscal_year,
           round((hash(d.document_id, 'sb') % 500000) / 100.0, 2)::decimal(18, 2) as budget_total,
           round((hash(d.document_id, 'sa') % 400000) / 100.0, 2)::decimal(18, 2) as actual_total
    from dim_documents as d where d.document_status = 'loaded'
),
items as (
    select *, round(actual_total * 0.1, 2)::decimal(18, 2) as actual_outbound,
           round(actual_total * 0.2, 2)::decimal(18, 2) as actual_vehicle_purchase,
           round(actual_total * 0.3, 2)::decimal(18, 2) as actual_vehicle_operation
    from t
)
select *, actual_vehicle_purchase + actual_vehicle_operation as actual_vehicle,
       actual_total - actual_outbound - actual_vehicle_purchase - actual_vehicle_operation as actual_reception
from items
"""

_SUMMARY = """
create table fct_unit_year_summary as
with t as (
    select document_id, sum(total) as expenditure_total, sum(basic) as basic_expenditure,
           sum(project) as project_expenditure
    from fct_expenditure_by_subject group by document_id
),
e as (
    select document_id,
           sum(amount) filter (where cost_category = '人员经费') as personnel_expenditure,
           sum(amount) filter (where cost_category = '公用经费') as public_expenditure
    from fct_basic_expenditure_by_economic_class group by document_id
),
uy as (
    select d.unit_id || '-' || d.fiscal_year as unit_year_key, d.unit_id, d.fiscal_year, d.document_id,
           d.version_no, d.versions_count, u.canonical_name as unit_name, u.department, u.unit_type, u.region,
           u.staff_count,
           t.expenditure_total as income_total, t.expenditure_total, t.expenditure_total as fiscal_income,
           t.basic_expenditure, t.project_expenditure,
           e.personnel_expenditure, e.public_expenditure,
           s.budget_total as sangong_budget, s.actual_total as sangong_actual,
           round(t.expenditure_total * 0.95, 2)::decimal(18, 2) as budget_initial_total
    from dim_documents as d
    join dim_units as u using (unit_id)
    join t using (document_id)
    join e using (document_id)
    left join fct_three_public_expenses as s using (document_id)
    where d.document_status = 'loaded'
)
select uy.*,
       p.income_total as prior_income_total, p.expenditure_total as prior_expenditure_total,
       uy.income_total - p.income_total as income_yoy_change,
       uy.expenditure_total - p.expenditure_total as expenditure_yoy_change,
       round(100 * (uy.income_total - p.income_total) / nullif(p.income_total, 0), 2) as income_yoy_pct,
       round(100 * (uy.expenditure_total - p.expenditure_total) / nullif(p.expenditure_total, 0), 2)
           as expenditure_yoy_pct,
       round(100 * uy.basic_expenditure / nullif(uy.expenditure_total, 0), 2) as basic_share_pct,
       round(100 * uy.project_expenditure / nullif(uy.expenditure_total, 0), 2) as project_share_pct,
       round(100 * uy.personnel_expenditure / nullif(uy.personnel_expenditure + uy.public_expenditure, 0), 2)
           as personnel_share_pct,
       round(100 * uy.sangong_actual / nullif(uy.sangong_budget, 0), 2) as sangong_execution_pct,
       round(uy.expenditure_total / nullif(uy.staff_count, 0), 2) as expenditure_per_staff
from uy
left join uy as p on uy.unit_id = p.unit_id and uy.fiscal_year = p.fiscal_year + 1
"""

_PROJECTS = """
create table fct_performance_projects as
select d.document_id || ':' || '项目' || n as project_key, d.document_id, d.unit_id, d.fiscal_year,
       '重点项目' || n as project_name, n as project_no,
       100.00::decimal(18, 2) as budget, (90 + n)::decimal(18, 2) as actual,
       (90 + n)::decimal(6, 2) as execution_rate_stated, (90 + n)::decimal(6, 2) as execution_rate_computed,
       20 as page_no
from dim_documents as d, range(1, 3) as r(n)
where d.document_status = 'loaded'
"""

_COVERAGE = """
create table fct_disclosure_coverage as
select u.unit_id || '-' || y as unit_year_key, u.unit_id, y::integer as fiscal_year,
       true as is_expected, d.document_id is not null as is_disclosed, d.document_id,
       case when d.document_id is null then 0 else 1 end as versions_count
from dim_units as u
cross join unnest(u.expected_years) as e(y)
left join dim_documents as d on d.unit_id = u.unit_id and d.fiscal_year = y and d.is_current
"""

_RUNS = """
create table refresh_runs as
select * from (values
    ('r-0001', timestamp '2026-01-05 09:00:00', timestamp '2026-01-05 09:01:10', 'success', 'data/inbox',
     10, 10, 0, 0, 0, 0, 10, 8, 2, 0, 0, 3, 30.5, 20.1, 5.2, 60.0, null),
    ('r-0002', timestamp '2026-01-06 09:00:00', timestamp '2026-01-06 09:00:02', 'unchanged', 'data/inbox',
     10, 0, 0, 10, 0, 0, 0, 0, 0, 0, 0, 0, 0.1, 0.0, 0.0, 2.0, null)
) as t(run_id, started_at, finished_at, status, inbox, files_seen, files_new, files_changed, files_unchanged,
       files_duplicate, files_missing, documents_parsed, documents_loaded, documents_quarantined,
       documents_superseding, units_flagged, findings, parse_seconds, dbt_seconds, dq_seconds, total_seconds, error)
"""

_DQ = """
create table dq_findings as
select 'f-' || d.document_id || '-' || r.rule_id as finding_id, 'r-0001' as run_id, d.document_id, d.unit_id,
       d.fiscal_year, r.rule_id, r.severity,
       case when hash(d.document_id, r.rule_id) % 11 = 0 then 'fail'
            when hash(d.document_id, r.rule_id) % 13 = 0 then 'rounding' else 'pass' end as outcome,
       100.00::double as expected,
       case when hash(d.document_id, r.rule_id) % 11 = 0 then 99.00
            when hash(d.document_id, r.rule_id) % 13 = 0 then 99.99 else 100.00 end::double as actual,
       case when hash(d.document_id, r.rule_id) % 11 = 0 then -1.00
            when hash(d.document_id, r.rule_id) % 13 = 0 then -0.01 else 0 end::double as difference,
       0.01::double as tolerance, null::double as excess,
       '03' as table_id, '合计' as row_label, '合计.total' as location, 3 as page_no,
       false as acknowledged, null::varchar as ack_note, null::varchar as acked_by, null::timestamp as acked_at
from dim_documents as d,
     (values ('R-row', 'error'), ('R-tree', 'error'), ('N-01', 'warning')) as r(rule_id, severity)
where d.document_status = 'loaded'
"""


def build(
    path: Path, n_units: int = 30, years: tuple[int, ...] = (2022, 2023, 2024), with_dq: bool = False
) -> Path:
    """Write a synthetic warehouse to ``path`` (replaced atomically)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.synthetic")
    for p in (tmp, tmp.with_name(tmp.name + ".wal")):
        p.unlink(missing_ok=True)
    y0, ny = min(years), len(years)
    con = duckdb.connect(str(tmp))
    try:
        con.execute(_UNITS, [y0, y0, ny, n_units])
        con.execute(_DOCUMENTS, [n_units, y0, y0, ny, y0, ny])
        con.execute(_QUARANTINED)
        con.execute(
            "create table dim_subjects as select cast(y as varchar) || '-' || code as subject_key, y as fiscal_year,"
            " code as subject_code, case length(code) when 3 then '类' when 5 then '款' else '项' end as subject_level,"
            " case length(code) when 3 then 1 when 5 then 2 else 3 end as level_no,"
            " case length(code) when 5 then left(code, 3) when 7 then left(code, 5) end as parent_code,"
            " left(code, 3) as class_code, case when length(code) >= 5 then left(code, 5) end as section_code,"
            " name as subject_name, 'printed' as name_source"
            " from (select unnest(?::varchar[]) as code, unnest(?::varchar[]) as name),"
            " (select unnest(?::integer[]) as y)",
            [
                [*CLASSES, *SECTIONS, *(c for c, _ in ITEMS)],
                [*CLASSES.values(), *SECTIONS.values(), *(n for _, n in ITEMS)],
                list(years),
            ],
        )
        groups = list(ECONOMIC_GROUPS)
        con.execute(
            "create table dim_economic_subjects as select cast(y as varchar) || '-' || code as economic_key,"
            " y as fiscal_year, code as economic_code, case length(code) when 3 then '类' else '款' end"
            " as economic_level, left(code, 3) as economic_group, name as economic_name,"
            " case when left(code, 3) in ('301', '303') then '人员经费' else '公用经费' end as cost_category"
            " from (select unnest(?::varchar[]) as code, unnest(?::varchar[]) as name),"
            " (select unnest(?::integer[]) as y)",
            [
                [*groups, *(e[0] for e in ECONOMIC)],
                [*ECONOMIC_GROUPS.values(), *(e[1] for e in ECONOMIC)],
                list(years),
            ],
        )
        codes, names = [c for c, _ in ITEMS], [n for _, n in ITEMS]
        con.execute(_LINES, [codes, names, codes])
        con.execute(_SUBJECT_TABLES)
        ecodes = [e[0] for e in ECONOMIC]
        con.execute(
            _ECON,
            [ecodes, [e[1] for e in ECONOMIC], [e[2] for e in ECONOMIC], [e[3] for e in ECONOMIC], ecodes],
        )
        con.execute(_SANGONG)
        con.execute(_SUMMARY)
        con.execute(_PROJECTS)
        con.execute(_COVERAGE)
        con.execute(_RUNS)
        if with_dq:
            con.execute(_DQ)
        con.execute("checkpoint")
    finally:
        con.close()
    os.replace(tmp, path)
    return path
