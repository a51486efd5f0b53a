"""Table 06: each 3-digit group = Σ its 5-digit items; 人员经费 / 公用经费 totals."""

from __future__ import annotations

from ingest.record import Problem
from ingest.tables.base import TableReading
from ingest.verify.common import Violation, off


def verify_economic(reading: TableReading, trusted: dict | None = None) -> tuple[list[Problem], int]:
    vs, checks = economic_violations(reading)
    return [Problem("error", "06", v.rule, v.message("06")) for v in vs], checks


def economic_violations(
    reading: TableReading, amounts: list[dict] | None = None
) -> tuple[list[Violation], int]:
    """Failing R-econ identities and how many ran; `amounts` evaluates other amounts
    for the rows (one dict per row) without touching them."""
    rows = list(zip(reading.rows, amounts or [r.amounts for r in reading.rows], strict=True))
    by_code = {r.code: a for r, a in rows if r.code}
    vs: list[Violation] = []
    checks = 0

    def amt(code: str) -> float:
        return by_code[code].get("amount", 0.0)

    for group in sorted(c for c in by_code if len(c) == 3):
        items = [c for c in by_code if len(c) == 5 and c.startswith(group)]
        if items:
            checks += 1
            s = sum(amt(c) for c in items)
            if off(s, amt(group), sum(1 for c in items if amt(c))):
                vs.append(Violation("R-econ", f"{group}（明细之和）", s, amt(group)))
    totals = {r.label: a for r, a in rows if not r.code}
    groups = [c for c in by_code if len(c) == 3]
    personnel = [c for c in groups if c in ("301", "303")]
    public = [c for c in groups if c not in ("301", "303")]
    for label, parts in (("人员经费合计", personnel), ("公用经费合计", public)):
        if label in totals:
            checks += 1
            s = sum(amt(c) for c in parts)
            total = totals[label].get("amount", 0.0)
            if off(s, total, sum(1 for c in parts if amt(c))):
                vs.append(Violation("R-econ", label, s, total))
    return vs, checks
