"""Wrapped names on positioned grids: a label-only line (a name's second line) joins
the row the geometry says; when the geometry does not say it (halfway, a tie), the
row it joined and the other candidate are named on the table, unless another table
printing the same subject settles it; never silently."""

import pytest

from ingest.grid import Cell, Row
from ingest.tables.base import TableReading, TableRow
from ingest.tables.layout import WrapDoubt, assemble
from ingest.tables.locate import Region
from ingest.tables.subject import read_subject_table
from ingest.verify import wrap_doubts

NAME_X0, NAME_X1 = 150.0, 260.0
COLS = {"total": 330.0, "basic": 400.0, "project": 470.0}
HEADS = ("小计", "基本支出", "项目支出")


def _cell(text: str, x0: float, x1: float) -> Cell:
    return Cell(text, (x0 + x1) / 2, x0, x1)


def _row(y: float, code: str | None, name: str | None, amounts: tuple[str, ...] = ()) -> Row:
    cells = []
    if code:
        cells.append(_cell(code, 60.0, 100.0))
    if name:
        cells.append(_cell(name, NAME_X0, NAME_X0 + 11.0 * len(name)))
    cells += [_cell(a, x - 25.0, x + 25.0) for a, x in zip(amounts, COLS.values(), strict=False)]
    return Row(cells, page=3, y=y)


def _body(fragment_y: float) -> list[Row]:
    """合计, then two 项 rows that start their own names, a wrapped fragment between them."""
    return [
        _row(100.0, None, "合计", ("30.00", "10.00", "20.00")),
        _row(120.0, "2080505", "机关事业单位基本养老保", ("10.00", "10.00", "-")),
        _row(fragment_y, None, "险缴费支出"),
        _row(152.0, "2080506", "机关事业单位职业年金缴", ("20.00", "-", "20.00")),
    ]


def _labels(fragment_y: float):
    rows = assemble(_body(fragment_y), 300.0, lambda label: label == "合计")
    return {r.code: r for r in rows if r.code}


def test_fragment_nearer_its_row_joins_it_unsaid():
    # top-aligned cells as in the real 2024 PDFs: the name's own line spacing (15.6)
    # is smaller than the spacing to the next row (16.4)
    rows = _labels(135.6)
    assert rows["2080505"].label == "机关事业单位基本养老保险缴费支出"
    assert rows["2080506"].label == "机关事业单位职业年金缴"
    assert rows["2080505"].doubtful == [] and rows["2080506"].doubtful == []


def test_fragment_clearly_nearer_the_row_below_joins_it_unsaid():
    rows = _labels(145.0)  # 25 from the row above, 7 from the one below: its first line
    assert rows["2080506"].label == "险缴费支出机关事业单位职业年金缴"
    assert rows["2080505"].doubtful == [] and rows["2080506"].doubtful == []


@pytest.mark.parametrize("fragment_y", [136.0, 137.0, 138.0])
def test_tie_or_halfway_against_the_nearer_row_is_said(fragment_y):
    # 136: a tie; 137, 138: the row below is nearer but within the halfway band, where
    # the reader keeps top-aligned cells' reading: joined above, and said
    rows = _labels(fragment_y)
    assert rows["2080505"].label == "机关事业单位基本养老保险缴费支出"
    assert rows["2080505"].doubtful == [
        WrapDoubt(
            3,
            "险缴费支出",
            "2080505",
            "机关事业单位基本养老保险缴费支出",
            "机关事业单位基本养老保",
            "2080506",
            "机关事业单位职业年金缴",
            "险缴费支出机关事业单位职业年金缴",
        )
    ]


def test_no_position_flips_the_attachment_silently():
    """Sweep the fragment between the rows: wherever the choice goes against the
    nearer row, or neither is nearer, it is said; it is unsaid only for the nearer row."""
    seen = set()
    for tenth in range(121 * 10, 152 * 10):
        y = tenth / 10
        rows = _labels(y)
        above, below = rows["2080505"], rows["2080506"]
        joined_above = above.label.endswith("险缴费支出")
        assert joined_above != below.label.startswith("险缴费支出")
        said = above.doubtful or below.doubtful
        d_above, d_below = y - 120.0, 152.0 - y
        nearer_above = d_above < d_below * 0.97
        nearer_below = d_below < d_above * 0.97
        if not said:
            assert (joined_above and nearer_above) or (not joined_above and nearer_below), y
        seen.add((joined_above, bool(said)))
    assert seen == {(True, False), (True, True), (False, False)}


