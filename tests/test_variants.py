"""Variants built from the real 2023 text sample: the same numbers in the layouts
other units publish. Each must read back to the golden cells; each deliberately
broken table must be reported, not silently read."""

import re

import pytest
from conftest import TEXT_SAMPLE, need_shared
from golden_util import cells, load

from ingest.parse import parse_bytes

GOLDEN = "wuhan_2023_text"
AMOUNT = re.compile(r"^-?\d+\.\d{2}$")
TITLES = {
    "01": "2023年度收入支出决算总表",
    "02": "2023年度收入决算表",
    "03": "2023年度支出决算表",
    "04": "2023年度财政拨款收入支出决算总表",
    "05": "2023年度一般公共预算财政拨款支出决算表",
    "06": "2023年度一般公共预算财政拨款基本支出决算明细表",
    "07": "2023年度政府性基金预算财政拨款收入支出决算表",
}


@pytest.fixture(scope="module")
def lines() -> list[str]:
    return need_shared(TEXT_SAMPLE).read_text(encoding="utf-8").split("\n")


def section(lines, table) -> tuple[int, int]:
    """Line range of one table, from its title to the next table's title."""
    start = lines.index(TITLES[table])
    nxt = f"0{int(table) + 1}"
    end = lines.index(TITLES[nxt]) if nxt in TITLES else start + 80
    return start, end


def parse(lines, encoding="utf-8"):
    return parse_bytes("\n".join(lines).encode(encoding), "variant.txt")


def map_table_lines(lines, tables, fn):
    out = list(lines)
    for t in tables:
        a, b = section(out, t)
        out[a:b] = [fn(x) if "\t" in x else x for x in out[a:b]]
    return out


def assert_golden(result, allowed_codes=()):
    assert cells(result) == load(GOLDEN)
    assert all(p.code in allowed_codes for p in result.problems), result.problems


def test_layout_spaces(lines):
    def pad(line):
        return "".join(f.ljust(40 - sum(1 for ch in f if ord(ch) > 0x2E7F)) for f in line.split("\t"))

    assert_golden(parse(map_table_lines(lines, TITLES, pad)))


def test_single_spaces_lose_positions(lines):
    packed = map_table_lines(lines, TITLES, lambda x: " ".join(f for f in x.split("\t") if f.strip()))
    assert_golden(parse(packed), allowed_codes=("realigned",))


def test_one_cell_per_line(lines):
    out = []
    for x in lines:
        out.extend([f for f in x.split("\t") if f.strip()] if "\t" in x else [x])
    assert_golden(parse(out), allowed_codes=("realigned",))


def test_split_codes(lines):
    def split(line):
        f = line.split("\t")
        code = f[0]
        if re.fullmatch(r"\d{3}(\d{2}){0,2}", code):
            parts = [code[:3], code[3:5], code[5:7]]
            return "\t".join([*parts, *f[1:]])
        return "\t".join(["", "", *f])

    assert_golden(parse(map_table_lines(lines, ["02", "03", "05"], split)))


def test_yuan_with_thousands_separators(lines):
    def to_yuan(line):
        return "\t".join(f"{float(f) * 10000:,.2f}" if AMOUNT.match(f) else f for f in line.split("\t"))

    out = map_table_lines(lines, TITLES, to_yuan)
    out = [x.replace("金额单位：万元", "金额单位：元") for x in out]
    r = parse(out)
    assert r.document.amount_unit == "元"
    assert_golden(r)


def test_fullwidth_digits_and_gbk(lines):
    fw = str.maketrans("0123456789.", "０１２３４５６７８９．")
    out = map_table_lines(
        lines, TITLES, lambda x: "\t".join(f.translate(fw) if AMOUNT.match(f) else f for f in x.split("\t"))
    )
    assert_golden(parse(out, encoding="gb18030"))


@pytest.mark.parametrize("style", ["表{n}", "财决0{n}表", ""])
def test_table_labels(lines, style):
    out = []
    for x in lines:
        m = re.fullmatch(r"公开0(\d)表", x.strip())
        if m:
            if style:
                out.append(style.format(n=m.group(1)))
            continue
        out.append(x.replace("公开0", "公开0"))
    assert_golden(parse(out))


