"""A serving warehouse imported from Parquet relations (warehouse/serving.py)
answers the dashboard's queries and gives the same findings as the refresh's
warehouse. Here DuckDB writes the Parquet files, standing in for a Spark build;
`make test-spark` does the same with the files Spark wrote."""

from __future__ import annotations

import importlib.util
import re
from pathlib import Path

import duckdb
import pytest

from warehouse import serving

REPO = Path(__file__).resolve().parents[1]


def _compare_serving():
    spec = importlib.util.spec_from_file_location("compare_serving", REPO / "spark" / "compare_serving.py")
    assert spec and spec.loader
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


@pytest.fixture(scope="module")
def refreshed(tmp_path_factory) -> Path:
    from samplegen.generate import generate
    from warehouse.refresh import refresh

    root = tmp_path_factory.mktemp("serving")
    generate(root / "inbox", units=4, years="2022-2023", formats="text,xlsx", faults=0.5, seed=5)
    summary = refresh(root / "inbox", root / "wh" / "warehouse.duckdb")
    assert summary.status in ("success", "dq_failed"), summary.status
    return root / "wh" / "warehouse.duckdb"


def _export(warehouse: Path, out: Path) -> list[str]:
    """Every relation of the warehouse as Parquet, one directory each (as Spark writes a
    table), its rows shuffled: nothing may depend on a file's row order."""
    with duckdb.connect(str(warehouse), read_only=True) as con:
        con.execute("select setseed(0.25)")
        names = [r[0] for r in con.execute("select table_name from information_schema.tables").fetchall()]
        for name in serving.served(names):
            (out / name).mkdir(parents=True)
            con.execute(
                f"copy (select * from \"{name}\" order by random()) to '{out / name / 'part-0.parquet'}' (format parquet)"
            )
    return names


def test_served_file_answers_every_probe_like_the_warehouse(refreshed, tmp_path):
    _export(refreshed, tmp_path / "parquet")
    served = tmp_path / "served" / "warehouse.duckdb"
    result = serving.build(tmp_path / "parquet", served)
    assert result["relations"] >= 20 and result["rows"] > 0
    with duckdb.connect(str(served), read_only=True) as con:
        assert con.execute("select count(*) from dq_findings where outcome = 'fail'").fetchone()[0] > 0
    n, found = _compare_serving().differences(refreshed, served)
    assert n >= 25
    assert found == []


def test_a_changed_mart_is_a_difference(refreshed, tmp_path):
    """The comparison can fail: one amount changed in the Parquet files shows up."""
    _export(refreshed, tmp_path / "parquet")
    part = tmp_path / "parquet" / "fct_unit_year_summary" / "part-0.parquet"
    with duckdb.connect() as con:
        con.execute(
            f"copy (select * replace (expenditure_total + 1 as expenditure_total) from '{part}') "
            f"to '{tmp_path / 'x.parquet'}' (format parquet)"
        )
    (tmp_path / "x.parquet").replace(part)
    served = tmp_path / "served.duckdb"
    serving.build(tmp_path / "parquet", served)
    _, found = _compare_serving().differences(refreshed, served)
    assert any(d.startswith(("overview", "headline", "unit_summary")) for d in found), found


def test_missing_relation_is_a_chinese_error_and_nothing_is_replaced(refreshed, tmp_path):
    _export(refreshed, tmp_path / "parquet")
    for f in (tmp_path / "parquet" / "raw_lines").iterdir():
        f.unlink()
    target = tmp_path / "served.duckdb"
    target.write_bytes(b"old")
    with pytest.raises(serving.ServingError, match=r"缺少以下关系.*raw_lines"):
        serving.build(tmp_path / "parquet", target)
    assert target.read_bytes() == b"old"
    assert list(tmp_path.glob(".served.duckdb.serving-*")) == []


def test_every_relation_the_readers_query_is_served_or_written_by_the_rules():
    """Names after from/join in the dashboard's and the rules' SQL: a mart, one of
    SERVED_BESIDES_MARTS, or a table the rules or the refresh write."""
    written = re.compile(r"^(dq_|_dq|refresh_runs$|information_schema$|duckdb_)")
    sources = [*REPO.glob("dashboard/queries/*.py"), *REPO.glob("expectations/*.py")]
    named = set()
    for path in sources:
        for m in re.finditer(r"\b(?:from|join)\s+([a-z_][a-z0-9_]*)\b(?!\s+import)", path.read_text()):
            named.add(m.group(1))
    relations = {n for n in named if re.match(r"^(dim|fct|int|raw|rule|stg)_", n)}
    assert relations >= {"dim_units", "raw_lines", "int_dq_documents"}  # the scan finds the SQL
    unserved = {n for n in relations if n not in serving.served([n]) and not written.match(n)}
    assert unserved == set()
