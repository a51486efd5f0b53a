"""Every table's identities as one call: the failing ones for the rows' amounts
(or candidate amounts), and which printed cells any identity reads at all."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from ingest.record import Problem
from ingest.tables.base import TableReading, TableRow
from ingest.verify.common import Violation
from ingest.verify.economic import economic_violations, verify_economic
from ingest.verify.sangong import sangong_violations, verify_sangong
from ingest.verify.subject import subject_violations, verify_subject
from ingest.verify.two_sided import two_sided_violations, verify_two_sided


@dataclass(frozen=True)
class Family:
    """A kind of table: how it is verified (placement chosen, problems said) and
    which of its identities fail for given amounts."""

    verify: Callable[[TableReading, dict | None], tuple[list[Problem], int]]
    violations: Callable[[TableReading, list[dict] | None], list[Violation]]


def _sangong(reading: TableReading, amounts: list[dict] | None) -> list[Violation]:
    return [v for a in amounts or [r.amounts for r in reading.rows] for v in sangong_violations(a)]


TWO_SIDED = Family(verify_two_sided, lambda r, a: two_sided_violations(r, a)[0])
ECONOMIC = Family(verify_economic, lambda r, a: economic_violations(r, a)[0])
SANGONG = Family(verify_sangong, _sangong)
SUBJECT = Family(verify_subject, lambda r, a: subject_violations(r.table, r.rows, r.columns, a)[0])
FAMILIES: dict[str, Family] = {
    "01": TWO_SIDED,
    "04": TWO_SIDED,
    "06": ECONOMIC,
    "09": SANGONG,
    **dict.fromkeys(("02", "03", "05", "07", "08"), SUBJECT),
}
VERIFIERS = {t: f.verify for t, f in FAMILIES.items()}


def violations(reading: TableReading, amounts: list[dict] | None = None) -> list[Violation]:
    return FAMILIES[reading.table].violations(reading, amounts)


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
