"""Every SQL statement the dashboard runs, in one place.

Design:
- Values are always bound parameters (``?``), never formatted into the text.
  The few identifiers that vary (a measure column, a subject level, a table to
  show) are picked from closed dictionaries defined here, so a caller can only
  choose among statements that already exist.
- Queries run on a read-only connection to the published warehouse, reopened
  whenever the file's identity (inode, mtime, size) changes: a refresh
  replaces the file with ``os.replace`` and the next query sees it without a
  restart. Results are cached on (query, parameters, path, file identity), so
  the cache never serves a replaced file's data.
- ``duckdb.IOException`` (the file is briefly locked or being replaced) is
  retried with a short back-off.
- Results are pandas DataFrames (copies, so callers may modify them).
"""

from __future__ import annotations

import os
import threading
import time
from collections import OrderedDict
from pathlib import Path

import duckdb
import pandas as pd

CACHE_SIZE = 256
_cache: OrderedDict[tuple, pd.DataFrame] = OrderedDict()


class WarehouseMissing(RuntimeError):
    pass


def warehouse_path() -> Path:
    """``$JUESUAN_WAREHOUSE``, else the warehouse package's default
    (``$JUESUAN_DATA_DIR/warehouse.duckdb``, ``data/warehouse.duckdb``)."""
    env = os.environ.get("JUESUAN_WAREHOUSE")
    if env:
        return Path(env)
    try:
        from warehouse.paths import default_warehouse

        return default_warehouse()
    except ImportError:  # pragma: no cover - the warehouse package is part of the repo
        return Path(os.environ.get("JUESUAN_DATA_DIR", "data")) / "warehouse.duckdb"


def _stamp(path: Path) -> tuple[int, int, int]:
    """Identity of the published file: a refresh replaces it (new inode, mtime)."""
    try:
        st = path.stat()
    except FileNotFoundError:
        raise WarehouseMissing(f"数据仓库文件不存在：{path}（请先运行 juesuan refresh）") from None
    return st.st_ino, st.st_mtime_ns, st.st_size


def _freeze(value):
    if isinstance(value, (list, tuple)):
        return tuple(_freeze(v) for v in value)
    return value


def clear_cache() -> None:
    _cache.clear()


class _Connection:
    """One read-only connection per published file version, reopened when the
    file changes. Queries are serialised on it (DuckDB connections are not
    thread-safe; Streamlit runs each session in its own thread): opening a
    connection costs ~30 ms, most queries here take less. The old connection is
    closed before the new file is opened, so DuckDB's per-path instance cache
    can never hand back the replaced file. Refresh never writes the published
    file in place (it builds a copy and ``os.replace``s it), so holding it open
    does not block a refresh."""

    def __init__(self) -> None:
        self.lock = threading.RLock()
        self.con: duckdb.DuckDBPyConnection | None = None
        self.key: tuple | None = None

    def close(self) -> None:
        with self.lock:
            if self.con is not None:
                try:
                    self.con.close()
                finally:
                    self.con, self.key = None, None

    def execute(self, path: Path, stamp: tuple, sql: str, params: list) -> pd.DataFrame:
        key = (str(path.resolve()), stamp)
        with self.lock:
            if self.key != key:
                self.close()
                self.con = duckdb.connect(
                    str(path), read_only=True, config={"autoinstall_known_extensions": False}
                )
                self.key = key
            try:
                return self.con.execute(sql, params).df()
            except duckdb.IOException:
                self.close()
                raise


_conn = _Connection()


def close() -> None:
    """Release the warehouse file (tests; shutting down)."""
    _conn.close()


def run(sql: str, params: list | tuple = (), path: Path | None = None, cached: bool = True) -> pd.DataFrame:
    """Run one statement against the published warehouse, read-only."""
    path = Path(path or warehouse_path())
    delay = 0.05
    for attempt in range(8):
        stamp = _stamp(path)
        key = (sql, _freeze(tuple(params)), str(path.resolve()), stamp)
        if cached and key in _cache:
            _cache.move_to_end(key)
            return _cache[key].copy()
        try:
            df = _conn.execute(path, stamp, sql, list(params))
            break
        except duckdb.IOException:
            if attempt == 7:
                raise
            time.sleep(delay)
            delay = min(delay * 2, 1.0)
    if cached:
        _cache[key] = df
        while len(_cache) > CACHE_SIZE:
            _cache.popitem(last=False)
        return df.copy()
    return df


