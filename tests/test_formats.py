"""Excel, HTML, Word and CSV (issue 11): each format's generated documents read
back to every cell of their truth; the real 2023 text sample rendered into each
format reads back to its golden cells; bad files of each format get one Chinese
line and are quarantined by a refresh."""

from __future__ import annotations

import io
import json
import os
import shutil
import subprocess
import sys
import zipfile
from collections import Counter
from pathlib import Path

import pytest
from conftest import ROOT
from golden_util import cells, load

from ingest.frontends.detect import detect_format
from ingest.parse import parse_bytes, parse_file
from ingest.record import ParseError
from samplegen.generate import generate
from samplegen.render_base import get_renderer

FIXTURES = ROOT / "tests" / "fixtures" / "formats"
FORMATS = ("xlsx", "caijue", "html", "docx", "csv")
EXTENSION_COLUMNS = {"budget_meeting", "budget_training", "actual_meeting", "actual_training"}


def _key(x) -> tuple:
    return (x.table, x.side, x.row_label, x.subject_code, x.column, round(x.amount, 2))


def _truth(d: dict) -> Counter:
    return Counter(
        (c["table"], c["side"], c["row_label"], c["subject_code"], c["column"], round(c["amount"], 2))
        for c in d["cells"]
    )


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> tuple[Path, dict]:
    """10 units x 2 years over the five new formats: the coverage phase lays
    each format out with every layout option value."""
    out = tmp_path_factory.mktemp("formats")
    return out, generate(out, units=10, years="2023-2024", formats=",".join(FORMATS), seed=7)


def _mismatches(out: Path, m: dict, formats=FORMATS) -> tuple[Counter, list[str]]:
    totals: Counter = Counter()
    problems = []
    for d in m["documents"]:
        if d["format"] not in formats or d["kind"] == "unreadable":
            continue
        got = Counter(_key(x) for x in parse_file(out / d["file"]).lines)
        want = _truth(d)
        totals[d["format"]] += sum(want.values())
        missing = {k: v for k, v in (want - got).items() if k[4] not in EXTENSION_COLUMNS}
        extra = {k: v for k, v in (got - want).items() if k[4] not in EXTENSION_COLUMNS}
        problems += [f"{d['file']}: missing {k}" for k in list(missing)[:3]]
        problems += [f"{d['file']}: unexpected {k}" for k in list(extra)[:3]]
    return totals, problems


def test_round_trip_every_cell_in_every_format(corpus):
    out, m = corpus
    totals, problems = _mismatches(out, m)
    assert set(totals) == set(FORMATS)
    assert all(n > 300 for n in totals.values()), totals
    assert not problems, f"{len(problems)} mismatches, e.g.:\n" + "\n".join(problems[:30])


def test_corpus_shows_each_formats_variants(corpus):
    """The round trip above covers these variants only if the corpus has them."""
    import python_calamine

    out, m = corpus
    seen = set()
    for d in m["documents"]:
        data = (out / d["file"]).read_bytes()
        if d["format"] == "html":
            seen.add("html split table" if b"<thead>" not in data else "html one table")
            seen.add("html gbk" if b"charset=gbk" in data else "html utf-8")
        elif d["format"] == "csv":
            seen.add("csv bom" if data.startswith(b"\xef\xbb\xbf") else "csv gbk")
        elif d["format"] == "xlsx":
            names = python_calamine.CalamineWorkbook.from_path(str(out / d["file"])).sheet_names
            seen.add("xlsx one sheet" if len(names) == 1 else "xlsx sheet per table")
            seen.add("xlsx amounts as text" if d["layout"]["thousands"] else "xlsx amounts as numbers")
            if any("决算" in n and n.endswith("表") for n in names):  # such sheets have no title row
                seen.add("xlsx title only in the sheet name")
            with zipfile.ZipFile(out / d["file"]) as z:
                if any(b"<f>" in z.read(n) for n in z.namelist() if n.startswith("xl/worksheets/")):
                    seen.add("xlsx formulas")
    assert seen >= {
        "html split table", "html one table", "html gbk", "html utf-8", "csv bom", "csv gbk",
        "xlsx one sheet", "xlsx sheet per table", "xlsx amounts as text", "xlsx amounts as numbers",
        "xlsx title only in the sheet name", "xlsx formulas",
    }, seen  # fmt: skip


