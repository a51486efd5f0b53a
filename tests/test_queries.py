"""Dashboard query module: results, caching on mtime, bound parameters."""

from __future__ import annotations

from datetime import datetime

import duckdb
import polars as pl
import pytest
from fixtures import synthetic_marts

from dashboard import export, queries

INJECTION = "'; drop table x; --"


def _by(df: pl.DataFrame, col: str, key: str = "unit_id") -> dict:
    return dict(zip(df[key], df[col], strict=True))


@pytest.fixture(scope="module")
def wh(tmp_path_factory):
    path = tmp_path_factory.mktemp("wh") / "warehouse.duckdb"
    synthetic_marts.build(path, n_units=30, years=(2022, 2023, 2024), with_dq=True)
    con = duckdb.connect(str(path))
    con.execute("create table x as select 1 as a")
    con.close()
    return path


@pytest.fixture(autouse=True)
def use_wh(wh, monkeypatch):
    monkeypatch.setenv("JUESUAN_WAREHOUSE", str(wh))
    queries.clear_cache()
    yield
    queries.close()


def test_years_and_filters():
    assert queries.years() == [2024, 2023, 2022]
    assert len(queries.departments()) == 12
    assert set(queries.unit_types()) == {"行政单位", "事业单位", "参公事业单位"}


def test_overview_filters_and_headline_agree():
    all_units = queries.overview(2024)
    assert len(all_units) == 29  # U00017 has not disclosed 2024
    dep = queries.overview(2024, ["部门01"])
    assert set(dep["department"]) == {"部门01"} and 0 < len(dep) < len(all_units)
    h = queries.headline(2024, ["部门01"], [])
    assert h["units"] == len(dep)
    assert h["expenditure_total"] == pytest.approx(dep["expenditure_total"].sum())
    both = queries.overview(2024, ["部门01"], ["行政单位"])
    assert set(both["unit_type"]) <= {"行政单位"}
    assert "dq_failed" in all_units.columns


def test_compare_shares_ranks_and_levels():
    ids = ["U00001", "U00002", "U00003"]
    for level in [*queries.SUBJECT_LEVELS, queries.ECONOMIC_LEVEL]:
        df = queries.compare(2024, ids, "total", level)
        assert set(df["unit_id"]) == set(ids)
        for g in df.partition_by("unit_id"):
            assert g["share_pct"].sum() == pytest.approx(100, abs=0.1)
        assert df["rank"].is_between(1, 3).all()
        assert df["name"].is_not_null().all()  # every code has its name
    lvl1 = _by(
        queries.compare(2024, ids, "total", "类").group_by("unit_id").agg(pl.col("amount").sum()), "amount"
    )
    summary = _by(queries.overview(2024), "expenditure_total")
    for u in ids:
        assert lvl1[u] == pytest.approx(summary[u])
    with pytest.raises(ValueError):
        queries.compare(2024, ids, "total; drop table x", "类")
    by_type = queries.compare(2024, None, "total", "款", unit_type="行政单位")
    assert set(by_type["unit_id"]) == set(queries.units_of_type(2024, "行政单位"))
    assert queries.compare(2024, None, "total", "款", unit_type=INJECTION).is_empty()


def test_unit_table_03_rebuilds_levels():
    s = queries.unit_summary("U00001", 2024)
    t = queries.unit_table_03(s["document_id"], 2024)
    items = t.filter(pl.col("subject_level") == "项")
    classes = t.filter(pl.col("subject_level") == "类")
    assert items["total"].sum() == pytest.approx(s["expenditure_total"])
    assert classes["total"].sum() == pytest.approx(s["expenditure_total"])
    assert t["page_no"].is_not_null().all()
    assert queries.unit_years("U00017") == [2023, 2022]