def _scalar(sql: str, params: list | tuple = ()):
    df = run(sql, params)
    return None if df.empty else df.iat[0, 0]


# --------------------------------------------------------------------------- meta

SQL_TABLES = "select table_name from information_schema.tables where table_schema = 'main'"
SQL_COLUMNS = (
    "select column_name from information_schema.columns where table_schema = 'main' and table_name = ?"
)


def tables() -> set[str]:
    return set(run(SQL_TABLES)["table_name"])


def has_table(name: str) -> bool:
    return name in tables()


def columns(table: str) -> list[str]:
    return list(run(SQL_COLUMNS, [table])["column_name"])


def warehouse_info() -> dict:
    path = warehouse_path()
    st = path.stat()
    return {"path": str(path), "mtime": st.st_mtime, "size": st.st_size}


# --------------------------------------------------------------------------- filters

SQL_YEARS = "select distinct fiscal_year from fct_unit_year_summary order by fiscal_year desc"
SQL_DEPARTMENTS = (
    "select distinct department from fct_unit_year_summary where department is not null order by department"
)
SQL_UNIT_TYPES = (
    "select distinct unit_type from fct_unit_year_summary where unit_type is not null order by unit_type"
)
SQL_UNITS_FOR_YEAR = """
select unit_id, unit_name, unit_type, department
from fct_unit_year_summary
where fiscal_year = ?
order by unit_name, unit_id
"""
# Units with a loaded disclosure first (the detail page opens on one of them).
SQL_ALL_UNITS = """
select unit_id, canonical_name as unit_name, unit_type, department, unit_source, needs_review
from dim_units
order by unit_id not in (select unit_id from fct_unit_year_summary), canonical_name, unit_id
"""


def years() -> list[int]:
    return [int(y) for y in run(SQL_YEARS)["fiscal_year"]]


def departments() -> list[str]:
    return list(run(SQL_DEPARTMENTS)["department"])


def unit_types() -> list[str]:
    return list(run(SQL_UNIT_TYPES)["unit_type"])


def units_for_year(year: int) -> pd.DataFrame:
    return run(SQL_UNITS_FOR_YEAR, [year])


def all_units() -> pd.DataFrame:
    return run(SQL_ALL_UNITS)


# --------------------------------------------------------------------------- 总览

# An empty list means "no filter"; the list is bound as one parameter.
SQL_OVERVIEW = """
select
    s.unit_id, s.unit_name, s.department, s.unit_type, s.staff_count,
    s.expenditure_total, s.basic_expenditure, s.project_expenditure,
    s.personnel_expenditure, s.public_expenditure,
    s.sangong_budget, s.sangong_actual,
    s.prior_expenditure_total, s.expenditure_yoy_change, s.expenditure_yoy_pct,
    s.income_total, s.version_no,
    d.n_problems
from fct_unit_year_summary as s
left join dim_documents as d on s.document_id = d.document_id
where s.fiscal_year = ?
  and (len(?::varchar[]) = 0 or s.department in (select unnest(?::varchar[])))
  and (len(?::varchar[]) = 0 or s.unit_type in (select unnest(?::varchar[])))
order by s.expenditure_total desc nulls last, s.unit_id
"""

SQL_HEADLINE = """
select
    count(*) as units,
    sum(expenditure_total) as expenditure_total,
    sum(basic_expenditure) as basic_expenditure,
    sum(project_expenditure) as project_expenditure,
    sum(personnel_expenditure) as personnel_expenditure,
    sum(public_expenditure) as public_expenditure,
    sum(sangong_actual) as sangong_actual,
    sum(prior_expenditure_total) as prior_expenditure_total
from fct_unit_year_summary
where fiscal_year = ?
  and (len(?::varchar[]) = 0 or department in (select unnest(?::varchar[])))
  and (len(?::varchar[]) = 0 or unit_type in (select unnest(?::varchar[])))
"""

