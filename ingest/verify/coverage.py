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
    return m is not None and (m.group("part") is None or m.group("part") in INCOME_ITEMS[table])


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


_CLASS_OF_NAME = CLASS_CODES
_CLASSES = set(CLASS_CODES.values())


def code_problems(readings: dict[str, TableReading]) -> list[Problem]:
    """Functional codes that cannot be right: a 类 code not on the national list, a
    类 row whose printed name belongs to another code, a 款/项 whose parent row is
    not in the table (a transposed or mistyped code would otherwise double count)."""
    out = []
    for t, reading in sorted(readings.items()):
        if t not in ("02", "03", "05", "07", "08"):
            continue
        codes = {r.code for r in reading.rows if r.code}
        seen: set[str] = set()
        for r in reading.rows:
            code = r.code
            if not code:
                continue
            where = f"公开{t}表（{TABLE_NAMES[t]}）“{r.label or code}”行"
            if code in seen:  # a row printed twice would be counted twice
                out.append(Problem("error", t, "code_duplicate", f"{where}科目编码 {code} 在表中出现两次"))
                continue
            seen.add(code)
            if len(code) == 3 and code not in _CLASSES:
                out.append(
                    Problem("error", t, "code_unknown", f"{where}科目编码 {code} 不是功能分类的“类”编码")
                )
            elif len(code) == 3 and _CLASS_OF_NAME.get(r.label, code) != code:
                out.append(
                    Problem(
                        "error",
                        t,
                        "code_name",
                        f"{where}科目编码 {code} 与名称不符（“{r.label}”应为 {_CLASS_OF_NAME[r.label]}）",
                    )
                )
            elif len(code) in (5, 7) and code[: len(code) - 2] not in codes:
                out.append(
                    Problem(
                        "error",
                        t,
                        "code_orphan",
                        f"{where}科目编码 {code} 的上级科目 {code[: len(code) - 2]} 不在表中，该行未参与上下级勾稽",
                    )
                )
    return out


def code_consistency(readings: dict[str, TableReading]) -> list[Problem]:
    """The same subject (name under the same parent) carries one code in every table
    of a document: a code printed differently in one table is a typing error there
    (a transposed 项 code stays under its 款 and no identity would see it)."""
    codes: dict[tuple[str, str], dict[str, list[str]]] = {}
    for t, reading in sorted(readings.items()):
        if t not in ("02", "03", "05", "07", "08"):
            continue
        for r in reading.rows:
            if r.code and len(r.code) in (5, 7) and r.label:
                codes.setdefault((r.code[:-2], r.label), {}).setdefault(r.code, []).append(t)
    out = []
    for (_parent, label), by_code in codes.items():
        if len(by_code) < 2:
            continue
        ranked = sorted(by_code.items(), key=lambda kv: -len(kv[1]))
        major, tables = ranked[0]
        for code, where in ranked[1:]:
            others = "、".join(f"公开{t}表" for t in tables)
            for t in where:
                out.append(
                    Problem(
                        "error",
                        t,
                        "code_mismatch",
                        f"公开{t}表（{TABLE_NAMES[t]}）“{label}”行科目编码 {code} 与{others}中同一科目的编码 {major} 不一致",
                    )
                )
    return out