def test_unit_published_tables_rebuild_the_layout():
    s = queries.unit_summary("U00001", 2024)
    doc = s["document_id"]
    for no in ("02", "03", "05"):
        t = queries.unit_subject_table(no, doc, 2024)
        first = t.row(0, named=True)
        assert first["subject_level"] == "合计" and first["subject_name"] == "合计"
        total = float(first["total"])
        items = t.filter(pl.col("subject_level") == "项")
        for level in ("类", "项"):
            assert t.filter(pl.col("subject_level") == level)["total"].sum() == pytest.approx(total)
        for r in t.filter(pl.col("subject_level").is_in(["类", "款"])).iter_rows(named=True):  # Σ of their 项
            below = items.filter(pl.col("subject_code").str.starts_with(r["subject_code"]))
            assert float(r["total"]) == pytest.approx(float(below["total"].sum()))
        codes = t["subject_code"].drop_nulls().to_list()  # the tree in published order: 类, its 款, their 项
        assert codes == sorted(codes)
    assert float(queries.unit_subject_table("03", doc, 2024)["total"][0]) == pytest.approx(
        float(s["expenditure_total"])
    )
    for no, amount in (("01", "amount"), ("04", "total")):
        t = queries.unit_two_sided_table(no, doc)
        last = t.row(-1, named=True)
        assert last["income_label"] == "总计" and last["expenditure_label"] == "总计"
        paired = t.filter(pl.col("expenditure_label") == "本年支出合计")
        assert paired["income_label"].to_list() == ["本年收入合计"]  # the 合计 rows face each other
        assert float(paired[f"expenditure_{amount}"][0]) == pytest.approx(float(s["expenditure_total"]))
        subjects = t.filter(pl.col("expenditure_code").is_not_null())
        assert subjects[f"expenditure_{amount}"].sum() == pytest.approx(float(s["expenditure_total"]))
    with pytest.raises(ValueError):
        queries.unit_subject_table("03; drop table x", doc, 2024)
    with pytest.raises(ValueError):
        queries.unit_two_sided_table("06", doc)
    assert queries.unit_subject_table("02", INJECTION, 2024).is_empty()
    assert queries.unit_two_sided_table("04", INJECTION).is_empty()


def test_detail_lookups():
    s = queries.unit_summary("U00002", 2023)
    assert queries.document_table("fct_performance_projects", s["document_id"]).shape[0] == 2
    assert queries.document_table("fct_procurement", s["document_id"]) is None  # absent in this warehouse
    assert len(queries.unit_findings("U00002", 2023)) == 3
    docs = queries.unit_documents("U00002")
    assert docs["fiscal_year"].to_list() == [2024, 2023, 2022]
    with pytest.raises(ValueError):
        queries.document_table("dim_units; drop table x", "D1")


def test_outliers_reasons():
    df = queries.outliers(2024, threshold=1.0, min_peers=5)
    assert not df.is_empty()
    assert df["reason"].str.contains("同类单位").all()
    assert df["metric_label"].is_not_null().all()
    assert (df["robust_z"].abs() >= 1.0).all()


def test_refresh_and_coverage():
    assert len(queries.runs()) == 2
    assert str(queries.last_success()).startswith("2026-01-06")
    assert set(queries.quarantine()["quarantine_code"]) == {"no_unit", "no_year"}
    missing = queries.missing_disclosures(2024)
    assert missing["unit_id"].to_list() == ["U00017"]
    assert queries.missing_disclosures(2023).is_empty()
    cov = queries.coverage().filter(pl.col("fiscal_year") == 2024).row(0, named=True)
    assert cov["expected"] == 30 and cov["disclosed"] == 29


def test_injection_strings_are_plain_values(wh):
    assert queries.overview(2024, [INJECTION], [INJECTION]).is_empty()
    assert queries.subject_by_unit(2024, INJECTION).is_empty()
    assert queries.unit_summary(INJECTION, 2024) is None
    assert queries.unit_documents(INJECTION).is_empty()
    assert queries.compare(2024, [INJECTION], "total", "类").is_empty()
    assert queries.findings(2024, INJECTION).is_empty()
    assert queries.trend([INJECTION], "expenditure_total").is_empty()
    assert queries.units_of_type(2024, INJECTION) == []
    queries.close()
    con = duckdb.connect(str(wh), read_only=True)
    try:
        assert con.execute("select count(*) from x").fetchone() == (1,)
    finally:
        con.close()


def test_new_warehouse_is_picked_up_without_restart(tmp_path, monkeypatch):
    path = tmp_path / "warehouse.duckdb"
    synthetic_marts.build(path, n_units=8, years=(2023, 2024))
    monkeypatch.setenv("JUESUAN_WAREHOUSE", str(path))
    assert len(queries.overview(2024)) == 8
    assert queries.years() == [2024, 2023]
    synthetic_marts.build(path, n_units=12, years=(2023, 2024, 2025))  # os.replace onto the serving path
    assert len(queries.overview(2024)) == 12
    assert queries.years() == [2025, 2024, 2023]