# Quality status per unit-year, from the data-quality engineer's dq_findings.
SQL_DQ_STATUS = """
select unit_id,
       count(*) filter (where outcome = 'fail') as dq_failed,
       count(*) as dq_rules
from dq_findings
where fiscal_year = ?
group by unit_id
"""


def overview(
    year: int, departments: list[str] | None = None, unit_types: list[str] | None = None
) -> pd.DataFrame:
    deps, types = list(departments or []), list(unit_types or [])
    df = run(SQL_OVERVIEW, [year, deps, deps, types, types])
    status = dq_status(year)
    if status is not None:
        df = df.merge(status, on="unit_id", how="left")
    return df


def dq_status(year: int) -> pd.DataFrame | None:
    if not {"unit_id", "fiscal_year", "outcome"} <= set(columns("dq_findings")):
        return None
    return run(SQL_DQ_STATUS, [year])


def headline(year: int, departments: list[str] | None = None, unit_types: list[str] | None = None) -> dict:
    deps, types = list(departments or []), list(unit_types or [])
    df = run(SQL_HEADLINE, [year, deps, deps, types, types])
    return {k: (None if pd.isna(v) else v) for k, v in df.iloc[0].to_dict().items()}


# --------------------------------------------------------------------------- 单位对比

# Measures of 公开03表 (功能分类) and the level to roll up to. Closed sets.
SUBJECT_MEASURES = {"total": "本年支出合计", "basic": "基本支出", "project": "项目支出"}
SUBJECT_LEVELS = {"类": "class_code", "款": "section_code", "项": "item_code"}
ECONOMIC_LEVEL = "经济分类"

# The amounts only (unit, code, amount): a unit type can mean thousands of
# units × dozens of subjects, and turning repeated name strings into pandas
# costs more than the aggregation itself. Names are looked up once per unit
# and per code (below) and mapped in pandas.
_SQL_COMPARE = """
with agg as (
    {agg}
),
shares as (
    select agg.unit_id, agg.code, agg.amount,
           round(100 * agg.amount / nullif(sum(agg.amount) over (partition by agg.unit_id), 0), 2) as share_pct,
           rank() over (partition by agg.code order by agg.amount desc) as rank
    from agg
)
select shares.* from shares
left join dim_units as u on shares.unit_id = u.unit_id
order by shares.code, u.canonical_name, shares.unit_id
"""
_AGG_SUBJECT = """
    select unit_id, {code} as code, sum({measure})::double as amount
    from fct_expenditure_by_subject
    where fiscal_year = ? and unit_id in ({units}) and {code} is not null
    group by unit_id, {code}
"""
_AGG_ECONOMIC = """
    select unit_id, economic_group as code, sum(amount)::double as amount
    from fct_basic_expenditure_by_economic_class
    where fiscal_year = ? and unit_id in ({units})
    group by unit_id, economic_group
"""
# Which units: a bound list of ids, or every unit of a bound unit type that year.
_UNIT_SETS = {
    "ids": "select unnest(?::varchar[])",
    "type": "select unit_id from fct_unit_year_summary where fiscal_year = ? and unit_type = ?",
}
SQL_COMPARE_SUBJECT = {
    (m, lvl, by): _SQL_COMPARE.format(agg=_AGG_SUBJECT.format(measure=m, code=col, units=units))
    for m in SUBJECT_MEASURES
    for lvl, col in SUBJECT_LEVELS.items()
    for by, units in _UNIT_SETS.items()
}
SQL_COMPARE_ECONOMIC = {
    by: _SQL_COMPARE.format(agg=_AGG_ECONOMIC.format(units=units)) for by, units in _UNIT_SETS.items()
}
SQL_UNIT_NAMES = {
    by: f"select unit_id, canonical_name as unit_name from dim_units where unit_id in ({units})"
    for by, units in _UNIT_SETS.items()
}
SQL_SUBJECT_NAMES = (
    "select subject_code as code, subject_name as name from dim_subjects where fiscal_year = ?"
)
SQL_ECONOMIC_NAMES = (
    "select economic_code as code, economic_name as name from dim_economic_subjects where fiscal_year = ?"
)
# Printed names, for the rare code the year's dictionary does not know.
SQL_PRINTED_SUBJECT_NAMES = """
select subject_code as code, any_value(subject_name_printed) as name
from fct_expenditure_by_subject
where fiscal_year = ? and subject_code in (select unnest(?::varchar[]))
group by subject_code
"""
SQL_PRINTED_ECONOMIC_NAMES = """
select economic_code as code, any_value(economic_name_printed) as name
from fct_basic_expenditure_by_economic_class
where fiscal_year = ? and economic_code in (select unnest(?::varchar[]))
group by economic_code
"""

