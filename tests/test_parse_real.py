"""Golden tests on the real documents: every non-zero cell of the nine tables.

The golden files were produced by the reader and checked against the printed
documents: every table of all three balances under its own identities (asserted
here too), and the spot values below were read off the originals by hand."""

import pytest
from conftest import PDF_SAMPLES, REAL, TEXT_SAMPLE, need_shared
from golden_util import cells, load

from ingest.parse import parse_file

CASES = [
    ("000_d00643376496db49.txt", "wuhan_2023_text", "武汉市江汉区工业企业服务中心", 2023, "text"),
    ("putuo_2024_guihuaziran.pdf", "putuo_2024_guihuaziran", "上海市普陀区规划和自然资源局", 2024, "pdf"),
    (
        "putuo_2024_shehuigongzuobu.pdf",
        "putuo_2024_shehuigongzuobu",
        "中共上海市普陀区委社会工作部",
        2024,
        "pdf",
    ),
]
# Tables whose identities hold only inside the rounding slack, as checked by hand on
# the originals (e.g. 规划资源局 06: 302 is printed 0.02 off the sum of its items).
ROUNDING = {
    "wuhan_2023_text": set(),
    "putuo_2024_guihuaziran": {"04", "05", "06"},
    "putuo_2024_shehuigongzuobu": {"06"},
}


@pytest.mark.parametrize(("file", "golden", "unit", "year", "fmt"), CASES)
def test_every_cell_matches_golden(file, golden, unit, year, fmt):
    result = parse_file(need_shared(REAL / file))
    assert cells(result) == load(golden)
    assert result.document.unit_name == unit
    assert result.document.fiscal_year == year
    assert result.document.format == fmt
    assert result.document.tables == ["01", "02", "03", "04", "05", "06", "07", "08", "09"]
    assert result.document.amount_unit == "万元"
    # Every table balanced under its own identities (no errors, and they really ran);
    # the only notes are the tables that balance inside the rounding slack.
    assert [p for p in result.problems if p.code != "rounding_residual"] == []
    assert {p.table for p in result.problems if p.code == "rounding_residual"} == ROUNDING[golden]
    assert result.identities_checked > 200


def _value(result, table, label, column, side=None):
    hits = [
        ln.amount
        for ln in result.lines
        if ln.table == table
        and ln.row_label == label
        and ln.column == column
        and (side is None or ln.side == side)
    ]
    assert len(hits) == 1, (table, label, column, hits)
    return hits[0]


def test_text_sample_spot_values():
    r = parse_file(need_shared(TEXT_SAMPLE))
    assert len(r.lines) == 192  # the document's non-zero cells
    assert r.document.publication_date == "2024-11-07"
    assert _value(r, "01", "资源勘探工业信息等支出", "amount") == 227.79
    assert _value(r, "03", "合计", "project") == 25.33
    assert _value(r, "03", "工业和信息产业监管", "project") == 25.33
    assert _value(r, "04", "社会保障和就业支出", "general") == 221.90
    assert _value(r, "06", "其他对个人和家庭的补助", "amount") == 39.91
    assert _value(r, "06", "公用经费合计", "amount") == 36.26
    assert not [ln for ln in r.lines if ln.table in ("07", "08", "09")]  # empty tables, reported as zero
    codes = {ln.subject_code for ln in r.lines if ln.table == "05"}
    assert {"208", "20805", "2080502", "2150899", "2210203"} <= codes


@pytest.mark.parametrize("pdf", [p.name for p in PDF_SAMPLES] or ["putuo_2024_guihuaziran.pdf"])
def test_pdf_tables_found_on_their_pages(pdf):
    r = parse_file(need_shared(REAL / pdf))
    pages = {ln.table: ln.page for ln in r.lines}
    assert sorted(pages) >= ["01", "02", "03", "04", "05", "06"]


def test_guihuaziran_spot_values():
    r = parse_file(need_shared(REAL / "putuo_2024_guihuaziran.pdf"))
    assert _value(r, "01", "年初结转和结余", "amount") == 112.88
    assert (
        _value(r, "01", "城乡社区支出", "amount") == 3845.25
    )  # as printed (02 says 3832.36: X-02 will flag it)
    assert _value(r, "03", "城乡社区管理事务", "project") == 8.77
    assert _value(r, "05", "合计", "basic") == 5364.75
    assert _value(r, "06", "办公设备购置", "amount") == 39.76
    assert _value(r, "09", "三公经费", "budget_reception") == 2.85
    assert _value(r, "09", "三公经费", "actual_total") == 0.39
    assert _value(r, "05", "机关事业单位基本养老保险缴费支出", "total") == 446.11


@pytest.mark.parametrize("file", [c[0] for c in CASES])
def test_wrapped_names_read_whole(file):
    """A subject's name is the same in 02, 03 and 05 of one document: wrapped
    names (in the PDFs) must come back whole, not as their last line."""
    r = parse_file(need_shared(REAL / file))
    names: dict[str, set[str]] = {}
    for ln in r.lines:
        if ln.table in ("02", "03", "05") and ln.subject_code:
            names.setdefault(ln.subject_code, set()).add(ln.row_label)
    assert {code: n for code, n in names.items() if len(n) > 1} == {}
