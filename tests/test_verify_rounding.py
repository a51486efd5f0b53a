"""The rounding slack of the identities: as much as rounding every printed amount
can explain (⌊n/2⌋ hundredths for n addends), no more; and a table that balances
only inside the slack says so, so a changed digit cannot hide there."""

from ingest.tables.base import TableReading, TableRow
from ingest.verify import VERIFIERS, rounding_residuals
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
    assert off(35.88, 35.89, 1)  # one addend: the total is the same rounded value
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
