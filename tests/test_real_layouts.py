"""Each layout class of ../shared/domain/REAL_LAYOUTS.md, made from the real 2023
text sample (its numbers, the other units' layout): each reads back to the golden
cells, or says exactly which table it could not place."""

import re

import pytest
from conftest import REAL, need_shared
from golden_util import cells, load
from test_variants import GOLDEN, TITLES, lines, map_table_lines, parse, section  # noqa: F401

from ingest.parse import parse_file

CODE = re.compile(r"^\d{3}(\d{2}){0,2}$")


def spaced(code: str) -> str:
    return " ".join([code[:3], *(code[i : i + 2] for i in range(3, len(code), 2))])


def assert_golden(result, allowed=()):
    assert cells(result) == load(GOLDEN)
    assert all(p.code in allowed for p in result.problems), result.problems


def test_codes_in_parts_inside_one_cell(lines):  # noqa: F811
    """Class 1: `201 06 01` in the code cell; the parts are never amounts."""

    def split(line):
        f = line.split("\t")
        return "\t".join([spaced(f[0]) if CODE.match(f[0]) else f[0], *f[1:]])

    assert_golden(parse(map_table_lines(lines, ["02", "03", "05"], split)))


@pytest.mark.parametrize("sep", ["\t", "aligned", " "])
def test_codes_in_parts_glued_to_the_name(lines, sep):  # noqa: F811
    """Class 1: a flattened 类/款/项 header puts `201 06 01 行政运行` in one field
    (tab text, space-aligned text, single-space flowed text)."""

    def glue(line):
        f = line.split("\t")
        if CODE.match(f[0]):
            f = [f"{spaced(f[0])} {f[1]}", *f[2:]]
        if sep == "\t":
            return "\t".join(f)
        if sep == "aligned":  # pdftotext -layout: fields padded to their columns
            return "".join(x.ljust(60 - sum(1 for ch in x if ord(ch) > 0x2E7F)) for x in f)
        return " ".join(x for x in f if x)

    r = parse(map_table_lines(lines, ["02", "03", "05"], glue))
    assert_golden(r, allowed=("realigned",))


@pytest.mark.parametrize("sep", ["\t", " "])
def test_economic_codes_in_parts(lines, sep):  # noqa: F811
    """Class 1: table 06 prints `301 01 基本工资 46.58 302 01 办公费 17.19`."""

    def split(line):
        f = [spaced(x) if re.fullmatch(r"3\d{4}", x) else x for x in line.split("\t")]
        return "\t".join(f) if sep == "\t" else " ".join(x for x in f if x)

    r = parse(map_table_lines(lines, ["06"], split))
    assert_golden(r)


def test_two_rows_merged_on_one_line(lines):  # noqa: F811
    """Class 3: a re-typeset table whose last two rows share one text line."""
    out = list(lines)
    a, b = section(out, "03")
    body = [i for i in range(a, b) if CODE.match(out[i].split("\t")[0])]
    last, before = body[-1], body[-2]
    out[before] = out[before].rstrip("\t") + "\t" + out[last]
    del out[last]
    assert_golden(parse(out), allowed=("realigned",))


def test_economic_names_wrapped_per_group(lines):  # noqa: F811
    """Class 3: in a side-by-side 06 a long name wraps centred in its own group: its
    first line sits above the code, its second below, the other groups unwrapped."""
    out = list(lines)
    i = next(k for k, x in enumerate(out) if x.startswith("30108\t"))
    f = out[i].split("\t")
    head, tail = f[1][:6], f[1][6:]
    out[i : i + 1] = [f"\t{head}", "\t".join([f[0], "", *f[2:]]), f"\t{tail}"]
    assert_golden(parse(out))


def _fund_04(lines, flow: bool):  # noqa: F811
    """Table 04 with money in the 国有资本经营 column for one class, blanks dropped when `flow`."""
    out = list(lines)
    a, b = section(out, "04")
    swap = {
        "八、社会保障和就业支出\t40\t221.90\t221.90\t\t": "八、社会保障和就业支出\t40\t221.90\t200.00\t\t21.90",
        "本年支出合计\t59\t524.26\t524.26\t\t": "本年支出合计\t59\t524.26\t502.36\t\t21.90",
        "总计\t64\t524.26\t524.26\t\t": "总计\t64\t524.26\t502.36\t\t21.90",
    }
    for k in range(a, b):
        for old, new in swap.items():
            out[k] = out[k].replace(old, new)
    out = [
        x.replace("一、一般公共预算财政拨款\t1\t524.26", "一、一般公共预算财政拨款\t1\t502.36").replace(
            "三、国有资本经营预算财政拨款\t3\t", "三、国有资本经营预算财政拨款\t3\t21.90"
        )
        for x in out
    ]
    if flow:
        out = map_table_lines(out, ["04"], lambda x: " ".join(f for f in x.split("\t") if f))
    return out


