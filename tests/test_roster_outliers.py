"""Peer groups for the outlier page (issue 16): unit type and size band, unit
type, department; a group too small falls back to a broader one, and every row
names the group it was compared with."""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from fixtures import synthetic_marts

from dashboard import queries


@pytest.fixture(scope="module")
def wh(tmp_path_factory):
    path = tmp_path_factory.mktemp("outliers") / "warehouse.duckdb"
    synthetic_marts.build(path, n_units=30, years=(2023, 2024))
    return path


@pytest.fixture(autouse=True)
def use_wh(wh, monkeypatch):
    monkeypatch.setenv("JUESUAN_WAREHOUSE", str(wh))
    queries.clear_cache()
    yield
    queries.close()


def _tuples(df):
    """The rows of a query result with attribute access."""
    return [SimpleNamespace(**r) for r in df.iter_rows(named=True)]


def _peer_sizes(grouping: str, size_by: str = "staff"):
    """The members of each unit's group, recomputed here from the summary."""
    df = queries.run("select unit_id, unit_type, department, staff_count, expenditure_total from fct_unit_year_summary "
                     "where fiscal_year = 2024")  # fmt: skip
    band = {
        "staff": lambda r: (
            "20人以下"
            if r.staff_count < 20
            else "20–49人"
            if r.staff_count < 50
            else "50–99人"
            if r.staff_count < 100
            else "100人及以上"
        ),
        "expenditure": lambda r: (
            "500万元以下"
            if r.expenditure_total < 500
            else "500–2000万元"
            if r.expenditure_total < 2000
            else "2000万–1亿元"
            if r.expenditure_total < 10000
            else "1亿元及以上"
        ),
    }[size_by]
    key = {
        "type_size": lambda r: f"{r.unit_type} · {band(r)}",
        "type": lambda r: r.unit_type,
        "department": lambda r: r.department,
    }[grouping]
    keys = {r.unit_id: key(r) for r in _tuples(df)}
    sizes = {}
    for k in keys.values():
        sizes[k] = sizes.get(k, 0) + 1
    return keys, sizes, len(df)


@pytest.mark.parametrize(("grouping", "size_by"), [("type_size", "staff"), ("type_size", "expenditure"),
                                                   ("type", "staff"), ("department", "staff")])  # fmt: skip
def test_each_row_names_its_group_and_the_group_is_right(grouping, size_by):
    df = queries.outliers(2024, threshold=0.5, min_peers=3, grouping=grouping, size_by=size_by)
    assert not df.is_empty()
    keys, sizes, total = _peer_sizes(grouping, size_by)
    type_keys, type_sizes, _ = _peer_sizes("type")
    for r in _tuples(df):
        assert r.peer_group in r.reason and r.peer_basis in r.reason
        if r.peer_level == 1:
            assert r.peer_group == keys[r.unit_id] and sizes[keys[r.unit_id]] >= 3
            assert r.peer_basis == queries.PEER_GROUPINGS[grouping]
        elif r.peer_level == 2:  # fell back: its own group was too small
            assert sizes[keys[r.unit_id]] < 3 and r.peer_group == type_keys[r.unit_id]
            assert "不足 3 家" in r.peer_basis
        else:
            assert r.peer_group == "全区" and type_sizes[type_keys[r.unit_id]] < 3
        # the count of peers includes units without this metric only when the metric exists for them
        assert r.peers <= (sizes[keys[r.unit_id]] if r.peer_level == 1 else total)


def test_a_large_minimum_falls_back_to_the_whole_district():
    df = queries.outliers(2024, threshold=0.5, min_peers=25, grouping="type_size")
    assert not df.is_empty() and set(df["peer_group"]) == {"全区"}


def test_unknown_grouping_is_refused():
    with pytest.raises(ValueError):
        queries.outliers(2024, grouping="name; drop table x")
