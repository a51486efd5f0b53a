"""Wrapped names the geometry left open (`tables.wrap_lines`): a name fragment
halfway between two rows, or joined against the nearer one. Another table of the
same document printing the same subject (by code) settles it: the joined name is
printed there, or the other row's name as read is, and neither alternative is. A
table whose own reading of that subject is in doubt is no witness: the same
layout wraps the same name in 02, 03 and 05 alike, and a misjoin there agrees with
itself. When the evidence speaks only for the other row, the fragment is moved there and
that is said. Otherwise the fragment, the row it joined and the other candidate
are said on the table: a label is never silently one row's or the other's."""

from __future__ import annotations

from ingest.record import Problem
from ingest.tables.base import TableReading
from ingest.tables.layout import WrapDoubt, row_name
from ingest.verify.common import TABLE_NAMES

_SUBJECT_TABLES = ("02", "03", "05", "07", "08")


def wrap_doubts(readings: dict[str, TableReading]) -> list[Problem]:
    doubtful = {(t, code) for t, reading in readings.items() for d in reading.doubts
                for code in (d.chosen_code, d.other_code) if code}  # fmt: skip
    names: dict[tuple[str, str], set[str]] = {}  # (table, code) -> names printed for it
    for t, reading in readings.items():
        if t in _SUBJECT_TABLES:
            for r in reading.rows:
                if r.code and r.label and (t, r.code) not in doubtful:
                    names.setdefault((t, r.code), set()).add(r.label)
    out = []
    for t, reading in sorted(readings.items()):
        for d in reading.doubts:
            agrees, disagrees = _evidence(d, t, names)
            if agrees and not disagrees:
                continue
            if disagrees and not agrees and _move(reading, d):
                out.append(Problem("warning", t, "name_fragment_moved", _moved(t, d)))
            else:
                out.append(Problem("warning", t, "name_fragment_uncertain", _message(t, d)))
    return out


def _evidence(d: WrapDoubt, table: str, names: dict[tuple[str, str], set[str]]) -> tuple[bool, bool]:
    """(another table prints the names as joined, ... as if the fragment were the other row's)."""

    def elsewhere(code: str | None, name: str) -> bool:
        if not code or len(code) not in (3, 5, 7):
            return False
        return any(name in names.get((t, code), ()) for t in _SUBJECT_TABLES if t != table)

    agrees = elsewhere(d.chosen_code, d.chosen) or elsewhere(d.other_code, d.other)
    disagrees = elsewhere(d.chosen_code, d.chosen_without) or elsewhere(d.other_code, d.other_with)
    return agrees, disagrees


def _move(reading: TableReading, d: WrapDoubt) -> bool:
    """The fragment to the other row: both rows found by code and name as read."""
    chosen = [r for r in reading.rows if r.code == d.chosen_code and r.label == d.chosen]
    other = [r for r in reading.rows if r.code == d.other_code and r.label == d.other]
    if len(chosen) != 1 or len(other) != 1 or not d.chosen_code or not d.other_code:
        return False
    chosen[0].label, other[0].label = d.chosen_without, d.other_with
    return True


def _moved(t: str, d: WrapDoubt) -> str:
    return (
        f"公开{t}表（{TABLE_NAMES[t]}）第 {d.page} 页名称续行“{d.fragment}”按本文件其他表所印名称"
        f"并入“{row_name(d.other_code, d.other_with)}”（按版面位置原并入“{row_name(d.chosen_code, d.chosen)}”），请核对原件"
    )


def _message(t: str, d: WrapDoubt) -> str:
    chosen, other = row_name(d.chosen_code, d.chosen), row_name(d.other_code, d.other)
    return (
        f"公开{t}表（{TABLE_NAMES[t]}）第 {d.page} 页名称续行“{d.fragment}”位于“{chosen}”与“{other}”"
        f"两行之间，无法确定属于哪一行，已并入“{chosen}”，请核对原件"
    )