def test_two_sided_04_blanks_dropped_placed_by_column_totals(lines):  # noqa: F811
    """Class 5: `社会保障和就业支出 221.90 200.00 21.90` in flowed text: 21.90 belongs to
    the 国有资本经营 column only because that column's 合计 says so."""
    positioned = cells(parse(_fund_04(lines, flow=False)))
    r = parse(_fund_04(lines, flow=True))
    got = {(c[2], c[4]): c[5] for c in cells(r) if c[0] == "04"}
    assert got[("社会保障和就业支出", "state_capital")] == 21.9
    assert got[("本年支出合计", "state_capital")] == 21.9
    assert ("社会保障和就业支出", "fund") not in got
    assert [c for c in cells(r) if c[0] == "04"] == [c for c in positioned if c[0] == "04"]
    realigned = [p for p in r.problems if p.table == "04"]
    assert [p.code for p in realigned] == ["realigned"]
    assert "社会保障和就业支出" in realigned[0].message  # names the row that moved
    moved = [ln for ln in r.lines if ln.table == "04" and ln.placement]
    assert moved and all("重新对齐" in ln.placement for ln in moved)


def _sangong(lines, values: str):  # noqa: F811
    out = list(lines)
    i = out.index("1\t2\t3\t4\t5\t\t\t\t9\t10\t11\t", out.index("公开09表"))
    out[i] = values
    return out


def test_sangong_pairs_read_by_the_identities(lines):  # noqa: F811
    """Class 4: 预算数/决算数 pairs item by item under a header that does not say so."""
    pairs = "10.00\t8.50\t2.00\t1.50\t5.00\t4.50\t1.00\t1.00\t4.00\t3.50\t3.00\t2.50"
    r = parse(_sangong(lines, pairs))
    got = {ln.column: ln.amount for ln in r.lines if ln.table == "09"}
    assert got["budget_total"] == 10.0 and got["actual_total"] == 8.5
    assert got["budget_vehicle_operation"] == 4.0 and got["actual_reception"] == 2.5
    assert [p.code for p in r.problems if p.table == "09"] == ["realigned"]


def test_sangong_blanks_dropped_unique_and_ambiguous(lines):  # noqa: F811
    """Class 5 on 09: dropped blanks are placed when only one reading balances, and an
    error when several do (never a silent guess)."""
    unique = " ".join(["9.00", "4.00", "5.00", "1.00", "4.00", "7.00", "3.00", "4.00", "1.00", "3.00"])
    r = parse(_sangong(lines, unique))
    got = {ln.column: ln.amount for ln in r.lines if ln.table == "09"}
    assert got["budget_total"] == 9.0 and got["budget_vehicle_operation"] == 4.0
    assert got["actual_outbound"] == 3.0 and "actual_reception" not in got
    ambiguous = "2.28 2.28 2.00 2.00"
    r = parse(_sangong(lines, ambiguous))
    assert [(p.severity, p.code) for p in r.problems if p.table == "09"] == [("error", "placement_uncertain")]


def test_table_with_no_cells_is_an_error_naming_its_page(lines):  # noqa: F811
    """Class 7: a table recognised by its title whose body yields no number."""
    out = list(lines)
    a, b = section(out, "05")
    out[a + 1 : b] = [x for x in out[a + 1 : b] if not re.search(r"\d+\.\d{2}", x) or "\t" not in x]
    r = parse(out)
    errors = [p for p in r.problems if p.table == "05" and p.severity == "error"]
    assert [p.code for p in errors] == ["table_empty"]
    assert "第 1 页" in errors[0].message


def test_blank_template_reads_as_nine_empty_tables():
    r = parse_file(need_shared(REAL / "template_blank_juesuan.pdf"))
    assert r.document.tables == ["01", "02", "03", "04", "05", "06", "07", "08", "09"]
    assert r.lines == []
    assert not [p for p in r.problems if p.severity == "error"]
    assert [p.code for p in r.problems] == ["document_blank"]


@pytest.mark.parametrize("name", [f"jiangsu_yusuan_{i}.pdf" for i in range(1, 5)])
def test_budgets_are_refused(name):
    from ingest.record import ParseError

    with pytest.raises(ParseError, match="部门预算文件"):
        parse_file(need_shared(REAL.parent / "negative" / name))