def test_missing_warehouse_and_missing_dq(tmp_path, monkeypatch):
    monkeypatch.setenv("JUESUAN_WAREHOUSE", str(tmp_path / "none.duckdb"))
    with pytest.raises(queries.WarehouseMissing):
        queries.years()
    path = synthetic_marts.build(tmp_path / "nodq.duckdb", n_units=5, years=(2024,))
    monkeypatch.setenv("JUESUAN_WAREHOUSE", str(path))
    assert not queries.dq_available()
    assert queries.unit_findings("U00001", 2024) is None
    assert queries.dq_matrix() is None and queries.dq_summary() is None
    assert "dq_failed" not in queries.overview(2024).columns


def test_retry_on_io_exception(monkeypatch):
    real = duckdb.connect
    calls = {"n": 0}

    def flaky(*a, **k):
        calls["n"] += 1
        if calls["n"] == 1:
            raise duckdb.IOException("Could not set lock on file")
        return real(*a, **k)

    queries.close()
    monkeypatch.setattr(queries.duckdb, "connect", flaky)
    assert queries.years() == [2024, 2023, 2022]
    assert calls["n"] == 2


def test_cache_returns_copies():
    a = queries.overview(2024)
    a.insert_column(0, pl.Series("extra", [1] * len(a)))  # in place
    a[0, "unit_name"] = "changed"
    again = queries.overview(2024)
    assert "extra" not in again.columns and (again["unit_name"] != "changed").all()


def test_exports_bom_csv_and_xlsx(tmp_path):
    import openpyxl

    df = queries.overview(2024).rename({"unit_name": "单位名称"})
    csv = export.to_csv_bytes(df)
    assert csv.startswith(b"\xef\xbb\xbf")
    assert "单位名称" in csv.decode("utf-8-sig").splitlines()[0]
    p = tmp_path / "t.xlsx"
    p.write_bytes(export.to_xlsx_bytes(df, "总览/2024"))
    wb = openpyxl.load_workbook(p)
    ws = wb["总览_2024"]
    assert "金额单位：万元" in ws["A1"].value
    header = [c.value for c in ws[2]]
    assert "单位名称" in header
    assert ws.max_row == len(df) + 2
    amount = header.index("expenditure_total") + 1
    assert ws.cell(3, amount).number_format == "#,##0.00"
    assert isinstance(ws.cell(3, amount).value, float)


def test_exports_are_formula_safe_and_plain(tmp_path):
    """Text starting with = + - @ stays text; no True/False, -0.0 or raw timestamps."""
    import io

    import openpyxl

    evil = ['=HYPERLINK("http://x","y")', "+1+1", "-2+3", "@SUM(A1)", "普通单位"]
    df = pl.DataFrame(
        {
            "单位名称": evil,
            "金额（万元）": [-0.0, 1234.5, 2.0, 3.0, None],
            "已确认": [True, False, True, False, True],
            "时间": [datetime(2024, 1, 2, 3, 4, 5)] * 5,
            "人数": [1, 2, 3, None, 5],
        }
    )
    p = tmp_path / "e.xlsx"
    p.write_bytes(export.to_xlsx_bytes(df, "单位", title="某单位 2024 年"))
    ws = openpyxl.load_workbook(p)["单位"]
    names = [ws.cell(r, 1) for r in range(3, 8)]
    assert [c.value for c in names] == evil
    assert all(c.data_type == "s" for c in names)  # strings, not formulas
    assert ws.cell(3, 2).value == 0 and str(ws.cell(3, 2).value) != "-0.0"
    assert ws.cell(4, 2).number_format == "#,##0.00"
    assert [ws.cell(r, 3).value for r in range(3, 5)] == ["是", "否"]
    assert ws.cell(3, 4).value == "2024-01-02 03:04:05"
    assert ws.cell(3, 5).number_format == "#,##0"
    text = export.to_csv_bytes(df).decode("utf-8-sig")
    body = text.splitlines()[1:]
    assert body[0].startswith("\"'=HYPERLINK") and body[1].startswith("'+1+1")
    assert body[2].startswith("'-2+3") and body[3].startswith("'@SUM")
    assert "True" not in text and "False" not in text and "-0.0" not in text and "T03:04" not in text
    back = pl.read_parquet(io.BytesIO(export.to_parquet_bytes(df)))
    assert back["已确认"].to_list() == ["是", "否", "是", "否", "是"]