def test_documents_report_format_unit_and_year(corpus):
    out, m = corpus
    seen = set()
    for d in m["documents"]:
        doc = parse_file(out / d["file"]).document
        assert doc.fiscal_year == d["fiscal_year"]
        assert doc.amount_unit == d["amount_unit"]
        assert doc.tables == d["tables"]
        seen.add((d["format"], doc.format))
    assert seen == {("xlsx", "xlsx"), ("caijue", "xlsx"), ("html", "html"), ("docx", "docx"), ("csv", "csv")}


def test_narrative_comes_from_formats_with_prose(corpus):
    out, m = corpus
    for fmt in ("html", "docx"):
        want = got = 0
        for d in (d for d in m["documents"] if d["format"] == fmt):
            truth = Counter((f["kind"], round(f["value"], 2)) for f in d["facts"])
            read = Counter((f.kind, round(f.value, 2)) for f in parse_file(out / d["file"]).facts)
            want, got = want + sum(truth.values()), got + sum((truth & read).values())
        assert want > 50 and got == want, (fmt, got, want)
    workbook = next(d for d in m["documents"] if d["format"] == "xlsx")
    assert workbook["facts"] == []  # a workbook states no narrative, so the truth has none


def test_caijue_export_is_in_yuan_with_extra_columns_left_out(corpus, monkeypatch):
    import python_calamine

    out, m = corpus
    docs = [d for d in m["documents"] if d["format"] == "caijue"]
    assert docs and all(d["amount_unit"] == "元" for d in docs)
    book = python_calamine.CalamineWorkbook.from_path(str(out / docs[0]["file"]))
    assert any("财决02表" in name for name in book.sheet_names)
    sheet = book.get_sheet_by_name(next(n for n in book.sheet_names if "财决02表" in n))
    assert any("其中：教育收费" in str(v) for row in sheet.to_python() for v in row)
    # Without dropping the 其中 columns the same files read wrong: the check can fail.
    import ingest.frontends.tabular as tabular

    monkeypatch.setattr(tabular, "extra_columns", lambda block: {})
    _, problems = _mismatches(out, m, formats=("caijue",))
    assert problems


def test_hidden_rows_and_columns_are_not_read(corpus, monkeypatch):
    out, m = corpus
    import ingest.frontends.excel as excel

    workbooks = [d for d in m["documents"] if d["format"] == "xlsx"]
    hidden = [
        d
        for d in workbooks
        if any(r or c for r, c in excel.hidden_rows_and_columns((out / d["file"]).read_bytes()).values())
    ]
    assert hidden, "the generator should hide a check row/column in some workbooks"
    monkeypatch.setattr(excel, "hidden_rows_and_columns", lambda data: {})
    _, problems = _mismatches(out, {"documents": hidden}, formats=("xlsx",))
    assert problems  # read, the hidden check cells would become numbers


def test_generated_bytes_are_deterministic(tmp_path):
    a = generate(tmp_path / "a", units=5, years="2024", formats=",".join(FORMATS), seed=5)
    b = generate(tmp_path / "b", units=5, years="2024", formats=",".join(FORMATS), seed=5)
    assert [d["sha256"] for d in a["documents"]] == [d["sha256"] for d in b["documents"]]


def test_sample_command_accepts_formats(tmp_path):
    from typer.testing import CliRunner

    from cli import app

    res = CliRunner().invoke(
        app, ["sample", str(tmp_path), "--units", "5", "--years", "2024", "--formats", "xlsx,html,docx,csv"]
    )
    assert res.exit_code == 0, res.output
    manifest = json.loads((tmp_path / "manifest.json").read_text(encoding="utf-8"))
    assert {d["format"] for d in manifest["documents"]} == {"xlsx", "html", "docx", "csv"}


# ----- the real 2023 sample in each format -----


@pytest.mark.parametrize("fmt", ["xlsx", "html", "docx", "csv"])
def test_real_sample_in_each_format_reads_back_to_golden(text_sample, fmt):
    from ingest.frontends.text import read_text

    grid = read_text(text_sample.read_bytes(), str(text_sample))
    data = get_renderer(fmt).render_grid(grid)
    result = parse_bytes(data, f"real.{fmt}")
    assert result.document.format == fmt
    assert result.document.unit_name == "武汉市江汉区工业企业服务中心"
    assert cells(result) == load("wuhan_2023_text")


# ----- legacy formats -----