@pytest.mark.parametrize("name", ["putuo_2024_guihuaziran.pdf", "putuo_2024_shehuigongzuobu.pdf"])
def test_real_pdfs_every_table_balances(name):
    r = parse_file(need_shared(REAL / name))
    balanced, with_numbers = r.balance()
    assert with_numbers >= 6 and balanced == with_numbers


def test_hostile_lines_are_linear_and_reported(lines):  # noqa: F811
    """A 60 KB line of junk inside a table: read in linear time, and its numbers are
    said to be outside every check rather than loaded silently."""
    out = list(lines)
    i = next(k for k, x in enumerate(out) if x.startswith("一、一般公共预算财政拨款\t1"))
    out.insert(i + 1, "\t".join(["12.34", "某项"] * 7500))
    r = parse(out)
    assert ("04", "row_unchecked") in [(p.table, p.code) for p in r.problems]
    assert [c for c in cells(r) if "某项" not in c[2]] == load(GOLDEN)


def test_stray_line_inside_economic_table(lines):  # noqa: F811
    out = list(lines)
    i = next(k for k, x in enumerate(out) if x.startswith("30101\t"))
    out.insert(i, "这是一行说明文字")
    r = parse(out)
    assert_golden(r, allowed=("reader_note",))
    assert [p.code for p in r.problems] == ["reader_note"] and "这是一行说明文字" in r.problems[0].message


@pytest.mark.parametrize("encoding", ["utf-16", "utf-32"])
def test_utf16_and_utf32_with_bom(lines, encoding):  # noqa: F811
    assert_golden(parse(lines, encoding=encoding))


def test_transposed_class_code_is_an_error(lines):  # noqa: F811
    """208 printed as 028: the 类 code is not on the list, its name belongs to 208, and
    its 款/项 lose their parent: three reasons, none silent."""
    out = list(lines)
    a, b = section(out, "02")
    out[a:b] = [x.replace("208\t社会保障和就业支出", "028\t社会保障和就业支出") for x in out[a:b]]
    codes = {(p.table, p.code) for p in parse(out).problems if p.severity == "error"}
    assert {("02", "code_unknown"), ("02", "code_orphan")} <= codes


def test_damaged_pdf_page_is_said_and_the_rest_reads():
    data = need_shared(REAL / "putuo_2024_guihuaziran.pdf").read_bytes()
    at = [m.start() for m in re.finditer(rb"/Type\s*/Page[^s]", data)][12]
    damaged = data[:at] + b"/Type /Xage" + data[at + len(b"/Type /Page") :]
    from ingest.parse import parse_bytes

    r = parse_bytes(damaged, "damaged.pdf")
    assert [p.code for p in r.problems if p.table is None] == ["page_unreadable"]
    assert "第 13 页" in r.problems[0].message
    assert len(r.lines) > 200  # the other pages still read


@pytest.fixture(scope="module")
def generated_pdfs(tmp_path_factory):
    from samplegen.generate import generate

    out = tmp_path_factory.mktemp("pdfs")
    manifest = generate(out, units=3, years="2024", formats="pdf", faults=0.0, seed=21)
    return out, [d for d in manifest["documents"] if d["kind"] != "unreadable"]


@pytest.mark.parametrize("machine_has_cjk_font", [True, False])
def test_generated_pdfs_read_with_or_without_a_cjk_font(generated_pdfs, monkeypatch, machine_has_cjk_font):
    """The generator's PDFs use a non-embedded CID font (REAL_LAYOUTS 6). Where the
    machine has no CJK font, pdfium has no glyphs for it and the reader takes the
    pdfminer path; both paths must read every cell."""
    import ingest.frontends.pdf as pdf_frontend

    if not machine_has_cjk_font:
        monkeypatch.setattr(pdf_frontend, "_glyphless", lambda *a: True)
    out, docs = generated_pdfs
    assert docs and all(d["layout"]["font"] == "cid:STSong-Light" for d in docs)
    for d in docs:
        got = {
            (x.table, x.row_label, x.subject_code, x.column, round(x.amount, 2))
            for x in parse_file(out / d["file"]).lines
        }
        want = {
            (c["table"], c["row_label"], c["subject_code"], c["column"], round(c["amount"], 2))
            for c in d["cells"]
            if not c["column"].endswith(("meeting", "training"))
        }
        assert want <= got, (d["file"], sorted(want - got)[:5])


