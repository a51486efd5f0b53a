"""The corpus score of expectations/scoring.py: a readable document the warehouse
did not load counts its faults as missed (a reader failure must lower recall, not
shrink the corpus); one left incomplete on purpose, or superseded, does not."""

from __future__ import annotations

from expectations.scoring import score


def _doc(sha: str, unit: str, year: int, faults: list[dict], kind: str = "original") -> dict:
    return {"sha256": sha, "unit_id": unit, "fiscal_year": year, "kind": kind, "format": "pdf",
            "file": f"{unit}-{year}-{sha}.pdf", "faults": faults, "tables": ["01"], "rounding": []}  # fmt: skip


FAULT = {"rule": "R-01", "table": "01", "description": "planted"}
FINDINGS = {"a": [("R-01", "fail", "01", "总计", 1.0, 2.0)], "b": [("R-01", "pass", "01", "总计", 1.0, 1.0)]}


def test_a_quarantined_faulted_document_is_a_miss():
    manifest = {"documents": [_doc("a", "u1", 2023, [FAULT]), _doc("b", "u2", 2023, []),
                              _doc("c", "u3", 2023, [FAULT])]}  # fmt: skip
    s = score(manifest, FINDINGS, current={"a", "b"})
    assert (s.faults, s.found, s.unread_documents) == (2, 1, 1)
    assert s.recall == 0.5
    assert any("not loaded" in p for p in s.problems)


def test_superseded_and_incomplete_by_design_are_not_misses():
    missing = {"rule": "table_missing", "table": "08", "description": "left out"}
    manifest = {"documents": [
        _doc("a", "u1", 2023, [FAULT]),
        _doc("old", "u1", 2023, [FAULT]),  # superseded by a, which is current
        _doc("b", "u2", 2023, []),
        _doc("inc", "u3", 2023, [missing, FAULT]),  # quarantined as incomplete, by design
    ]}  # fmt: skip
    s = score(manifest, FINDINGS, current={"a", "b"})
    assert (s.faults, s.found, s.unread_documents) == (1, 1, 0)
    assert s.recall == 1.0 and not s.problems
