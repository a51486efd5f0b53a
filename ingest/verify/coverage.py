"""Rows no identity covers: a row with amounts whose name is not an item of its
table (01/04) or that has no code and is not the 合计 row (02/03/05/07/08) takes
part in no check, so its numbers could be anything. Said on its table."""

from __future__ import annotations

import re

from ingest.record import Problem
from ingest.tables.base import TOTAL_LABELS, TableReading
from ingest.tables.catalog import CLASS_CODES, EXPENDITURE_ITEMS, INCOME_ITEMS
from ingest.verify.common import TABLE_NAMES

_BREAKDOWN = re.compile(r"^(年初|年末)(财政拨款)?结转和结余(（(?P<part>[^（）]+)）)?$")


def _known(table: str, label: str) -> bool:
    if table in ("01", "04"):
        return (
            label in INCOME_ITEMS[table]
            or label in EXPENDITURE_ITEMS[table]
            or label in CLASS_CODES
            or label == "总计"
            or _breakdown(table, label)
        )
    return label in TOTAL_LABELS


def _breakdown(table: str, label: str) -> bool:
    m = _BREAKDOWN.match(label)
    return bool(m) and (m.group("part") is None or m.group("part") in INCOME_ITEMS[table])


def unchecked_rows(readings: dict[str, TableReading]) -> list[Problem]:
    out = []
    for t, reading in sorted(readings.items()):
        if t in ("06", "09"):
            continue
        names = [
            r.label or "（无名称）"
            for r in reading.rows
            if any(r.amounts.values()) and not r.code and not _known(t, r.label)
        ]
        if names:
            shown = "、".join(f"“{n}”" for n in names[:5]) + (f"等 {len(names)} 行" if len(names) > 5 else "")
            out.append(
                Problem(
                    "warning",
                    t,
                    "row_unchecked",
                    f"公开{t}表（{TABLE_NAMES[t]}）{shown}不是本表的标准项目，金额未参与勾稽核对，请核对原件",
                )
            )
    return out
