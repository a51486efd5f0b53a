"""Identities that hold only inside the rounding slack. A table printed in 万元
may legitimately be a hundredth or two off where totals were rounded on their
own; a changed digit can hide in the same slack. Neither passes unseen: each
table that balances only with the slack says where, and by how much."""

from __future__ import annotations

from ingest.record import Problem
from ingest.tables.base import TableReading
from ingest.verify.common import TABLE_NAMES, exact
from ingest.verify.evaluate import violations


def rounding_residuals(readings: dict[str, TableReading], problems: list[Problem]) -> list[Problem]:
    """A note on each table without errors whose identities hold only with the slack."""
    failed = {p.table for p in problems if p.severity == "error"}
    out = []
    for t in sorted(readings):
        if t in failed:
            continue
        with exact():
            vs = violations(readings[t])
        if not vs:
            continue
        worst = max(vs, key=lambda v: abs(v.actual - v.expected))
        unit = readings[t].unit or "万元"
        out.append(
            Problem(
                "warning",
                t,
                "rounding_residual",
                f"公开{t}表（{TABLE_NAMES[t]}）有 {len(vs)} 处合计与明细之和不完全相等，"
                f"相差在四舍五入范围内（最大相差 {abs(worst.actual - worst.expected):,.2f} {unit}，"
                f"{worst.where}），可能是舍入所致，也可能是数字有误，请核对原件",
            )
        )
    return out
