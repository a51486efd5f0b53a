"""The dashboard's frames are polars end to end: what the connection returns,
what a table shows (Chinese headers, 万元 to two decimals, counts as integers)
and what its exports contain."""

from __future__ import annotations

import io

import openpyxl
import polars as pl
import pytest
from fixtures import synthetic_marts

from dashboard import export, queries, ui
from warehouse.acks import append


@pytest.fixture
def wh(tmp_path, monkeypatch):
    path = synthetic_marts.build(tmp_path / "warehouse.duckdb", n_units=6, years=(2023, 2024), with_dq=True)
    monkeypatch.setenv("JUESUAN_WAREHOUSE", str(path))
    queries.clear_cache()
    yield path
    queries.close()


def test_connection_returns_polars_with_plain_number_types(wh):
    df = queries.run(
        "select 1.25::decimal(10, 2) as amount, sum(x)::hugeint as n, 'a' as t from (select 2::bigint as x)"
    )
    assert isinstance(df, pl.DataFrame)
    assert df.schema == pl.Schema({"amount": pl.Float64, "n": pl.Int64, "t": pl.String})
    assert df.row(0) == (1.25, 2, "a")
    # the marts' DECIMAL amounts arrive as floats the pages can add up
    ov = queries.overview(2024)
    assert ov.schema["expenditure_total"] == pl.Float64
    assert queries.headline(2024)["expenditure_total"] == pytest.approx(ov["expenditure_total"].sum())


def test_display_chinese_headers_amounts_counts_and_codes():
    df = pl.DataFrame(
        {
            "unit_name": ["甲", None],
            "canonical_name": ["甲单位", "乙单位"],  # the same Chinese header as unit_name
            "expenditure_total": [1234.5678, -0.001],
            "staff_count": [12.0, None],
            "is_current": [True, None],
            "document_status": ["quarantined", "loaded"],
            "error": [None, None],
        },
        schema_overrides={"error": pl.Null},
    )
    shown = ui.display(df)
    assert shown.columns == [
        "单位名称",
        "单位名称（2）",
        "本年支出合计（万元）",
        "人数",
        "当前版本",
        "状态",
        "错误",
    ]
    assert shown["本年支出合计（万元）"].to_list() == [1234.57, 0.0]
    assert str(shown["本年支出合计（万元）"][1]) == "0.0"  # no -0.00
    assert shown.schema["人数"] == pl.Int64 and shown["人数"].to_list() == [12, None]
    assert shown["当前版本"].to_list() == ["是", "—"]
    assert shown["状态"].to_list() == ["已隔离", "已入库"]
    assert shown["单位名称"].to_list() == ["甲", "—"] and shown["错误"].to_list() == ["—", "—"]


def test_exports_of_a_shown_table_keep_chinese_headers_and_wan_to_two_decimals(wh, tmp_path):
    shown = ui.display(queries.overview(2024))
    raw = queries.overview(2024)["expenditure_total"].to_list()
    p = tmp_path / "overview.xlsx"
    p.write_bytes(export.to_xlsx_bytes(shown, "总览_2024", "2024 年各单位决算"))
    ws = openpyxl.load_workbook(p).active
    assert ws["A1"].value == "2024 年各单位决算　金额单位：万元"
    header = [c.value for c in ws[2]]
    assert {"单位名称", "本年支出合计（万元）", "人数"} <= set(header)
    col = header.index("本年支出合计（万元）") + 1
    cells = [ws.cell(r, col) for r in range(3, 3 + len(raw))]
    assert [c.value for c in cells] == pytest.approx([round(v, 2) for v in raw], abs=1e-9)
    assert {c.number_format for c in cells} == {"#,##0.00"}
    assert ws.cell(3, header.index("人数") + 1).number_format == "#,##0"  # a count, no decimals

    text = export.to_csv_bytes(shown).decode("utf-8-sig")
    head, *rows = text.splitlines()
    assert "本年支出合计（万元）" in head.split(",")
    i = head.split(",").index("本年支出合计（万元）")
    amounts = [r.split(",")[i] for r in rows]
    assert all(len(a.partition(".")[2]) <= 2 for a in amounts), amounts
    assert [float(a) for a in amounts] == pytest.approx([round(v, 2) for v in raw])

    back = pl.read_parquet(io.BytesIO(export.to_parquet_bytes(shown)))
    assert back.columns == shown.columns and back["单位名称"].to_list() == shown["单位名称"].to_list()


def test_acknowledgements_apply_the_latest_note_once_per_finding(wh):
    found = queries.attention(2024)
    target = found.row(0, named=True)
    log = queries.acks_log()
    for note in ("初次说明", "更正后的说明"):  # two notes for the same finding: the later one counts
        record = {"finding_id": target["finding_id"], "document_id": target["document_id"], "note": note,
                  "acked_by": "张审核", "acked_at": "2026-12-01T09:30:00"}  # fmt: skip
        append(log, record)
    now = queries.attention(2024)
    assert len(now) == len(found)  # no finding doubled by its two notes
    mine = now.filter(pl.col("finding_id") == target["finding_id"]).row(0, named=True)
    assert (
        mine["acknowledged"] is True and mine["ack_note"] == "更正后的说明" and mine["acked_by"] == "张审核"
    )
    assert str(mine["acked_at"]).startswith("2026-12-01 09:30")
    others = now.filter(pl.col("finding_id") != target["finding_id"])
    assert (
        others["acknowledged"].fill_null(False).sum()
        == found.filter(pl.col("finding_id") != target["finding_id"])["acknowledged"].fill_null(False).sum()
    )
