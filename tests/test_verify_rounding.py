"""What the identities cover. Their rounding slack is as much as rounding every
printed amount can explain (⌊n/2⌋ hundredths for n addends, at least one), no more; a table that
balances only inside the slack says so, so a changed digit cannot hide there; and
the cells no identity reads are counted."""

from ingest.tables.base import TableReading, TableRow
from ingest.verify import VERIFIERS, rounding_residuals, uncovered
from ingest.verify.common import exact, off


def _table_06(group: float) -> TableReading:
    rows = [
        TableRow("工资福利支出", "301", {"amount": group}, 1, positional=True),
        TableRow("基本工资", "30101", {"amount": 10.11}, 1, positional=True),
        TableRow("津贴补贴", "30102", {"amount": 20.22}, 1, positional=True),
        TableRow("奖金", "30103", {"amount": 5.55}, 1, positional=True),
    ]
    return TableReading("06", rows, ["amount"])


def test_slack_is_what_rounding_can_explain():
    assert not off(35.88, 35.88, 1)
    assert not off(35.88, 35.89, 1)  # a hundredth always (totals summed from rounded rows)
    assert off(35.88, 35.90, 1)
    assert not off(35.88, 35.89, 3)  # three rounded addends: at most one hundredth
    assert off(35.88, 35.90, 3)
    assert not off(35.88, 35.90, 4)
    assert off(35.88, 35.91, 5)
    with exact():
        assert off(35.88, 35.89, 9)


def test_exact_table_has_no_note():
    reading = _table_06(35.88)
    problems, checked = VERIFIERS["06"](reading)
    assert problems == [] and checked == 1
    assert rounding_residuals({"06": reading}, problems) == []


def test_table_inside_the_slack_is_noted_with_the_difference():
    reading = _table_06(35.89)
    problems, _ = VERIFIERS["06"](reading)
    assert problems == []
    [note] = rounding_residuals({"06": reading}, problems)
    assert (note.severity, note.table, note.code) == ("warning", "06", "rounding_residual")
    assert "0.01 万元" in note.message and "301" in note.message


def test_three_hundredths_on_three_addends_is_an_error():
    reading = _table_06(35.91)
    problems, _ = VERIFIERS["06"](reading)
    assert [(p.severity, p.code) for p in problems] == [("error", "R-econ")]
    assert rounding_residuals({"06": reading}, problems) == []  # the error says it already


def test_cells_no_identity_reads_are_counted():
    """A 06 group without items, and 09's 会议费/培训费 while the three items make 合计."""
    rows = [*_table_06(35.88).rows, TableRow("资本性支出", "310", {"amount": 5.0}, 1)]
    assert [(r.code, c) for r, c in uncovered(TableReading("06", rows, ["amount"]))] == [("310", "amount")]
    a = {"actual_total": 10.0, "actual_outbound": 4.0, "actual_vehicle": 3.0, "actual_vehicle_purchase": 1.0,
         "actual_vehicle_operation": 2.0, "actual_reception": 3.0, "actual_meeting": 7.0}  # fmt: skip
    sangong = TableReading("09", [TableRow("", None, a, 1)], list(a))
    assert [c for _, c in uncovered(sangong)] == ["actual_meeting"]
    a["actual_total"] = 17.0  # now 合计 needs the meeting fee: it is checked
    assert uncovered(sangong) == []