def test_missing_table_is_reported(lines):
    a, b = section(lines, "05")
    r = parse(lines[:a] + lines[b:])
    assert cells(r) == [c for c in load(GOLDEN) if c[0] != "05"]
    assert [p.code for p in r.problems] == ["table_missing"]
    assert r.problems[0].table == "05"
    assert "05" not in r.document.tables


def test_wrapped_names(lines):
    out = list(lines)
    a, _ = section(out, "02")
    i = out.index("2080505\t机关事业单位基本养老保险缴费支出\t23.90\t23.90\t\t\t\t\t", a)
    out[i : i + 1] = ["2080505\t机关事业单位基本养老\t23.90\t23.90\t\t\t\t\t", "\t保险缴费支出\t\t\t\t\t\t\t"]
    assert_golden(parse(out))


def test_dropped_zero_cell_realigned(lines):
    out = list(lines)
    a, _ = section(out, "03")
    i = out.index("21505\t工业和信息产业监管\t25.33\t\t25.33\t\t\t", a)
    out[i] = "21505\t工业和信息产业监管\t25.33\t25.33"
    r = parse(out)
    assert_golden(r, allowed_codes=("realigned",))
    assert [(p.table, p.code) for p in r.problems] == [("03", "realigned")]


def test_table_shifted_a_row_realigned(lines):
    out = list(lines)
    a, b = section(out, "02")
    body = [
        i
        for i in range(a, b)
        if re.match(r"^(\d{3,7})?\t", out[i]) and AMOUNT.search(out[i].split("\t")[2] or "x")
    ]
    labels = [out[i].split("\t")[:2] for i in body]
    values = [out[i].split("\t")[2:] for i in body]
    shifted = [*values[1:], [""] * len(values[0])]  # amounts printed one row too high
    for i, lab, val in zip(body, labels, shifted, strict=True):
        out[i] = "\t".join(lab + val)
    out.insert(body[0], "\t\t" + "\t".join(values[0]))  # the first row's amounts above its label
    r = parse(out)
    assert_golden(r, allowed_codes=("realigned",))
    assert ("02", "realigned") in [(p.table, p.code) for p in r.problems]


def test_broken_cell_reported_not_hidden(lines):
    out = list(lines)
    a, _ = section(out, "02")
    i = out.index("2080502\t事业单位离退休\t143.21\t143.21\t\t\t\t\t", a)
    out[i] = "2080502\t事业单位离退休\t153.21\t143.21\t\t\t\t\t"
    r = parse(out)
    printed = [
        ln.amount
        for ln in r.lines
        if ln.table == "02" and ln.subject_code == "2080502" and ln.column == "total"
    ]
    assert printed == [153.21]  # the printed value is kept...
    errors = [p for p in r.problems if p.severity == "error"]
    assert errors and all(p.table == "02" for p in errors)  # ...and the table is reported
    assert any("事业单位离退休" in p.message and p.code == "R-row" for p in errors)


def test_broken_two_sided_and_econ_reported(lines):
    out = [x.replace("本年收入合计\t27\t524.26", "本年收入合计\t27\t524.62") for x in lines]
    out = [x.replace("30101\t基本工资\t46.58", "30101\t基本工资\t64.58") for x in out]
    r = parse(out)
    assert {(p.table, p.code) for p in r.problems if p.severity == "error"} >= {
        ("01", "R-01"),
        ("06", "R-econ"),
    }


def _replace_after(lines, anchor, old, new):
    out = list(lines)
    i = out.index(old, out.index(anchor))
    out[i] = new
    return out