def test_economic_header_stacked_over_lines(lines):  # noqa: F811
    """Class 1: the 06 header as `经济分类` / `科目编码` / `类 款` on three lines, and
    the codes printed in their 类 and 款 cells."""
    out = list(lines)
    i = next(k for k, x in enumerate(out) if x.startswith("科目代码\t科目名称"))
    out[i : i + 1] = [
        "\t".join(["经济分类", "", ""] * 3),
        "\t".join(["科目编码", "科目名称", "决算数"] * 3),
        "\t".join(["类 款", "", ""] * 3),
    ]
    a, b = section(out, "06")
    out[a:b] = [
        "\t".join(spaced(f) if re.fullmatch(r"3\d{4}", f) else f for f in x.split("\t")) for x in out[a:b]
    ]
    assert_golden(parse(out))


@pytest.mark.parametrize("mark", ["- 12 -", "—12—", "第 12 页", "第12页 共30页"])
@pytest.mark.parametrize("table", ["02", "05", "06"])
def test_page_numbers_inside_a_table_are_not_amounts(lines, mark, table):  # noqa: F811
    """Class 8: text layers without form feeds put the page number inside a table."""
    out = list(lines)
    a, b = section(out, table)
    out.insert((a + b) // 2, mark)
    assert_golden(parse(out))


@pytest.mark.parametrize(("table", "cut"), [("05", 10), ("07", 10), ("06", 13), ("04", 6)])
def test_title_wrapped_onto_two_lines(lines, table, cut):  # noqa: F811
    """A long title wrapped in two: the second line alone names a less specific table
    (`预算财政拨款支出决算表` reads as 03); joined, it is the table it is."""
    out = list(lines)
    i = out.index(TITLES[table])
    out[i : i + 1] = [out[i][:cut], out[i][cut:]]
    assert_golden(parse(out))


def test_a_different_title_is_not_a_continuation(lines):  # noqa: F811
    """A title that maps to a table already read but does not repeat its words is not
    its 续表: its rows are not added to that table, and it is said."""
    out = list(lines)
    a, _ = section(out, "05")
    out[a] = "2023年度一般公共预算财政拨款项目支出决算表"  # reads as 03 by its keywords
    r = parse(out)
    assert ("03", "table_unclear") in [(p.table, p.code) for p in r.problems]
    assert [c for c in cells(r) if c[0] == "03"] == [c for c in load(GOLDEN) if c[0] == "03"]


@pytest.mark.parametrize(
    "name", ["000_d00643376496db49.txt", "putuo_2024_guihuaziran.pdf", "putuo_2024_shehuigongzuobu.pdf"]
)
def test_tables_promised_by_the_table_of_contents(name):
    r = parse_file(need_shared(REAL / name))
    assert r.document.tables_promised == [f"0{i}" for i in range(1, 10)]


def test_truncated_document_promises_what_it_lacks(lines):  # noqa: F811
    r = parse(lines[: int(len(lines) * 0.4)])
    assert set(r.document.tables_promised) - set(r.document.tables)  # the warehouse quarantines it


def test_transposed_item_code_in_one_table_is_an_error(lines):  # noqa: F811
    """2210201 printed as 2210210 in 03 only: still under its 款, so no sum sees it;
    the same subject carries another code in 02 and 05."""
    out = list(lines)
    a, b = section(out, "03")
    out[a:b] = [x.replace("2210201\t住房公积金", "2210210\t住房公积金") for x in out[a:b]]
    errors = [(p.table, p.code) for p in parse(out).problems if p.severity == "error"]
    assert ("03", "code_mismatch") in errors


def test_a_row_printed_twice_is_an_error(lines):  # noqa: F811
    out = list(lines)
    i = out.index("2080505\t机关事业单位基本养老保险缴费支出\t23.90\t23.90\t\t\t\t\t")
    out.insert(i, out[i])
    assert ("02", "code_duplicate") in [
        (p.table, p.code) for p in parse(out).problems if p.severity == "error"
    ]


def test_table_page_broken_at_every_glyph_run_still_gets_positions():
    """Without the page's CJK font pdfium breaks the text at each glyph run
    ("742." / "34", "25644500." / "00"): the page is still a table page, read
    with character positions, not as prose (found on the faulted corpus)."""
    from ingest.frontends.pdf import _needs_positions

    wan = "一般公共预算财政拨款基本支出决算明细表\n单位：万元\n301\n742.\n34\n302\n89.\n42\n30101\n179.\n67\n"
    yuan = "一般公共预算财政拨款基本支出决算表\n金额单位：元\n301\n25644500.\n00\n302\n3290400.\n00\n"
    assert _needs_positions(wan, after_table=False)
    assert _needs_positions(yuan, after_table=False)
    prose = "六、一般公共预算财政拨款基本支出决算情况说明\n基本支出857.73万元，其中人员经费768.31万元。"
    assert not _needs_positions(prose, after_table=False)