# Unit-year measures for trend lines (fct_unit_year_summary columns).
TREND_MEASURES = {
    "expenditure_total": "本年支出合计",
    "basic_expenditure": "基本支出",
    "project_expenditure": "项目支出",
    "personnel_expenditure": "人员经费",
    "public_expenditure": "公用经费",
    "sangong_actual": "三公经费",
    "income_total": "本年收入合计",
}
SQL_TREND = {
    m: f"""
select fiscal_year, unit_id, unit_name, {m} as amount
from fct_unit_year_summary
where unit_id in (select unnest(?::varchar[]))
order by fiscal_year, unit_name
"""
    for m in TREND_MEASURES
}

SQL_UNITS_OF_TYPE = (
    "select unit_id from fct_unit_year_summary where fiscal_year = ? and unit_type = ? order by unit_id"
)

SQL_EXECUTION = """
select s.unit_id, s.unit_name, s.budget_initial_total, s.expenditure_total,
       round(100 * s.expenditure_total / nullif(s.budget_initial_total, 0), 2) as execution_pct
from fct_unit_year_summary as s
where s.fiscal_year = ? and s.unit_id in (select unnest(?::varchar[]))
order by s.unit_name
"""


def compare(
    year: int, unit_ids: list[str] | None, measure: str, level: str, unit_type: str | None = None
) -> pd.DataFrame:
    """Amount per unit and subject at the chosen level, with rank and share.
    Units: ``unit_ids``, or all units of ``unit_type`` that year when given.
    Columns: unit_id, unit_name, code, name, amount, share_pct, rank; ordered by
    code, then unit name."""
    by = "ids" if unit_type is None else "type"
    unit_params = [list(unit_ids or [])] if unit_type is None else [year, unit_type]
    economic = level == ECONOMIC_LEVEL
    if economic:
        df = run(SQL_COMPARE_ECONOMIC[by], [year, *unit_params])
    else:
        if (measure, level, by) not in SQL_COMPARE_SUBJECT:
            raise ValueError(f"未知的指标或科目级次：{measure} / {level}")
        df = run(SQL_COMPARE_SUBJECT[(measure, level, by)], [year, *unit_params])
    cols = ["unit_id", "unit_name", "code", "name", "amount", "share_pct", "rank"]
    if df.empty:
        return df.reindex(columns=cols)
    unit_names = run(SQL_UNIT_NAMES[by], unit_params)
    names = _code_names(year, list(df["code"].unique()), economic)
    df = df.merge(unit_names, on="unit_id", how="left", sort=False).merge(
        names, on="code", how="left", sort=False
    )
    df["rank"] = df["rank"].astype(int)
    return df[cols]


def _code_names(year: int, codes: list[str], economic: bool) -> pd.DataFrame:
    """code, name for the codes: the year's dictionary name, else as printed."""
    d = run(SQL_ECONOMIC_NAMES if economic else SQL_SUBJECT_NAMES, [year])
    known = {c: n for c, n in zip(d["code"], d["name"], strict=True) if isinstance(n, str)}
    missing = [c for c in codes if c not in known]
    if missing:
        p = run(SQL_PRINTED_ECONOMIC_NAMES if economic else SQL_PRINTED_SUBJECT_NAMES, [year, missing])
        known.update({c: n for c, n in zip(p["code"], p["name"], strict=True) if c not in known})
    return pd.DataFrame({"code": codes, "name": [known.get(c) for c in codes]})


