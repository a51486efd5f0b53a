"""Table 06: each 3-digit group = Σ its 5-digit items; 人员经费 / 公用经费 totals."""

from __future__ import annotations

from ingest.record import Problem
from ingest.tables.base import TableReading
from ingest.verify.common import Violation, off


def verify_economic(reading: TableReading, trusted: dict | None = None) -> tuple[list[Problem], int]:
    vs, checks = economic_violations(reading)
    return [Problem("error", "06", v.rule, v.message("06")) for v in vs], checks


def economic_violations(reading: TableReading) -> tuple[list[Violation], int]:
    rows = reading.rows
    by_code = {r.code: r.amounts.get("amount", 0.0) for r in rows if r.code}
    vs: list[Violation] = []
    checks = 0
    for group in sorted(c for c in by_code if len(c) == 3):
        items = [c for c in by_code if len(c) == 5 and c.startswith(group)]
        if items:
            checks += 1
            s = sum(by_code[c] for c in items)
            if off(s, by_code[group], sum(1 for c in items if by_code[c])):
                vs.append(Violation("R-econ", f"{group}（明细之和）", s, by_code[group]))
    totals = {r.label: r.amounts.get("amount", 0.0) for r in rows if not r.code}
    groups = [c for c in by_code if len(c) == 3]
    personnel = [c for c in groups if c in ("301", "303")]
    public = [c for c in groups if c not in ("301", "303")]
    for label, parts in (("人员经费合计", personnel), ("公用经费合计", public)):
        if label in totals:
            checks += 1
            s = sum(by_code[c] for c in parts)
            if off(s, totals[label], sum(1 for c in parts if by_code[c])):
                vs.append(Violation("R-econ", label, s, totals[label]))
    return vs, checks