def test_legacy_xls_fixture_reads_every_cell():
    result = parse_file(FIXTURES / "caijue_2024.xls")
    assert result.document.format == "xls" and result.document.amount_unit == "元"
    want = json.loads((FIXTURES / "caijue_2024.cells.json").read_text(encoding="utf-8"))
    assert cells(result) == sorted(
        [t, s, label, code, col, round(v, 6)] for t, s, label, code, col, v in want
    )


def test_legacy_xls_hidden_rows_and_columns_are_not_read(monkeypatch):
    import ingest.frontends.excel as excel

    path = FIXTURES / "hidden_checks_2024.xls"
    hidden = excel.xls_hidden_rows_and_columns(path.read_bytes())
    assert any(rows for rows, _ in hidden.values()) and any(cols for _, cols in hidden.values())
    want = json.loads((FIXTURES / "hidden_checks_2024.cells.json").read_text(encoding="utf-8"))
    want = sorted([t, s, label, code, col, round(v, 6)] for t, s, label, code, col, v in want)
    result = parse_file(path)
    assert result.document.format == "xls"
    assert cells(result) == want
    monkeypatch.setattr(excel, "xls_hidden_rows_and_columns", lambda data: {})
    assert cells(parse_file(path)) != want  # read, the hidden check cells would become numbers


def test_legacy_doc_converted_when_libreoffice_is_installed(tmp_path, corpus):
    if shutil.which("soffice") is None:
        pytest.skip("LibreOffice (soffice) is not installed: .doc files get a conversion message instead")
    out, m = corpus
    d = next(d for d in m["documents"] if d["format"] == "docx")
    src = tmp_path / "in.docx"
    shutil.copy(out / d["file"], src)
    subprocess.run(
        ["soffice", "--headless", "--convert-to", "doc", "--outdir", str(tmp_path), str(src)],
        capture_output=True,
        timeout=120,
        check=True,
        env={"HOME": str(tmp_path), "PATH": "/usr/bin:/bin"},
    )
    result = parse_file(tmp_path / "in.doc")
    assert result.document.format == "doc"
    assert Counter(_key(x) for x in result.lines) == _truth(d)


# ----- bad files -----


def _xlsx(rows_by_sheet: dict[str, list[list[str]]]) -> bytes:
    import xlsxwriter

    buf = io.BytesIO()
    wb = xlsxwriter.Workbook(buf, {"in_memory": True})
    for name, rows in rows_by_sheet.items():
        ws = wb.add_worksheet(name)
        for r, row in enumerate(rows):
            for c, v in enumerate(row):
                ws.write(r, c, v)
    wb.close()
    return buf.getvalue()


def _good(fmt: str, corpus) -> bytes:
    out, m = corpus
    return (out / next(d["file"] for d in m["documents"] if d["format"] == fmt)).read_bytes()


def _zip_of_text() -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("说明.txt", "附件")
    return buf.getvalue()


BUDGET_ROWS = [
    ["2024年度清河区教育局部门预算"],
    ["收支预算总表"],
    ["单位：万元"],
    ["项目", "预算数"],
    ["一般公共预算拨款", 12.5],
]
LINKS_PAGE = (
    '<html><head><meta charset="utf-8"><title>2023年度决算公开</title></head><body>'
    "<p>现将我单位2023年度部门决算公开如下：</p>"
    '<p>附件：<a href="/files/2023js.pdf">2023年度部门决算公开</a></p>'
    '<p><a href="/files/2023js.xlsx">决算表（Excel）</a></p></body></html>'
).encode()

# file name -> (bytes from the corpus, words the one-line message must contain)
BAD = {
    "truncated.xlsx": (lambda c: _good("xlsx", c)[:4000], "已损坏"),
    "encrypted.xlsx": (lambda c: (FIXTURES / "encrypted.xlsx").read_bytes(), "密码"),
    "empty.xlsx": (lambda c: _xlsx({"Sheet1": []}), "为空"),
    "budget.xlsx": (lambda c: _xlsx({"收支预算总表": BUDGET_ROWS}), "预算"),
    "no_tables.html": (
        lambda c: "<html><body><p>清河区财政局</p><p>暂无内容</p></body></html>".encode(),
        "没有数据表格",
    ),
    "links.html": (lambda c: LINKS_PAGE, "/files/2023js.pdf"),
    "truncated.docx": (lambda c: _good("docx", c)[:3000], "已损坏"),
    "empty.csv": (lambda c: b"\xef\xbb\xbf\r\n,,\r\n", "没有内容"),
    "archive.zip": (lambda c: _zip_of_text(), "压缩包"),
}