def _region(body: list[Row]) -> Region:
    header = [
        Row([_cell("科目编码", 60.0, 100.0), _cell("科目名称", NAME_X0, NAME_X1)], page=3, y=80.0),
        Row(
            [_cell(k, x - 20.0, x + 20.0) for k, x in zip(HEADS, COLS.values(), strict=True)], page=3, y=80.5
        ),
    ]
    return Region("05", Row([Cell("一般公共预算财政拨款支出决算表")], page=3, y=60.0), header + body)


def _other_table(names: dict[str, str]) -> TableReading:
    return TableReading("03", [TableRow(n, c, {"total": 1.0}, 2) for c, n in names.items()], ["total"])


def test_doubt_is_said_on_the_table():
    reading = read_subject_table(_region(_body(137.0)))
    assert [r.amounts for r in reading.rows if r.code == "2080506"] == [
        {"total": 20.0, "project": 20.0, "basic": 0.0}
    ]
    problems = wrap_doubts({"05": reading})
    assert [(p.severity, p.table, p.code, p.message) for p in problems] == [
        (
            "warning",
            "05",
            "name_fragment_uncertain",
            "公开05表（一般公共预算财政拨款支出决算表）第 3 页名称续行“险缴费支出”位于"
            "“2080505 机关事业单位基本养老保险缴费支出”与“2080506 机关事业单位职业年金缴”"
            "两行之间，无法确定属于哪一行，已并入“2080505 机关事业单位基本养老保险缴费支出”，请核对原件",
        )
    ]


def test_doubt_settled_by_the_same_subject_in_another_table():
    reading = read_subject_table(_region(_body(137.0)))
    agreeing = _other_table({"2080505": "机关事业单位基本养老保险缴费支出"})
    assert wrap_doubts({"05": reading, "03": agreeing}) == []
    # the other table prints the name as if the fragment began the row below: still said
    against = _other_table(
        {"2080505": "机关事业单位基本养老保险缴费支出", "2080506": "险缴费支出机关事业单位职业年金缴"}
    )
    assert [p.code for p in wrap_doubts({"05": reading, "03": against})] == ["name_fragment_uncertain"]
    # a different code printed with that name settles nothing
    unrelated = _other_table({"2080599": "机关事业单位基本养老保险缴费支出"})
    assert [p.code for p in wrap_doubts({"05": reading, "03": unrelated})] == ["name_fragment_uncertain"]


def test_tables_sharing_the_doubt_do_not_settle_each_other():
    """02, 03 and 05 of one document wrap the same name alike: a misjoin in one is
    the same misjoin in the others, so their agreement is no evidence."""
    in_05, in_03 = read_subject_table(_region(_body(137.0))), read_subject_table(_region(_body(137.0)))
    assert in_05.doubts and in_03.doubts
    assert [p.code for p in wrap_doubts({"05": in_05, "03": in_03})] == ["name_fragment_uncertain"] * 2
    # a third table printing the name on one line still settles both
    whole = _other_table({"2080505": "机关事业单位基本养老保险缴费支出"})
    assert wrap_doubts({"05": in_05, "03": in_03, "02": whole}) == []


def test_doubt_moved_when_another_table_speaks_only_for_the_other_row():
    reading = read_subject_table(_region(_body(137.0)))
    (doubt,) = reading.doubts
    # 03 prints the joined row's name without the fragment: the fragment is the other row's
    witness = _other_table({doubt.chosen_code: doubt.chosen_without})
    problems = wrap_doubts({"05": reading, "03": witness})
    assert [p.code for p in problems] == ["name_fragment_moved"]
    labels = {r.code: r.label for r in reading.rows}
    assert labels[doubt.chosen_code] == doubt.chosen_without
    assert labels[doubt.other_code] == doubt.other_with
    assert doubt.fragment in problems[0].message and doubt.other_with in problems[0].message


