"""What every verifier shares: table and column names in Chinese, a failing
identity (Violation), the rounding tolerance, and the two problems a
re-placement ends in (realigned, or placement left open)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass

from ingest.realign import mark_moved
from ingest.record import Problem
from ingest.tables.base import TableReading

TABLE_NAMES = {
    "01": "收入支出决算总表",
    "02": "收入决算表",
    "03": "支出决算表",
    "04": "财政拨款收入支出决算总表",
    "05": "一般公共预算财政拨款支出决算表",
    "06": "一般公共预算财政拨款基本支出决算表",
    "07": "政府性基金预算财政拨款收入支出决算表",
    "08": "国有资本经营预算财政拨款支出决算表",
    "09": "财政拨款“三公”经费支出决算表",
}
COLUMN_NAMES = {
    "total": "合计",
    "fiscal": "财政拨款收入",
    "superior_subsidy": "上级补助收入",
    "business": "事业收入",
    "operating": "经营收支",
    "affiliated_remittance": "附属单位上缴收入",
    "other": "其他收入",
    "basic": "基本支出",
    "project": "项目支出",
    "remit_superior": "上缴上级支出",
    "affiliated_subsidy": "对附属单位补助支出",
    "general": "一般公共预算财政拨款",
    "fund": "政府性基金预算财政拨款",
    "state_capital": "国有资本经营预算财政拨款",
    "opening": "年初结转和结余",
    "income": "本年收入",
    "closing": "年末结转和结余",
    "amount": "金额",
    "budget_initial": "年初预算数",
    "budget_adjusted": "调整预算数",
}


@dataclass
class Violation:
    rule: str
    where: str
    expected: float
    actual: float
    rows: tuple = ()  # the TableRows whose amounts take part

    def message(self, table: str) -> str:
        return (
            f"公开{table}表（{TABLE_NAMES[table]}）{self.where}：按勾稽关系应为 {self.expected:,.2f}，"
            f"表中为 {self.actual:,.2f}，相差 {self.actual - self.expected:,.2f}"
        )


_EXACT: ContextVar[bool] = ContextVar("exact_identities", default=False)


def off(expected: float, actual: float, addends: int) -> bool:
    """Outside what rounding can explain. Each printed amount (addends and total)
    is its true value rounded to the last printed digit, so |Σ rounded − rounded Σ|
    < 0.005·(n+1): at most ⌊n/2⌋ hundredths for n non-zero addends. One hundredth
    is allowed even for one addend: documents whose totals were summed from other
    rounded rows (and addends printed as 0.00) differ by that much. Inside
    `exact()`, any difference of a hundredth counts."""
    slack = 0.0 if _EXACT.get() else 0.01 * max(1, addends // 2)
    return abs(expected - actual) > slack + 0.005


@contextmanager
def exact() -> Iterator[None]:
    """Identities without the rounding slack (to report what the slack let pass)."""
    token = _EXACT.set(True)
    try:
        yield
    finally:
        _EXACT.reset(token)


def realigned(reading: TableReading, new_amounts: list[dict], how: str) -> Problem:
    """Apply a reading the identities chose; a warning naming the rows that moved."""
    before = [r.amounts for r in reading.rows]
    for r, a in zip(reading.rows, new_amounts, strict=True):
        r.amounts = a
    moved = mark_moved(reading.rows, before, f"按勾稽关系重新对齐（{how}）")
    names = "、".join(f"“{m}”" for m in moved[:6]) + (f"等 {len(moved)} 行" if len(moved) > 6 else "")
    t = reading.table
    return Problem(
        "warning",
        t,
        "realigned",
        f"公开{t}表（{TABLE_NAMES[t]}）按原样读取不平衡或空白单元格未保留，已按{how}重新对齐{names}后全部勾稽相符，请核对原件",
    )


def ambiguous(t: str) -> Problem:
    return Problem(
        "error",
        t,
        "placement_uncertain",
        f"公开{t}表（{TABLE_NAMES[t]}）按原样读取不平衡或空白单元格未保留，且空白单元格有多种可能的位置，无法确定各栏金额，请核对原件",
    )
