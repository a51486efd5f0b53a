"""Placements of values read without positions (flowed text, blanks dropped) that the
table's own identities leave open, settled by what other tables and the narrative
say, even when the document itself breaks one of those cross-checks elsewhere.
Cases of the 1,000-document faulted corpus (bench/bench_rules.py, seed 11) whose
tables came out `placement_uncertain` or with R-row errors and were then flagged
by rules the document does not break."""

from ingest.record import Fact
from ingest.tables.base import TableReading, TableRow
from ingest.tables.layout import assign_by_order
from ingest.verify.sangong import settle_sangong, verify_sangong
from ingest.verify.subject import verify_subject

T07 = ["opening", "income", "total", "basic", "project", "closing"]
CODES = [None, "212", "21208", "2120803"]


def _flowed_07() -> TableReading:
    """07 of 新望江街道 2021: 本年收入 2130.95, 本年支出 1755.67 (all 项目), 年末 375.28,
    年初 blank; every row prints `2130.95 1755.67 1755.67 375.28`."""
    values = [2130.95, 1755.67, 1755.67, 375.28]
    rows = [
        TableRow(
            "合计" if c is None else f"科目{c}", c, assign_by_order([(None, v, "") for v in values], T07), 5
        )
        for c in CODES
    ]
    for r in rows:
        r.raw_values = list(values)
    return TableReading("07", rows, list(T07))


def _t03() -> TableReading:
    return TableReading(
        "03",
        [
            TableRow("合计" if c is None else f"科目{c}", c, {"total": 1755.67, "project": 1755.67}, 4)
            for c in CODES
        ],
        ["total", "basic", "project"],
    )


def _t01(fund_income: float) -> TableReading:
    return TableReading(
        "01",
        [TableRow("政府性基金预算财政拨款收入", None, {"amount": fund_income}, 2, side="income")],
        ["amount"],
    )


def test_07_income_or_opening_settled_by_01_when_04_does_not_balance():
    # 本年收入 or 年初结转 both close the row (0 + 2130.95 − 1755.67 = 375.28 either way);
    # 04, which says it, failed its own identities (a fault in its 一般公共预算 column),
    # 01 prints the same fund income
    reading = _flowed_07()
    problems, _ = verify_subject(reading, {"01": _t01(2130.95), "03": _t03()})
    assert [p.code for p in problems] == ["realigned"]
    for r in reading.rows:
        assert {k: v for k, v in r.amounts.items() if v} == {
            "income": 2130.95,
            "total": 1755.67,
            "project": 1755.67,
            "closing": 375.28,
        }


def test_07_left_open_without_01_is_reported_not_guessed():
    reading = _flowed_07()
    problems, _ = verify_subject(reading, {"03": _t03()})
    assert [p.code for p in problems] == ["placement_uncertain"]


GROUPS = [f"{p}_{it}" for it in ("total", "outbound", "vehicle", "vehicle_purchase", "vehicle_operation", "reception") for p in ("budget", "actual")]  # fmt: skip
NO_POSITIONS = "表格位置信息缺失"


def _t06(lines: dict[str, float]) -> TableReading:
    return TableReading(
        "06", [TableRow(f"经济科目{c}", c, {"amount": v}, 6) for c, v in lines.items()], ["amount"]
    )


def _sangong(values: list[float], columns: list[str]) -> TableReading:
    row = TableRow("三公经费", None, dict(zip(columns, values, strict=False)), 7, raw_values=list(values))
    return TableReading("09", [row], columns, NO_POSITIONS)


def _stated(**amounts: float) -> list[Fact]:
    return [Fact(f"sangong_{k}", None, k, v, "万元", 9, "") for k, v in amounts.items()]