def units_of_type(year: int, unit_type: str) -> list[str]:
    return list(run(SQL_UNITS_OF_TYPE, [year, unit_type])["unit_id"])


def trend(unit_ids: list[str], measure: str) -> pd.DataFrame:
    if measure not in SQL_TREND:
        raise ValueError(f"未知的指标：{measure}")
    return run(SQL_TREND[measure], [list(unit_ids)])


def execution(year: int, unit_ids: list[str]) -> pd.DataFrame:
    return run(SQL_EXECUTION, [year, list(unit_ids)])


# --------------------------------------------------------------------------- 科目分析

SQL_SUBJECT_OPTIONS = """
select subject_code, subject_level, subject_name
from dim_subjects
where fiscal_year = ?
order by subject_code
"""
SQL_SUBJECT_BY_UNIT = """
select f.unit_id, u.canonical_name as unit_name, u.unit_type,
       sum(f.total) as total, sum(f.basic) as basic, sum(f.project) as project
from fct_expenditure_by_subject as f
left join dim_units as u on f.unit_id = u.unit_id
where f.fiscal_year = ? and starts_with(f.subject_code, ?)
group by f.unit_id, u.canonical_name, u.unit_type
order by total desc, unit_name
"""
SQL_SUBJECT_TREND = """
select fiscal_year, sum(total) as total, count(distinct unit_id) as units
from fct_expenditure_by_subject
where starts_with(subject_code, ?)
group by fiscal_year
order by fiscal_year
"""
SQL_SUBJECT_TREE = """
with leaf as (
    select class_code, section_code, item_code, sum(total) as total
    from fct_expenditure_by_subject
    where fiscal_year = ? and class_code is not null
    group by all
)
select
    leaf.class_code, coalesce(c.subject_name, leaf.class_code) as class_name,
    leaf.section_code, coalesce(s.subject_name, leaf.section_code) as section_name,
    leaf.item_code, coalesce(i.subject_name, leaf.item_code) as item_name,
    leaf.total
from leaf
left join dim_subjects as c on c.fiscal_year = ? and c.subject_code = leaf.class_code
left join dim_subjects as s on s.fiscal_year = ? and s.subject_code = leaf.section_code
left join dim_subjects as i on i.fiscal_year = ? and i.subject_code = leaf.item_code
order by leaf.class_code, leaf.section_code, leaf.item_code
"""


def subject_options(year: int) -> pd.DataFrame:
    return run(SQL_SUBJECT_OPTIONS, [year])


def subject_by_unit(year: int, subject_code: str) -> pd.DataFrame:
    return run(SQL_SUBJECT_BY_UNIT, [year, subject_code])


def subject_trend(subject_code: str) -> pd.DataFrame:
    return run(SQL_SUBJECT_TREND, [subject_code])


def subject_tree(year: int) -> pd.DataFrame:
    return run(SQL_SUBJECT_TREE, [year, year, year, year])


# --------------------------------------------------------------------------- 单位详情