def test_sangong_grouped_with_values(lines):
    """The 三公 table filled in: 预算数 group then 决算数 group, 栏次 row before the data."""
    out = _replace_after(
        lines,
        "公开09表",
        "1\t2\t3\t4\t5\t\t\t\t9\t10\t11\t",
        "1\t2\t3\t4\t5\t6\t7\t8\t9\t10\t11\t12\n"
        "10.00\t2.00\t5.00\t1.00\t4.00\t3.00\t8.50\t1.50\t4.50\t1.00\t3.50\t2.50",
    )
    r = parse("\n".join(out).split("\n"))
    got = {ln.column: ln.amount for ln in r.lines if ln.table == "09"}
    assert got == {
        "budget_total": 10.0,
        "budget_outbound": 2.0,
        "budget_vehicle": 5.0,
        "budget_vehicle_purchase": 1.0,
        "budget_vehicle_operation": 4.0,
        "budget_reception": 3.0,
        "actual_total": 8.5,
        "actual_outbound": 1.5,
        "actual_vehicle": 4.5,
        "actual_vehicle_purchase": 1.0,
        "actual_vehicle_operation": 3.5,
        "actual_reception": 2.5,
    }
    assert not [p for p in r.problems if p.table == "09"]


def test_sangong_broken_total_reported(lines):
    out = _replace_after(
        lines,
        "公开09表",
        "1\t2\t3\t4\t5\t\t\t\t9\t10\t11\t",
        "10.00\t2.00\t5.00\t1.00\t4.00\t3.00\t9.50\t1.50\t4.50\t1.00\t3.50\t2.50",
    )
    r = parse("\n".join(out).split("\n"))
    assert [(p.table, p.code) for p in r.problems] == [("09", "R-row")]


def test_government_fund_table_with_values(lines):
    """07 filled in: a 类/款/项 chain under 合计; R-07 and R-tree hold."""
    rows = [
        "类\t款\t项\t合计\t5.00\t20.00\t18.00\t3.00\t15.00\t7.00",
        "229\t\t\t其他支出\t5.00\t20.00\t18.00\t3.00\t15.00\t7.00",
        "229\t60\t\t彩票公益金安排的支出\t5.00\t20.00\t18.00\t3.00\t15.00\t7.00",
        "229\t60\t08\t用于社会福利的彩票公益金支出\t5.00\t20.00\t18.00\t3.00\t15.00\t7.00",
    ]
    out = _replace_after(lines, "公开07表", "类\t款\t项\t合计\t\t\t\t\t\t", "\n".join(rows))
    r = parse("\n".join(out).split("\n"))
    got = {(ln.subject_code, ln.column): ln.amount for ln in r.lines if ln.table == "07"}
    assert got[("2296008", "closing")] == 7.0
    assert got[("22960", "opening")] == 5.0
    assert got[(None, "basic")] == 3.0
    assert len(got) == 24
    assert not [p for p in r.problems if p.table == "07"]


@pytest.mark.parametrize(
    "title",
    [
        "武汉市江汉区工业企业服务中心2023年度单位决算",
        "武汉市江汉区工业企业服务中心 2023 年度部门决算公开",
        "2023年度武汉市江汉区工业企业服务中心部门决算公开",
    ],
)
def test_unit_name_from_title_forms(lines, title):
    out = [title if "部门决算公开" in x and "2023年度" in x else x for x in lines[:6]] + lines[6:]
    r = parse(out)
    assert (r.document.unit_name, r.document.fiscal_year) == ("武汉市江汉区工业企业服务中心", 2023)


def test_yuan_document_is_exact_to_its_last_digit(lines):
    """A 元 document is checked in 元: 100 元 off (0.01 万元) is an error, not rounding;
    0.01 元 off is inside the rounding slack: no error, but noted on its table."""

    def to_yuan(line):
        return "\t".join(f"{float(f) * 10000:.2f}" if AMOUNT.match(f) else f for f in line.split("\t"))

    out = map_table_lines(lines, TITLES, to_yuan)
    out = [x.replace("金额单位：万元", "金额单位：元") for x in out]
    assert parse(out).problems == []
    hundred = [x.replace("30101\t基本工资\t465800.00", "30101\t基本工资\t465900.00") for x in out]
    r = parse(hundred)
    assert [ln.amount for ln in r.lines if ln.subject_code == "30101"] == [46.59]
    assert [p.code for p in r.problems] == ["R-econ"]
    cent = [x.replace("30101\t基本工资\t465800.00", "30101\t基本工资\t465800.01") for x in out]
    assert [(p.table, p.code) for p in parse(cent).problems] == [("06", "rounding_residual")]