@pytest.mark.parametrize(
    "sql",
    [
        "select * from read_csv('/etc/passwd')",
        "copy (select 1 as a) to '/tmp/juesuan-dashboard-leak.csv'",
        "attach '/tmp/juesuan-dashboard-other.duckdb' as other",
        "install httpfs",
    ],
)
def test_connection_has_no_external_access(sql):
    """The dashboard's connection reads the warehouse and nothing else."""
    with pytest.raises(duckdb.Error):
        queries.run(sql, cached=False)
    from pathlib import Path

    assert not Path("/tmp/juesuan-dashboard-leak.csv").exists()
    assert queries.years()  # the connection still serves the warehouse


def test_rankings_by_value_change_and_share():
    from dashboard.queries import rankings as rq

    ov = _by(queries.overview(2024), "sangong_actual")
    prior = _by(queries.overview(2023), "sangong_actual")
    r = rq.ranking("sangong_actual", 2024, 2023, "change")
    assert r["rank"].to_list() == list(range(1, len(r) + 1))
    assert len(r) == len(ov)
    top = r.row(0, named=True)
    changes = {u: float(ov[u] - prior[u]) for u in ov.keys() & prior.keys()}
    assert top["unit_id"] == max(changes, key=changes.__getitem__)
    assert top["change"] == pytest.approx(max(changes.values()))
    assert top["change_pct"] == pytest.approx(
        100 * max(changes.values()) / float(prior[top["unit_id"]]), abs=0.01
    )
    assert r["share_pct"].sum() == pytest.approx(100, abs=0.1)
    ranked = r["change"].drop_nulls().to_list()
    assert ranked == sorted(ranked, reverse=True)
    missing_base = r["change"].is_null().to_list()
    assert sum(missing_base) == len(ov.keys() - prior.keys())
    assert missing_base == sorted(missing_base)  # units without a base value last

    by_value = rq.ranking("expenditure_total", 2024, 2022, "value")  # a year range
    assert by_value["value"][0] == pytest.approx(float(queries.overview(2024)["expenditure_total"].max()))
    assert by_value["base_value"].is_not_null().any()

    subj = _by(rq.ranking("subject:2", 2024, 2023, "value"), "value")  # every 类 starting with 2
    by_unit = _by(queries.subject_by_unit(2024, "2"), "total")
    assert subj.keys() == by_unit.keys()
    assert [subj[u] for u in sorted(subj)] == pytest.approx([float(by_unit[u]) for u in sorted(subj)])
    item = rq.ranking("actual_reception", 2024, 2023, "unit_share_pct")
    assert item["unit_share_pct"].is_not_null().all()
    assert rq.ranking(f"subject:{INJECTION}", 2024, 2023).is_empty()
    with pytest.raises(ValueError):
        rq.ranking("expenditure_total; drop table x", 2024, 2023)
    with pytest.raises(ValueError):
        rq.ranking("expenditure_total", 2024, 2023, "nope")


def test_attention_lists_failures_errors_first():
    a = queries.attention(2024)
    assert set(a["outcome"]) <= {"fail", "rounding"} and len(a)
    all_ = queries.findings(2024)
    assert len(a) == int(all_["outcome"].is_in(["fail", "rounding"]).sum())
    order = [0 if (o, s) == ("fail", "error") else 1 if (o, s) == ("fail", "warning") else 2
             for o, s in zip(a["outcome"], a["severity"], strict=True)]  # fmt: skip
    assert order == sorted(order)
    assert a["file_name"].is_not_null().all()  # a file name, not only a hash
    m = queries.failed_matrix(2024)
    assert m["failed"].sum() == int((all_["outcome"] == "fail").sum())


def test_morning_check_counts():
    m = queries.morning(2024)
    cov = queries.coverage().filter(pl.col("fiscal_year") == 2024).row(0, named=True)
    assert m["missing"] == cov["expected"] - cov["disclosed"]
    assert m["received"] == len(queries.overview(2024))
    assert queries.last_run()["status"] in {"success", "unchanged"}
