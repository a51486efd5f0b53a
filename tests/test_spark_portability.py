"""The dbt project stays portable: no DuckDB-only SQL outside the portability
macros (the check `make lint` runs), and every portability macro has a Spark
variant. The build on Spark itself is `make test-spark` (spark/run.sh)."""

from __future__ import annotations

import importlib.util
import re
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
PROJECT = REPO / "dbt_project"


def _checker():
    spec = importlib.util.spec_from_file_location(
        "check_portability", REPO / "spark" / "check_portability.py"
    )
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_project_has_no_duckdb_only_sql_outside_the_macros():
    assert _checker().check(PROJECT) == []


@pytest.mark.parametrize(
    "sql",
    [
        'select "table" as table_id from t',
        "select cast(year as varchar) from t",
        "select x::int from t",
        "select first(v order by k) from t",
        "select list(v order by v) from t",
        "select * from t cross join unnest(string_split(a, '|')) as u (x)",
        "select list_contains(tables, '09') from t",
        "select regexp_full_match(code, '[0-9]+') from t",
        "select coalesce(a, []) from t",
        "select * exclude (a) from t",
        "select * from t where k like 'a\\_%' escape '\\'",
        "select any_value(v) from t group by k",
        """select {{ wan_or_null("first(v order by k)") }} from t""",
    ],
)
def test_duckdb_only_constructs_are_found(sql):
    found = _checker().problems_in(sql)
    assert found, sql
    assert all(line == 1 for line, _ in found)


def test_portable_sql_and_jinja_pass():
    sql = """
    {# a comment may say "list(x)" or [1] #}
    -- so may "this" one: first(x)
    select
        {{ first_by('fact_value', ['fact_no'], where="fact_kind = 'x'") }} as v,
        {{ col('table') }} as table_id,
        'text with "quotes" and [brackets]' as label,
        count(*) filter (where a > 0) as n,
        cast(x as {{ dbt.type_string() }}) as s
    from {{ ref('stg_lines') }}
    """
    assert _checker().problems_in(sql) == []


def test_problems_carry_their_line_numbers():
    sql = "select\n    a,\n    {# note\n  #}\n    b::int\nfrom t"
    assert [line for line, _ in _checker().problems_in(sql)] == [5]


def test_every_dispatched_macro_has_duckdb_and_spark_variants():
    text = "\n".join(p.read_text(encoding="utf-8") for p in (PROJECT / "macros").glob("*.sql"))
    dispatched = set(re.findall(r"adapter\.dispatch\('(\w+)'", text))
    assert {"first_by", "sorted_list", "pending_documents", "incremental_document_config"} <= dispatched
    defined = set(re.findall(r"{%\s*macro\s+(\w+)\s*\(", text))
    for name in dispatched:
        assert f"default__{name}" in defined, name
        # prune_stale_documents is DuckDB's pre-hook only (Spark overwrites partitions)
        if name != "prune_stale_documents":
            assert f"spark__{name}" in defined, name
