"""Wrapped names the geometry left open (`tables.layout._owner`): a name fragment
halfway between two rows, or joined against the nearer one. Another table of the
same document printing the same subject (by code) settles it: the joined name is
printed there, or the other row's name as read is, and neither alternative is. A
table whose own reading of that subject is in doubt is no witness: the same
layout wraps the same name in 02, 03 and 05 alike, and a misjoin there agrees with
itself. Otherwise the fragment, the row it joined and the other candidate are said on the
table: a label is never silently one row's or the other's."""

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
            if not _settled(d, t, names):
                out.append(Problem("warning", t, "name_fragment_uncertain", _message(t, d)))
    return out


def _settled(d: WrapDoubt, table: str, names: dict[tuple[str, str], set[str]]) -> bool:
    def elsewhere(code: str | None, name: str) -> bool:
        if not code or len(code) not in (3, 5, 7):
            return False
        return any(name in names.get((t, code), ()) for t in _SUBJECT_TABLES if t != table)

    agrees = elsewhere(d.chosen_code, d.chosen) or elsewhere(d.other_code, d.other)
    disagrees = elsewhere(d.chosen_code, d.chosen_without) or elsewhere(d.other_code, d.other_with)
    return agrees and not disagrees


def _message(t: str, d: WrapDoubt) -> str:
    chosen, other = row_name(d.chosen_code, d.chosen), row_name(d.other_code, d.other)
    return (
        f"公开{t}表（{TABLE_NAMES[t]}）第 {d.page} 页名称续行“{d.fragment}”位于“{chosen}”与“{other}”"
        f"两行之间，无法确定属于哪一行，已并入“{chosen}”，请核对原件"
    )
