"""Subject codes read with a speck as one digit too many (`20805065` for `2080506`):
which readings are tried, and that a code that cannot stand is never kept silently.
Built from cells, without the engine."""

from __future__ import annotations

from ingest.grid import Cell, Row
from ingest.ocrfix import _together
from ingest.ocrfix_edits import _CODE_DIGIT, Edit, candidates, long_code, witnessed
from ingest.ocrfix_report import malformed_left
from ingest.tables.locate import Region


def _region(table: str, rows: list[list[str]], conf: float | None = 0.99) -> Region:
    title = Row([Cell("title")], 1, 0.0)
    return Region(
        table, title, [Row([Cell(t, conf=conf) for t in r], 1, float(i)) for i, r in enumerate(rows)]
    )


def test_code_reading_is_narrowed_to_the_one_another_table_prints_with_the_name():
    r02 = _region(
        "02", [["20805", "行政事业单位养老支出", "51.35"], ["20805065机关事业单位职业年金缴费支出", "37.27"]]
    )
    r03 = _region("03", [["2080506", "机关事业单位职业年金缴费支出", "37.27"]], conf=None)
    edits = [e for e in candidates(r02, []) if e.why == _CODE_DIGIT and e.old.startswith("20805065")]
    assert {e.new for e in edits} >= {
        "2080506机关事业单位职业年金缴费支出",
        "2080565机关事业单位职业年金缴费支出",
    }
    kept = [e.new for e in witnessed(edits, r02, [r02, r03])]
    assert kept == ["2080506机关事业单位职业年金缴费支出"]
    # no other table prints the code: every reading stays for the identities to decide
    assert len(witnessed(edits, r02, [r02])) == len(edits)


def test_a_code_with_a_digit_too_many_is_reported_when_left():
    r02 = _region("02", [["22960022", "用于社会福利的彩票公益金支出", "241.05"], ["2296002", "x", "1.00"]])
    first, second = r02.rows[0].cells[0], r02.rows[1].cells[0]
    assert long_code(r02, first) and not long_code(r02, second)
    assert not long_code(
        _region("01", [["22960022", "1.00"]]), _region("01", [["22960022"]]).rows[0].cells[0]
    )
    problems = malformed_left([r02])
    assert [p.code for p in problems] == ["ocr_malformed"] and problems[0].severity == "error"
    assert "22960022" in problems[0].message


def _hit(cell: Cell, new: str, left: int) -> tuple[tuple[Edit, ...], tuple]:
    return (Edit(cell, 1, cell.text, new, _CODE_DIGIT),), ({}, [_err()] * left, 0)


def _err():
    from ingest.record import Problem

    return Problem("error", "02", "R-tree", "x")


def test_tied_partial_readings_of_different_cells_are_kept_only_together():
    a, b = Cell("22102011", conf=0.9), Cell("21011011", conf=0.9)
    hits = [_hit(a, "2210201", 2), _hit(b, "2101101", 2)]
    together = _together(hits, lambda chosen, partial: ({}, [], 0))  # together they balance
    assert len(together) == 1 and {e.new for e in together[0][0]} == {"2210201", "2101101"}
    assert _together(hits, lambda chosen, partial: ({}, [_err()] * 2, 0)) == []  # no better together
    # two readings of one cell tie: the identities do not decide between them
    assert _together([_hit(a, "2210201", 2), _hit(a, "2210211", 2)], lambda c, p: ({}, [], 0)) == []