def test_09_floor_every_reading_breaks_does_not_block_the_identities():
    """交通运输局 2021 (X-09 fault): 09 prints 决算 运行维护费 3.41 below 06's 30231 4.77.
    That floor excludes every reading; it cannot tell readings apart, so it is not used:
    the identities leave 购置费 vs 运行维护费 open (reported), and the narrative, which
    states the 预算数 by item, settles it, although it states 4.77 for the 决算数."""
    reading = _sangong([6.65, 3.41, 6.65, 3.41, 6.65, 3.41], GROUPS)
    problems, _ = verify_sangong(reading, {"06": _t06({"30231": 4.77})})
    assert [p.code for p in problems] == ["placement_uncertain"]  # before: two R-row errors
    facts = _stated(
        budget_total=6.65, actual_total=4.77, budget_outbound=0.0, actual_outbound=0.0,
        budget_vehicle=6.65, actual_vehicle=4.77, budget_vehicle_purchase=0.0, actual_vehicle_purchase=0.0,
        budget_vehicle_operation=6.65, actual_vehicle_operation=4.77, budget_reception=0.0, actual_reception=0.0,
    )  # fmt: skip
    settled = settle_sangong(reading, facts)
    assert settled is not None and settled.code == "realigned"
    assert {k: v for k, v in reading.rows[0].amounts.items() if v} == {
        "budget_total": 6.65,
        "actual_total": 3.41,
        "budget_vehicle": 6.65,
        "actual_vehicle": 3.41,
        "budget_vehicle_operation": 6.65,
        "actual_vehicle_operation": 3.41,
    }


def test_09_narrative_amount_no_reading_has_does_not_block_the_others():
    """规划资源局 2024 (N-06 fault): the narrative states 决算 运行维护费 6.81, the table 7.31.
    No reading has 6.81 anywhere, so that statement is not evidence about placement; the
    other stated amounts settle 预算 购置费 vs 运行维护费 (06 has no floor for 预算数)."""
    extra = [f"{p}_{it}" for p in ("budget", "actual") for it in ("total", "outbound", "vehicle", "vehicle_purchase", "vehicle_operation", "reception", "meeting", "training")]  # fmt: skip
    reading = _sangong([12.32, 11.01, 11.01, 1.31, 5.21, 8.25, 7.31, 7.31, 0.94, 3.72], extra)
    problems, _ = verify_sangong(reading, {"06": _t06({"30231": 7.31, "30217": 0.94, "30215": 3.72})})
    assert [p.code for p in problems] == ["placement_uncertain"]
    facts = _stated(
        budget_total=12.32, actual_total=8.25, budget_outbound=0.0, actual_outbound=0.0,
        budget_vehicle=11.01, actual_vehicle=7.31, budget_vehicle_purchase=0.0, actual_vehicle_purchase=0.0,
        budget_vehicle_operation=11.01, actual_vehicle_operation=6.81, budget_reception=1.31, actual_reception=0.94,
        actual_meeting=3.72, actual_training=0.0,
    )  # fmt: skip
    settled = settle_sangong(reading, facts)
    assert settled is not None and settled.code == "realigned"
    core = {
        k: v for k, v in reading.rows[0].amounts.items() if v and "meeting" not in k and "training" not in k
    }
    assert core == {
        "budget_total": 12.32,
        "budget_vehicle": 11.01,
        "budget_vehicle_operation": 11.01,
        "budget_reception": 1.31,
        "actual_total": 8.25,
        "actual_vehicle": 7.31,
        "actual_vehicle_operation": 7.31,
        "actual_reception": 0.94,
    }


def test_09_contradicting_evidence_that_splits_the_readings_still_reports():
    """Statements each of which some reading satisfies, but no reading all of them:
    nothing is chosen (the table stays reported)."""
    reading = _sangong([6.65, 3.41, 6.65, 3.41, 6.65, 3.41], GROUPS)
    verify_sangong(reading, {})
    facts = _stated(budget_vehicle_purchase=6.65, budget_vehicle_operation=6.65)
    assert settle_sangong(reading, facts) is None