SQL_UNIT_YEARS = "select fiscal_year from fct_unit_year_summary where unit_id = ? order by fiscal_year desc"
SQL_UNIT_SUMMARY = "select * from fct_unit_year_summary where unit_id = ? and fiscal_year = ?"
SQL_UNIT_DOCUMENTS = """
select document_id, fiscal_year, version_no, versions_count, is_current, document_status,
       superseded_by_document_id, unit_name_printed, file_name, source_path, document_format,
       publication_date, quarantine_reason, n_problems, first_seen_at, loaded_at
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
    return None if df.empty else df.iloc[0].to_dict()


def unit_documents(unit_id: str) -> pd.DataFrame:
    return run(SQL_UNIT_DOCUMENTS, [unit_id])


def unit_table_03(document_id: str, year: int) -> pd.DataFrame:
    return run(SQL_UNIT_TABLE_03, [document_id, year])


def unit_subject_table(table_no: str, document_id: str, year: int) -> pd.DataFrame | None:
    """公开02/03/05表 of a document in the published layout; None when the
    warehouse lacks the table."""
    if table_no not in SQL_UNIT_SUBJECT_TABLE:
        raise ValueError(f"未知的表：{table_no}")
    if not has_table(SUBJECT_TABLES[table_no][0]):
        return None
    return run(SQL_UNIT_SUBJECT_TABLE[table_no], [document_id, year])


def unit_two_sided_table(table_no: str, document_id: str) -> pd.DataFrame | None:
    """公开01/04表 of a document, income and expenditure side by side; None
    when the warehouse lacks the table."""
    if table_no not in SQL_UNIT_TWO_SIDED:
        raise ValueError(f"未知的表：{table_no}")
    if not has_table(TWO_SIDED_TABLES[table_no][0]):
        return None
    return run(SQL_UNIT_TWO_SIDED[table_no], [document_id]).drop(columns=["block", "pos"])


def unit_table_06(document_id: str) -> pd.DataFrame:
    return run(SQL_UNIT_TABLE_06, [document_id])


def document_table(table: str, document_id: str) -> pd.DataFrame | None:
    """One of DOCUMENT_TABLES for a document; None when the warehouse lacks it."""
    if table not in SQL_DOCUMENT_TABLE:
        raise ValueError(f"未知的表：{table}")
    if not has_table(table):
        return None
    return run(SQL_DOCUMENT_TABLE[table], [document_id])


def unit_findings(unit_id: str, year: int) -> pd.DataFrame | None:
    if not {"unit_id", "fiscal_year"} <= set(columns("dq_findings")):
        return None
    return run(SQL_UNIT_FINDINGS, [unit_id, year])


# --------------------------------------------------------------------------- 异常识别

# Key ratios per unit-year; a unit is an outlier when its robust z-score within
# its peer group (same unit_type, same year) is beyond the threshold.
OUTLIER_METRICS = {
    "personnel_share_pct": "人员经费占比（%）",
    "sangong_per_staff": "人均三公经费（万元/人）",
    "expenditure_yoy_pct": "支出同比变动（%）",
    "project_share_pct": "项目支出占比（%）",
}
SQL_OUTLIERS = """
with base as (
    select unit_id, unit_name, unit_type, fiscal_year,
           personnel_share_pct::double as personnel_share_pct,
           (sangong_actual / nullif(staff_count, 0))::double as sangong_per_staff,
           expenditure_yoy_pct::double as expenditure_yoy_pct,
           project_share_pct::double as project_share_pct
    from fct_unit_year_summary
    where fiscal_year = ? and unit_type is not null
),
long as (
    unpivot base on personnel_share_pct, sangong_per_staff, expenditure_yoy_pct, project_share_pct
    into name metric value value
),
stats as (
    select unit_type, metric, median(value) as peer_median, count(*) as peers
    from long group by unit_type, metric
),
mad as (
    select long.unit_type, long.metric, median(abs(long.value - stats.peer_median)) as peer_mad
    from long join stats using (unit_type, metric)
    group by long.unit_type, long.metric
)
select long.unit_id, long.unit_name, long.unit_type, long.metric, long.value,
       stats.peer_median, mad.peer_mad, stats.peers,
       0.6745 * (long.value - stats.peer_median) / nullif(mad.peer_mad, 0) as robust_z
from long
join stats using (unit_type, metric)
join mad using (unit_type, metric)
where stats.peers >= ?
  and abs(0.6745 * (long.value - stats.peer_median) / nullif(mad.peer_mad, 0)) >= ?
