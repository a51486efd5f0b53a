"""Table 09: 合计 = 出国 + 用车小计 + 接待, 小计 = 购置 + 运行, for 预算数 and 决算数;
the printed order (预算数 block or pairs) and dropped blanks settled by the
identities, 06's floors and, last, the amounts the narrative states."""

from __future__ import annotations

from ingest.crosscheck import sangong_floors
from ingest.realign import by_evidence, one_reading, options_09
from ingest.record import Problem
from ingest.tables.base import TableReading
from ingest.verify.common import Violation, ambiguous, off, realigned

_SANGONG_HOW = {
    False: "三公经费各项勾稽关系确定各栏位置",
    True: "三公经费各项勾稽关系确定各栏位置（会议费、培训费归属无法确定，未计入）",
}


def sangong_violations(a: dict) -> list[Violation]:
    vs = []
    for phase in ("budget", "actual"):
        g = lambda k, p=phase: a.get(f"{p}_{k}", 0.0)  # noqa: E731
        name = "预算数" if phase == "budget" else "决算数"
        vehicle = g("vehicle_purchase") + g("vehicle_operation")
        if off(vehicle, g("vehicle"), 2):
            vs.append(Violation("R-row", f"{name} 公务用车小计", vehicle, g("vehicle")))
        three = g("outbound") + g("vehicle") + g("reception")
        # 会议费/培训费 count only where the three items alone do not make 合计
        # (lazily: uncovered() tells which cells an identity really read)
        if off(three, g("total"), 3) and off(three + g("meeting") + g("training"), g("total"), 5):
            vs.append(Violation("R-row", f"{name} 合计", three, g("total")))
    return vs


def verify_sangong(reading: TableReading, trusted: dict | None = None) -> tuple[list[Problem], int]:
    """R-row on the 三公 row. When the printed order does not balance, or blanks
    were dropped so the order is a guess, the identities choose among the
    readings of both printed orders (预算数 block or 预算数/决算数 pairs)."""
    problems: list[Problem] = []
    floors = sangong_floors(trusted or {})
    extra = any("meeting" in k or "training" in k for k in reading.columns)
    for r in reading.rows:
        vs = sangong_violations(r.amounts)
        if not vs and not reading.uncertain:
            continue
        found = options_09(r, lambda a: True, extra)
        if found is None:
            problems.append(ambiguous("09"))
            continue
        found = by_evidence(found, floors)
        chosen, dropped = one_reading(found)
        if chosen is not None:
            if chosen != r.amounts:
                problems.append(realigned(reading, [chosen], _SANGONG_HOW[dropped]))
            continue
        if len(found) > 1:
            problems.append(ambiguous("09"))
            continue
        problems.extend(Problem("error", "09", v.rule, v.message("09")) for v in vs)
    return problems, 4 * len(reading.rows)


def settle_sangong(reading: TableReading, facts) -> Problem | None:
    """09 left open by its identities: the 三公 amounts the narrative states
    (预算 and 决算 per item) pick the one placement that agrees with them."""
    scale = 10000 if reading.unit == "元" else 1  # the narrative states 万元
    stated = {
        f.kind.removeprefix("sangong_"): f.value * scale for f in facts if f.kind.startswith("sangong_")
    }
    if not stated or not reading.rows:
        return None
    row = reading.rows[0]

    tests = [lambda a, k=k, v=v: abs(a.get(k, 0.0) - v) <= 0.015 * scale for k, v in stated.items()]
    extra = any("meeting" in k or "training" in k for k in reading.columns)
    chosen, dropped = one_reading(by_evidence(options_09(row, lambda a: True, extra) or [], tests))
    if chosen is None:
        return None
    how = "三公经费各项勾稽关系及情况说明所述金额确定各栏位置"
    return realigned(reading, [chosen], how + ("（会议费、培训费归属无法确定，未计入）" if dropped else ""))