@pytest.mark.parametrize("table", ["02", "04", "06"])
def test_table_continued_on_next_page(lines, table):
    """A table cut by a page break, its title repeated with （续表） and its header again."""
    out = list(lines)
    a, b = section(out, table)
    rows = [i for i in range(a, b) if "\t" in out[i]]
    first_body = next(i for i in rows if any(AMOUNT.match(f) for f in out[i].split("\t")))
    header = [out[i] for i in rows if i < first_body]
    cut = rows[len(rows) // 2]
    out[cut:cut] = ["\f" + TITLES[table] + "（续表）", "金额单位：万元", *header]
    r = parse(out)
    assert_golden(r)


def test_sangong_without_positions_is_flagged(lines):
    """One-space text loses positions: with blank 三公 cells the reading is a guess,
    so the reader says so instead of passing it silently."""
    out = _replace_after(
        lines, "公开09表", "1\t2\t3\t4\t5\t\t\t\t9\t10\t11\t", "2.28\t\t\t\t\t2.28\t2.00\t\t\t\t\t2.00"
    )
    a = out.index("公开09表")
    out[a:] = [" ".join(f for f in x.split("\t") if f) if "\t" in x else x for x in out[a:]]
    r = parse("\n".join(out).split("\n"))
    assert ("09", "placement_uncertain") in [(p.table, p.code) for p in r.problems]


def test_subject_table_without_its_total_row_is_reported(lines):
    """The 合计 row moved out of 05 (a swapped line): its 类 are checked against nothing."""
    a, b = section(lines, "05")
    out = [x for i, x in enumerate(lines) if not (a <= i < b and x.startswith("\t合计\t"))]
    assert len(out) == len(lines) - 1
    r = parse(out)
    assert [(p.table, p.code) for p in r.problems] == [("05", "total_missing")]


def test_table_read_as_all_zeros_is_an_error(lines):
    """Every unit has income and spending: an 01 whose amounts all read as 0 is wrong."""
    zero = map_table_lines(
        lines, ["01"], lambda x: "\t".join("0.00" if AMOUNT.match(f) else f for f in x.split("\t"))
    )
    r = parse(zero)
    assert ("01", "table_zero", "error") in {(p.table, p.code, p.severity) for p in r.problems}
    assert not any(ln.table == "01" for ln in r.lines)


def _problems(lines):
    return {(p.table, p.code, p.severity) for p in parse(lines).problems}


def test_rows_lost_or_doubled_are_reported(lines):
    """Changes every identity survives (fuzz findings): a row printed twice, a 项
    whose line is gone, 06's totals line gone. Each is said on its table."""
    at = next(i for i, x in enumerate(lines) if x.startswith("30399\t"))  # 39.91 on its left
    assert ("06", "code_duplicate", "error") in _problems([*lines[: at + 1], lines[at], *lines[at + 1 :]])
    grand = next(i for i, x in enumerate(lines) if x.startswith("总计\t31\t524.26"))
    assert ("01", "row_duplicate", "error") in _problems(
        [*lines[: grand + 1], lines[grand], *lines[grand + 1 :]]
    )
    a, b = section(lines, "02")
    gone = [x for i, x in enumerate(lines) if not (a <= i < b and x.startswith("2150502\t"))]
    assert ("02", "children_missing", "warning") in _problems(gone)
    totals = [x for x in lines if not x.startswith("人员经费合计\t")]
    assert ("06", "total_missing", "warning") in _problems(totals)


def test_an_empty_note_counts_only_for_its_own_table(lines):
    """09's note (无三公经费) moved under 01 ends 01 early: 01 is then empty, an error,
    not a table the unit has nothing to show in."""
    note = next(i for i, x in enumerate(lines) if x.startswith("注：我部门无“三公”经费支出"))
    a, _ = section(lines, "01")
    moved = [*lines[: a + 3], lines[note], *[x for i, x in enumerate(lines[a + 3 :], a + 3) if i != note]]
    r = parse(moved)
    assert ("01", "table_empty") in {(p.table, p.code) for p in r.problems}