@pytest.mark.parametrize("name", sorted(BAD))
def test_bad_file_gets_one_chinese_line(tmp_path, corpus, name):
    make, words = BAD[name]
    path = tmp_path / name
    path.write_bytes(make(corpus))
    with pytest.raises(ParseError) as exc:
        parse_file(path)
    message = exc.value.message
    assert "\n" not in message and str(path) in message and words in message, message


def test_attachment_page_lists_its_links(tmp_path):
    path = tmp_path / "page.html"
    path.write_bytes(LINKS_PAGE)
    with pytest.raises(ParseError) as exc:
        parse_file(path)
    assert "决算表（Excel）（/files/2023js.xlsx）" in exc.value.message


def test_legacy_doc_without_converter_says_how_to_convert(tmp_path, monkeypatch):
    import ingest.frontends.docx as docx_frontend

    # An OLE container with a WordDocument stream: how Word 97-2003 stores a .doc.
    data = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(500) + "WordDocument".encode("utf-16-le") + bytes(500)
    assert detect_format(data, "x.doc") == "doc"
    monkeypatch.setattr(docx_frontend.shutil, "which", lambda name: None)
    with pytest.raises(ParseError) as exc:
        parse_bytes(data, "x.doc")
    assert ".docx" in exc.value.message and "另存为" in exc.value.message


def test_html_page_laid_out_in_a_table_reads_its_tables(corpus):
    """Old sites put the whole page in one layout <table>: its cells are containers."""
    out, m = corpus
    d = next(d for d in m["documents"] if d["format"] == "html")
    page = (out / d["file"]).read_bytes()
    charset = "gbk" if b"charset=gbk" in page else "utf-8"
    text = page.decode(charset)
    text = text.replace('<div class="article">', '<table width="900"><tr><td>菜单</td><td>').replace(
        "</div>\n</body>", "</td></tr></table>\n</body>"
    )
    assert text.count("<table") > page.decode(charset).count("<table")
    result = parse_bytes(text.encode(charset), "layout.html")
    assert Counter(_key(x) for x in result.lines) == _truth(d)


def test_html_charset_without_meta_is_detected(corpus):
    page = "<html><body><p>2023年度某某局部门决算公开</p><table><tr><td>项目</td><td>金额</td></tr><tr><td>合计</td><td>524.26</td></tr></table></body></html>"
    from ingest.frontends.html import read_html

    grid = read_html(page.encode("gbk"), "gbk.html")
    assert "2023年度某某局部门决算公开" in grid.page_texts()[0]


def test_word_table_merges_and_nested_tables():
    import docx

    from ingest.frontends.docx import read_docx

    document = docx.Document()
    table = document.add_table(rows=3, cols=3)
    table.cell(0, 0).merge(table.cell(1, 0)).text = "项目"  # vMerge down
    table.cell(0, 1).merge(table.cell(0, 2)).text = "本年收入"  # gridSpan across
    table.cell(1, 1).text, table.cell(1, 2).text = "小计", "基本支出"
    table.cell(2, 0).text, table.cell(2, 2).text = "合计", "1.00"
    table.cell(2, 1).add_table(rows=1, cols=1).cell(0, 0).text = "内表"
    buf = io.BytesIO()
    document.save(buf)
    rows = read_docx(buf.getvalue(), "t.docx").pages[0]
    assert [[(c.text, c.x) for c in r.cells] for r in rows] == [
        [("项目", 0.0), ("本年收入", 1.0)],
        [("小计", 1.0), ("基本支出", 2.0)],
        [("合计", 0.0), ("内表", 1.0), ("1.00", 2.0)],
    ]


def test_qizhong_column_kept_when_it_is_the_tables_only_such_column():
    from ingest.frontends.tabular import Block, extra_columns

    def dropped(title: str, heads: list[str]) -> set[int]:
        block = Block([[title], ["项目", *heads], ["合计", *["1.00"] * len(heads)]])
        return extra_columns(block).get(2, set())

    # 02: 其中：一般公共预算财政拨款 breaks down 财政拨款收入 (the fiscal column): left out.
    assert dropped("收入决算表", ["本年收入合计", "财政拨款收入", "其中：一般公共预算财政拨款"]) == {3}
    assert dropped("支出决算表", ["本年支出合计", "基本支出", "其中：人员经费"]) == {3}
    # 04: the only header naming 一般公共预算 is the general column itself: kept.
    assert dropped("财政拨款收入支出决算总表", ["合计", "其中：一般公共预算财政拨款"]) == set()


