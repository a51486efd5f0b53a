"""What tables already read say about another one's cells (the cross-table
identities X-01…X-08 of DISCLOSURES.md). Used only to choose among placements
the table's own identities leave open (flowed text without positions); the
verdict on each table stays its own identities."""

from __future__ import annotations

from collections.abc import Callable

from ingest.tables.base import TableReading, TableRow

_TOL = 0.015


def _side(reading: TableReading | None, side: str, label: str, col: str = "amount") -> float | None:
    if reading is None:
        return None
    hits = [r.amounts for r in reading.rows if r.side == side and r.label == label and r.amounts]
    return hits[0].get(col, 0.0) if hits else None


def _class(reading: TableReading | None, code: str, col: str) -> float | None:
    if reading is None:
        return None
    hits = [r.amounts for r in reading.rows if r.side == "expenditure" and r.code == code and r.amounts]
    return hits[0].get(col, 0.0) if hits else None


def _equal(table: str, trusted: dict[str, TableReading]) -> Callable[[TableRow], dict[str, float]]:
    """Row → {column: value another table fixes}."""
    t01, t04 = trusted.get("01"), trusted.get("04")

    def fixed(row: TableRow) -> dict[str, float]:
        out: dict[str, float | None] = {}
        total_row = row.code is None
        if table == "02" and total_row:
            out = {
                "total": _side(t01, "income", "本年收入合计"),
                "fiscal": _side(t04, "income", "本年收入合计"),
                "superior_subsidy": _side(t01, "income", "上级补助收入"),
                "business": _side(t01, "income", "事业收入"),
                "operating": _side(t01, "income", "经营收入"),
                "affiliated_remittance": _side(t01, "income", "附属单位上缴收入"),
                "other": _side(t01, "income", "其他收入"),
            }
        elif table == "03":
            out = {"total": _side(t01, "expenditure", "本年支出合计") if total_row else None}
            if row.code and len(row.code) == 3:
                out["total"] = _class(t01, row.code, "amount")
        elif table == "05":
            if total_row:
                out = {"total": _side(t04, "expenditure", "本年支出合计", "general")}
            elif row.code and len(row.code) == 3:
                out = {"total": _class(t04, row.code, "general")}
        elif table == "07" and total_row:
            # 01 prints the same fund income: it settles 07 when 04 does not balance
            fund_income = _side(t04, "income", "政府性基金预算财政拨款")
            out = {
                "income": fund_income
                if fund_income is not None
                else _side(t01, "income", "政府性基金预算财政拨款收入"),
                "total": _side(t04, "expenditure", "本年支出合计", "fund"),
                "opening": _side(t04, "income", "年初财政拨款结转和结余（政府性基金预算财政拨款）"),
            }
        elif table == "08" and total_row:
            out = {"total": _side(t04, "expenditure", "本年支出合计", "state_capital")}
        return {k: v for k, v in out.items() if v is not None}

    return fixed


def fits(table: str, trusted: dict[str, TableReading]) -> Callable[[TableRow, dict], bool]:
    """Does a candidate placement of a row agree with the tables already read?
    Equalities from 01/04 on totals; 05/07/08 amounts never exceed 03's (fiscal
    money is part of all money) for the same subject."""
    fixed = _equal(table, trusted)
    t03 = trusted.get("03") if table in ("05", "07", "08") else None
    all_money = {r.code: r.amounts for r in t03.rows} if t03 else {}
    floors: dict[str | None, dict[str, float]] = {}
    if table == "03":  # 03 holds all money: at least the fiscal parts 05 + 07 + 08
        for part in ("05", "07", "08"):
            for r in trusted[part].rows if part in trusted else []:
                f = floors.setdefault(r.code, {})
                for col in ("total", "basic", "project"):
                    f[col] = f.get(col, 0.0) + r.amounts.get(col, 0.0)

    def ok(row: TableRow, amounts: dict) -> bool:
        for col, value in fixed(row).items():
            if abs(amounts.get(col, 0.0) - value) > _TOL:
                return False
        ceiling = all_money.get(row.code)
        if ceiling is not None:
            for col in ("total", "basic", "project"):
                if amounts.get(col, 0.0) > ceiling.get(col, 0.0) + _TOL:
                    return False
        floor = floors.get(row.code, {})
        return all(amounts.get(col, 0.0) + _TOL >= v for col, v in floor.items())

    return ok


# X-09: 06 covers basic spending only, so 09's 决算数 is at least the matching 06 line.
_SANGONG_FLOOR = {
    "actual_outbound": "30212",
    "actual_reception": "30217",
    "actual_vehicle_operation": "30231",
    "actual_vehicle_purchase": "31013",
}


def sangong_floors(trusted: dict[str, TableReading]) -> list[Callable[[dict], bool]]:
    """One test per 09 item: its 决算数 is at least the matching 06 line (X-09)."""
    t06 = trusted.get("06")
    lines = {r.code: r.amounts.get("amount", 0.0) for r in t06.rows if r.code} if t06 else {}
    return [_at_least(k, lines.get(code, 0.0)) for k, code in _SANGONG_FLOOR.items()]


def _at_least(key: str, floor: float) -> Callable[[dict], bool]:
    return lambda a: a.get(key, 0.0) + _TOL >= floor
