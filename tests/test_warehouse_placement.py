"""A cell the reader placed by the identities, not as printed, keeps that fact
all the way into the warehouse (fct_placed_cells), so the dashboard can mark it."""

import duckdb
from conftest import TEXT_SAMPLE, need_shared

from warehouse.refresh import refresh


def test_realigned_cell_reaches_the_warehouse(tmp_path):
    lines = need_shared(TEXT_SAMPLE).read_text(encoding="utf-8").split("\n")
    i = lines.index("21505\t工业和信息产业监管\t25.33\t\t25.33\t\t\t")
    lines[i] = "21505\t工业和信息产业监管\t25.33\t25.33"  # the blank 基本支出 cell dropped
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    (inbox / "variant.txt").write_text("\n".join(lines), encoding="utf-8")
    wh = tmp_path / "warehouse.duckdb"
    refresh(inbox, wh, checks=False)
    with duckdb.connect(str(wh), read_only=True) as con:
        placed = con.execute(
            "select table_id, subject_code, column_key, amount_wan_yuan, placement from fct_placed_cells"
        ).fetchall()
    assert [(t, c, k, float(a)) for t, c, k, a, _ in placed] == [("03", "21505", "project", 25.33)]
    assert "重新对齐" in placed[0][4]


def test_unit_detail_query_finds_the_placed_cells(tmp_path, monkeypatch):
    """The query 单位详情 marks placed cells with reads them from the published warehouse."""
    lines = need_shared(TEXT_SAMPLE).read_text(encoding="utf-8").split("\n")
    i = lines.index("21505\t工业和信息产业监管\t25.33\t\t25.33\t\t\t")
    lines[i] = "21505\t工业和信息产业监管\t25.33\t25.33"
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    (inbox / "variant.txt").write_text("\n".join(lines), encoding="utf-8")
    wh = tmp_path / "warehouse.duckdb"
    refresh(inbox, wh, checks=False)
    with duckdb.connect(str(wh), read_only=True) as con:
        (doc,) = con.execute("select document_id from fct_placed_cells limit 1").fetchone()
    from dashboard import queries

    monkeypatch.setenv("JUESUAN_WAREHOUSE", str(wh))
    placed = queries.placed_cells(doc)
    assert placed is not None and placed["column_key"].to_list() == ["project"]
