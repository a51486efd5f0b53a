"""The nine published tables rebuilt from the marts, one cell per row (the round
trip test, tests/test_warehouse_roundtrip.py): what a reader of the marts gets
back must be what the reader parsed, cell for cell.

A cell is (document_id, table, side, row, subject_code, row_label, column,
amount in cents of 万元). Zero amounts are left out on both sides: the contract
omits printed zeros and the marts store a missing cell as zero. Table 09 is one
row per document in its mart, so its row and label are not compared."""

from __future__ import annotations

import duckdb

Cell = tuple

# table -> (mart, amount columns) for the marts with one row per printed row
SUBJECT_MARTS = {
    "02": ("fct_income_by_subject", ["total", "fiscal", "superior_subsidy", "business", "operating",
                                     "affiliated_remittance", "other"]),
    "03": ("fct_expenditure_by_subject", ["total", "basic", "project", "remit_superior", "operating",
                                          "affiliated_subsidy"]),
    "05": ("fct_general_budget_expenditure", ["total", "basic", "project", "budget_initial", "budget_adjusted"]),
    "07": ("fct_government_fund", ["opening", "income", "total", "basic", "project", "closing"]),
    "08": ("fct_state_capital", ["total", "basic", "project"]),
}  # fmt: skip
SANGONG_COLUMNS = [
    f"{part}_{item}"
    for part in ("budget", "actual")
    for item in ("total", "outbound", "vehicle", "vehicle_purchase", "vehicle_operation", "reception",
                 "meeting", "training")
]  # fmt: skip

# Each select gives: document_id, table_id, side, row_no, subject_code, row_label, column_key, amount
_LONG = "select document_id, {table} as table_id, {side} as side, {row} as row_no, {code} as subject_code, " \
        "{label} as row_label, column_key, amount from (unpivot ({inner}) on {cols} into name column_key value amount)"  # fmt: skip

MART_SQL: dict[str, str] = {
    "01": """select document_id, '01', side, row_no, subject_code, row_label, 'amount', amount
             from fct_income_expenditure_overview""",
    # 04: income rows carry their one amount (`amount` in the contract) in `total`
    "04": _LONG.format(
        table="'04'", side="side", row="row_no", code="subject_code", label="row_label",
        inner="select document_id, side, row_no, subject_code, row_label, total, general, fund, state_capital "
              "from fct_fiscal_appropriations",
        cols="total, general, fund, state_capital",
    ).replace("column_key, amount from", "case when side = 'income' and column_key = 'total' then 'amount' "
                                          "else column_key end, amount from"),
    "06": """select document_id, '06', null, row_no, economic_code, economic_name_printed, 'amount', amount
             from fct_basic_expenditure_by_economic_class""",
    "09": _LONG.format(
        table="'09'", side="null", row="null", code="null", label="null",
        inner=f"select document_id, {', '.join(SANGONG_COLUMNS)} from fct_three_public_expenses",
        cols=", ".join(SANGONG_COLUMNS),
    ),
    # the printed 合计 / 类 / 款 / group rows of 02 03 05 06 07 08 (the fact marts hold the leaves)
    "subtotals": """select document_id, table_id, null, row_no, subject_code, row_label, column_key, amount
                    from fct_printed_subtotals""",
}  # fmt: skip
for _t, (_mart, _cols) in SUBJECT_MARTS.items():
    MART_SQL[_t] = _LONG.format(
        table=f"'{_t}'", side="null", row="row_no", code="subject_code", label="subject_name_printed",
        inner=f"select document_id, row_no, subject_code, subject_name_printed, {', '.join(_cols)} from {_mart}",
        cols=", ".join(_cols),
    )  # fmt: skip

PARSED_SQL = """
select l.document_id, l."table", l.side, l."row", l.subject_code, l.row_label, l."column", l.amount
from raw_lines as l
join dim_documents as d on d.document_id = l.document_id and d.is_current
"""


def _cell(row: tuple) -> Cell | None:
    doc, table, side, row_no, code, label, column, amount = row
    cents = round(float(amount or 0) * 100)
    if cents == 0:
        return None
    if table == "09":
        row_no = label = None
    return (doc, table, side, row_no, code, label, column, cents)


def _cells(con: duckdb.DuckDBPyConnection, sql: str) -> list[Cell]:
    return [c for c in map(_cell, con.execute(sql).fetchall()) if c is not None]


def rebuilt_cells(con: duckdb.DuckDBPyConnection) -> list[Cell]:
    """Every non-zero cell of the nine tables of the current documents, from the marts."""
    return [c for sql in MART_SQL.values() for c in _cells(con, sql)]


def parsed_cells(con: duckdb.DuckDBPyConnection) -> list[Cell]:
    """The same cells as the reader returned them (raw_lines of the current documents)."""
    return _cells(con, PARSED_SQL)
