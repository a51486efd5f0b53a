"""Every table's identities as one call: the failing ones for the rows' amounts
(or candidate amounts), and which printed cells any identity reads at all."""

from __future__ import annotations

from ingest.tables.base import TableReading, TableRow
from ingest.verify.common import Violation
from ingest.verify.economic import economic_violations
from ingest.verify.sangong import sangong_violations
from ingest.verify.subject import subject_violations
from ingest.verify.two_sided import two_sided_violations


def violations(reading: TableReading, amounts: list[dict] | None = None) -> list[Violation]:
    t = reading.table
    if t in ("01", "04"):
        return two_sided_violations(reading, amounts)[0]
    if t == "06":
        return economic_violations(reading, amounts)[0]
    if t == "09":
        return [v for a in amounts or [r.amounts for r in reading.rows] for v in sangong_violations(a)]
    return subject_violations(t, reading.rows, reading.columns, amounts)[0]


class _Reads(dict):
    """A row's amounts that remember which columns were read."""

    def __init__(self, row: TableRow, seen: set[tuple[int, str]]):
        super().__init__(row.amounts)
        self._row, self._seen = row, seen

    def get(self, key, default=None):
        self._seen.add((id(self._row), key))
        return super().get(key, default)

    def __getitem__(self, key):
        self._seen.add((id(self._row), key))
        return super().__getitem__(key)


def uncovered(reading: TableReading) -> list[tuple[TableRow, str]]:
    """The non-zero printed cells no identity of the table reads: a change to one
    of them would pass every check (e.g. 09's 会议费/培训费 when the three items add up)."""
    seen: set[tuple[int, str]] = set()
    violations(reading, [_Reads(r, seen) for r in reading.rows])
    return [(r, c) for r in reading.rows for c, v in r.amounts.items() if v and (id(r), c) not in seen]
