"""Recompute the accounting identities of DISCLOSURES.md (R-*, X-*, N-*, Y-*)
from a manifest document (`cells`, `facts`, `tables`) and, for cross-year
rules, last year's document of the same unit.

Independent of how the generator built the document: it reads only what the
manifest says was printed, so the tests use it to prove the truth is
consistent, and the generator uses it to record which rules a fault or a
rounding difference actually trips."""

from __future__ import annotations

from samplegen.identities.across_tables import across_tables
from samplegen.identities.across_years import across_years
from samplegen.identities.narrative import narrative_internal, narrative_vs_tables
from samplegen.identities.printed import Printed, Violation
from samplegen.identities.within_tables import (
    economic_groups,
    row_sums,
    subject_tree,
    table_01,
    table_04,
    table_07,
)

__all__ = ["Violation", "check_document"]


def check_document(doc: dict, prior: dict | None = None) -> list[Violation]:
    """Every identity `doc` breaks, in rule order (within tables, across tables,
    narrative, across years); `prior` is last year's document of the unit."""
    d = Printed(doc)
    out: list[Violation] = []
    for check in (row_sums, subject_tree, economic_groups, table_01, table_04, table_07, across_tables):
        check(d, out)
    narrative_vs_tables(d, out)
    narrative_internal(d, doc, out)
    across_years(d, prior, out)
    return out