def test_spreadsheet_numbers_print_as_the_readers_expect():
    from ingest.frontends.tabular import values_block

    raw = [
        ["科目编码", "项目", "行次", "金额"],
        ["", "栏次", "", 1.0],
        [2080502.0, "事业单位离退休", 3.0, 143.21],
        ["", "合计", 7.0, 524.2600000000001, 100.0, 99.99999999999, 0.123456789],
        [1.0, 2.0, 3.0],
    ]
    texts = values_block(raw, []).texts
    assert texts[2] == ["2080502", "事业单位离退休", "3", "143.21"]  # code, 行次, amount
    assert texts[3] == ["", "合计", "7", "524.26", "100.00", "100.00", "0.123457"]
    assert texts[4] == ["1", "2", "3"]  # the 栏次 row


@pytest.mark.parametrize(
    ("name", "table"),
    [
        ("Z01 收入支出决算总表(财决01表)", "01"),
        ("财决05表", "05"),
        ("公开09表", "09"),
        ("表三", "03"),
        ("Z06", "06"),
        ("一般公共预算财政拨款基本支出决算明细表", "06"),
        ("Sheet1", None),
    ],
)
def test_sheet_name_names_its_table(name, table):
    from ingest.frontends.excel import sheet_table

    assert sheet_table(name) == table


def test_detect_format_by_content():
    assert detect_format(b"%PDF-1.7\n...", "a.xlsx") == "pdf"
    assert detect_format(_xlsx({"Sheet1": [["a"]]}), "a.bin") == "xlsx"
    assert detect_format(b"\xef\xbb\xbf<!DOCTYPE html><html></html>", "a.txt") == "html"
    assert detect_format("项目,金额\n合计,1.00\n".encode(), "a.csv") == "csv"
    assert detect_format("项目\t金额\n".encode(), "a.txt") == "text"
    assert detect_format((FIXTURES / "encrypted.xlsx").read_bytes(), "a.xlsx") == "encrypted"
    assert detect_format((FIXTURES / "caijue_2024.xls").read_bytes(), "a.xls") == "xls"


def _cli_parse(path: Path, **env: str) -> subprocess.CompletedProcess:
    """`juesuan parse PATH` in a fresh process, as a user runs it."""
    cmd = [sys.executable, "-c", "from cli import app; app()", "parse", str(path)]
    return subprocess.run(
        cmd, capture_output=True, text=True, cwd=ROOT, timeout=60, env={**os.environ, **env}
    )


def test_cli_exits_2_without_traceback(tmp_path, corpus):
    path = tmp_path / "truncated.docx"
    path.write_bytes(_good("docx", corpus)[:3000])
    proc = _cli_parse(path)
    assert proc.returncode == 2 and "Traceback" not in proc.stderr
    assert len(proc.stderr.strip().splitlines()) == 1 and str(path) in proc.stderr


def test_calamine_panic_is_one_line_on_stderr():
    path = FIXTURES / "calamine_panic.xls"
    proc = _cli_parse(path, RUST_BACKTRACE="1")
    assert proc.returncode == 2, proc.stderr
    assert proc.stderr.strip().splitlines() == [
        f"无法读取文件 {path}：Excel 文件已损坏或格式不正确，无法打开"
    ]


def test_refresh_quarantines_bad_files_of_every_format(tmp_path, corpus):
    from warehouse.refresh import refresh

    inbox = tmp_path / "inbox"
    generate(inbox, units=2, years="2024", formats="xlsx,docx", seed=3)
    for name, (make, _words) in BAD.items():
        (inbox / name).write_bytes(make(corpus))
    summary = refresh(inbox, tmp_path / "warehouse.duckdb", parser="ingest.parse:parse_file", checks=False)
    reasons = dict(summary.quarantined)
    assert summary.documents_loaded == 2
    assert set(reasons) == set(BAD), reasons
    for name, (_make, words) in BAD.items():
        assert words in reasons[name], (name, reasons[name])
