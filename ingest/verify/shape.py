"""Rows a complete table has, and has once. A lost 合计 row, a 款 whose 项 are
gone or a row printed twice leaves every identity holding while cells are
missing or doubled (a line swapped away, a duplicated line): said on the table."""

from __future__ import annotations

from collections import Counter

from ingest.record import Problem
from ingest.tables.base import TableReading
from ingest.verify.common import TABLE_NAMES

_SUBJECT_TABLES = ("02", "03", "05", "07", "08")


def shape_problems(readings: dict[str, TableReading]) -> list[Problem]:
    out = []
    for t, reading in sorted(readings.items()):
        name = f"公开{t}表（{TABLE_NAMES[t]}）"
        rows = [r for r in reading.rows if any(r.amounts.values())]
        if t in _SUBJECT_TABLES and any(r.code for r in rows) and not any(not r.code for r in rows):
            out.append(
                Problem("warning", t, "total_missing", f"{name}未读到合计行，明细未与合计核对，请核对原件")
            )
        if t == "06":
            out += _missing_06_totals(name, rows)
            twice = [c for c, n in Counter(r.code for r in rows if r.code).items() if n > 1]
            out += [
                Problem("error", t, "code_duplicate", f"{name}经济分类科目 {c} 在表中出现两次") for c in twice
            ]
        if t in ("01", "04"):
            twice = [
                lb for (_s, lb), n in Counter((r.side, r.label) for r in rows if r.label).items() if n > 1
            ]
            out += [Problem("error", t, "row_duplicate", f"{name}“{lb}”行在表中出现两次") for lb in twice]
        if t in _SUBJECT_TABLES:
            out += _missing_levels(name, t, rows)
    return out


def _missing_06_totals(name: str, rows) -> list[Problem]:
    """06 prints 人员经费合计 (301, 303) and 公用经费合计 (the other groups)."""
    groups = {r.code for r in rows if r.code and len(r.code) == 3}
    labels = {r.label for r in rows if not r.code}
    out = []
    for label, present in (
        ("人员经费合计", groups & {"301", "303"}),
        ("公用经费合计", groups - {"301", "303"}),
    ):
        if present and label not in labels:
            out.append(
                Problem(
                    "warning", "06", "total_missing", f"{name}未读到{label}行，明细未与合计核对，请核对原件"
                )
            )
    return out


def _missing_levels(name: str, t: str, rows) -> list[Problem]:
    """A table printed down to 项 (or 款) lists the children of every 款 (类) with
    amounts; one without them lost its rows, and nothing sums to it."""
    codes = {r.code for r in rows if r.code}
    out = []
    for length in (3, 5):
        if not any(len(c) == length + 2 for c in codes):
            continue  # this table is not printed to the next level
        for r in rows:
            if (
                r.code
                and len(r.code) == length
                and not any(c.startswith(r.code) and len(c) == length + 2 for c in codes)
            ):
                level = "款" if length == 3 else "项"
                out.append(
                    Problem(
                        "warning",
                        t,
                        "children_missing",
                        f"{name}“{r.label or r.code}”（{r.code}）下没有列出{level}级科目，其金额未与明细核对，请核对原件",
                    )
                )
    return out