order by abs(robust_z) desc, long.unit_id
"""


def outliers(year: int, threshold: float = 3.5, min_peers: int = 5, type_label=None) -> pd.DataFrame:
    """Outliers with a Chinese reason; ``type_label`` maps a unit-type code to
    its display name in the reason (the dashboard passes ``ui.unit_type_label``)."""
    df = run(SQL_OUTLIERS, [year, min_peers, threshold])
    type_label = type_label or (lambda t: t)
    if not df.empty:
        df["metric_label"] = df["metric"].map(OUTLIER_METRICS)
        df["reason"] = [
            f"{OUTLIER_METRICS.get(m, m)}为 {v:.2f}，同类单位（{t}，{n} 家）中位数 {med:.2f}，"
            f"{'高于' if z > 0 else '低于'}中位数 {abs(z):.1f} 个稳健标准差"
            for m, v, t, n, med, z in zip(
                df["metric"],
                df["value"],
                df["unit_type"].map(type_label),
                df["peers"],
                df["peer_median"],
                df["robust_z"],
                strict=True,
            )
        ]
    return df


# --------------------------------------------------------------------------- 数据质量

SQL_FINDINGS = "select * from dq_findings where (? is null or fiscal_year = ?) and (? is null or outcome = ?)"
SQL_DQ_MATRIX = """
select rule_id, unit_id, fiscal_year,
       count(*) filter (where outcome = 'fail') as failed,
       count(*) as checks
from dq_findings
where (? is null or fiscal_year = ?)
group by rule_id, unit_id, fiscal_year
order by rule_id, unit_id, fiscal_year
"""
DQ_SUMMARY_TABLES = ("dq_summary", "dq_unit_year_summary")


def dq_available() -> bool:
    return {"outcome", "fiscal_year"} <= set(columns("dq_findings"))


def findings(year: int | None = None, outcome: str | None = None) -> pd.DataFrame:
    return run(SQL_FINDINGS, [year, year, outcome, outcome])


def dq_matrix(year: int | None = None) -> pd.DataFrame | None:
    if not {"rule_id", "unit_id", "fiscal_year", "outcome"} <= set(columns("dq_findings")):
        return None
    return run(SQL_DQ_MATRIX, [year, year])


SQL_DQ_SUMMARY = {t: f"select * from {t}" for t in DQ_SUMMARY_TABLES}


def dq_summary() -> pd.DataFrame | None:
    present = tables()
    for t in DQ_SUMMARY_TABLES:
        if t in present:
            return run(SQL_DQ_SUMMARY[t])
    return None


# --------------------------------------------------------------------------- 刷新与覆盖

SQL_RUNS = "select * from refresh_runs order by started_at desc nulls last"
SQL_LAST_SUCCESS = """
select max(finished_at) from refresh_runs where status in ('success', 'unchanged', 'dq_failed')
"""
SQL_QUARANTINE = """
select document_id, file_name, source_path, unit_name_printed, fiscal_year,
       quarantine_code, quarantine_reason, first_seen_at
from dim_documents
where document_status = 'quarantined'
order by first_seen_at desc nulls last, file_name
"""
SQL_MISSING = """
select c.fiscal_year, c.unit_id, u.canonical_name as unit_name, u.department, u.unit_type
from fct_disclosure_coverage as c
left join dim_units as u on c.unit_id = u.unit_id
where c.is_expected and not c.is_disclosed and (? is null or c.fiscal_year = ?)
order by c.fiscal_year desc, u.department, c.unit_id
"""
SQL_COVERAGE = """
select fiscal_year,
       count(*) filter (where is_expected) as expected,
       count(*) filter (where is_expected and is_disclosed) as disclosed,
       count(*) filter (where not is_expected and is_disclosed) as unexpected
from fct_disclosure_coverage
group by fiscal_year
order by fiscal_year desc
"""
SQL_REVIEW_UNITS = """
select unit_id, canonical_name, review_reason, suggested_unit_id, documents_count
from dim_units where needs_review order by canonical_name
"""


def runs() -> pd.DataFrame | None:
    return run(SQL_RUNS) if has_table("refresh_runs") else None


def last_success():
    return _scalar(SQL_LAST_SUCCESS) if has_table("refresh_runs") else None


def quarantine() -> pd.DataFrame:
    return run(SQL_QUARANTINE)


def missing_disclosures(year: int | None = None) -> pd.DataFrame:
    return run(SQL_MISSING, [year, year])


def coverage() -> pd.DataFrame:
    return run(SQL_COVERAGE)


def review_units() -> pd.DataFrame:
    return run(SQL_REVIEW_UNITS)