def test_table_without_amounts_has_no_doubt_notes():
    body = [_row(y, c, n) for y, c, n in [(100.0, None, "合计"), (120.0, "2080505", "甲乙丙"), (136.0, None, "丁"), (152.0, "2080506", "戊己")]]  # fmt: skip
    reading = read_subject_table(_region(body))
    assert reading.doubts == [] and wrap_doubts({"05": reading}) == []


def _centred_body(first_line_y: float, second_name: bool = True) -> list[Row]:
    """Vertically centred cells (the generated PDFs, 11.7 between a name's lines, 15.7
    between single-line rows): a two-line name around its amounts' line, a one-line row,
    then a three-line name whose first line is nearly as close to the row above."""
    rows = [
        _row(100.0, None, "合计", ("30.00", "10.00", "20.00")),
        _row(143.1, "2080501", "行政单位离退休", ("5.00", "5.00", "-")),
        _row(first_line_y, None, "机关事业单位基"),
        _row(170.1, "2080505", "本养老保险缴费", ("10.00", "5.00", "5.00")),
        _row(181.8, None, "支出"),
        _row(197.5, "2080506", "机关事业单位职业年金缴费", ("15.00", "-", "15.00")),
    ]
    if second_name:  # 20805's name on two lines around its amounts
        rows[1:1] = [
            _row(115.7, None, "行政事业单位养"),
            _row(121.55, "20805", None, ("30.00",)),
            _row(127.4, None, "老支出"),
        ]
    return rows


def test_table_pitch_settles_a_three_line_name_near_the_row_above():
    # OCR box centres: 15.3 below the row above, 11.7 above its own row (23.5% apart,
    # inside the halfway band): the table's two-line name spaces its lines 11.7 apart,
    # so the first line is in its own row's cell and the row above's cell ended before it
    rows = {r.code: r for r in assemble(_centred_body(158.4), 300.0, lambda label: label == "合计")}
    assert rows["2080505"].label == "机关事业单位基本养老保险缴费支出"
    assert rows["2080501"].label == "行政单位离退休"
    assert rows["20805"].label == "行政事业单位养老支出"
    assert all(r.doubtful == [] for r in rows.values())


def test_without_another_wrapped_name_the_line_is_not_judged_by_its_own_distances():
    # the three-line name alone: its first line's own gap would be the only 11.7 spacing
    # of the table; its third line's 11.7 gap still gives the pitch, so it is settled ...
    rows = {r.code: r for r in assemble(_centred_body(158.4, False), 300.0, lambda label: label == "合计")}
    assert rows["2080505"].label == "机关事业单位基本养老保险缴费支出"
    # ... but with the third line gone, no other spacing says where cells end: the halfway
    # rule joins the row above, and says so
    body = [r for r in _centred_body(158.4, False) if r.y != 181.8]
    rows = {r.code: r for r in assemble(body, 300.0, lambda label: label == "合计")}
    assert rows["2080501"].label == "行政单位离退休机关事业单位基"
    assert [d.other_code for d in rows["2080501"].doubtful] == ["2080505"]


def test_table_pitch_keeps_a_top_aligned_third_line_with_its_row():
    # top-aligned, 12 between a name's lines, 4 of padding: a name's third line is 24 below
    # its row and 16 above the next one, which the nearer-row rule would have given it
    body = [
        _row(100.0, None, "合计", ("30.00", "10.00", "20.00")),
        _row(116.0, "2080505", "机关事业单位基", ("10.00", "10.00", "-")),
        _row(128.0, None, "本养老保险缴费"),
        _row(140.0, None, "支出"),
        _row(156.0, "2080506", "机关事业单位职业年金缴费", ("20.00", "-", "20.00")),
    ]
    rows = {r.code: r for r in assemble(body, 300.0, lambda label: label == "合计")}
    assert rows["2080505"].label == "机关事业单位基本养老保险缴费支出"
    assert rows["2080506"].label == "机关事业单位职业年金缴费"
    assert rows["2080505"].doubtful == [] and rows["2080506"].doubtful == []
