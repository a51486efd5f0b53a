"""The sample generator's roster (samplegen/roster.py) on a generated district
read by the real reader: every printed variant the roster sheet lacks is
proposed for the right unit (and no other), and once the proposals are
accepted the coverage equals the truth the generator knows -- on time, late,
quarantined (a file made unreadable) and missing (a file taken away)."""

from __future__ import annotations

import shutil

import duckdb
import pytest

from samplegen import roster as sample_roster
from samplegen.generate import generate
from warehouse.refresh import refresh
from warehouse.roster.store import RosterStore, roster_dir
from warehouse.roster.sync import import_sheet


@pytest.fixture(scope="module")
def district(tmp_path_factory) -> dict:
    base = tmp_path_factory.mktemp("generated_roster")
    inbox = base / "inbox"
    manifest = generate(inbox, units=12, years="2023-2024", formats="text", seed=11)
    due = sample_roster.deadlines(manifest)
    docs = manifest["documents"]
    # one file becomes unreadable, one disappears: the truth follows the manifest
    originals = [d for d in docs if d["kind"] == "original"]
    broken = originals[3]
    (inbox / broken["file"]).write_bytes(b"\x00\x01 not a disclosure \xff" * 50)
    broken["kind"] = "unreadable"
    gone = next(d for d in originals[4:] if d["unit_id"] != broken["unit_id"])
    (inbox / gone["file"]).unlink()
    docs.remove(gone)
    wh = base / "data" / "warehouse.duckdb"
    store = RosterStore(roster_dir(wh))
    import_sheet(store, inbox / ".roster" / "单位名录.csv", "生成器")
    s1 = refresh(inbox, wh, checks=False)
    with duckdb.connect(str(wh), read_only=True) as con:
        queue = con.execute(
            """select u.unit_id, u.canonical_name, u.suggested_unit_id, u.suggestion_status,
                      list(distinct d.source_path) as paths
               from dim_units u join dim_documents d on d.unit_id = u.unit_id
               where u.needs_review group by all"""
        ).fetchall()
    for _, printed, suggested, status, _paths in queue:
        if status == "proposed":
            store.decide(printed, suggested, "accepted", "管理员")
    s2 = refresh(inbox, wh, checks=False)
    with duckdb.connect(str(wh), read_only=True) as con:
        coverage = dict(
            ((u, y), s)
            for u, y, s in con.execute(
                "select unit_id, fiscal_year, coverage_status from fct_disclosure_coverage where is_expected"
            ).fetchall()
        )
        left = con.execute("select count(*) from dim_units where needs_review").fetchone()[0]
    yield {"manifest": manifest, "due": due, "queue": queue, "coverage": coverage, "left": left,
           "runs": (s1, s2)}  # fmt: skip
    shutil.rmtree(base, ignore_errors=True)


def test_the_sheet_leaves_region_variants_to_the_matcher(district):
    header, rows = sample_roster.sheet(district["manifest"])
    assert "2024年公开截止日期" in header
    printed = {d["unit_name_printed"] for d in district["manifest"]["documents"]}
    listed = {r[1] for r in rows} | {a for r in rows for a in r[9].split("|") if a}
    assert printed - listed, "the generated documents should print some names the sheet lacks"


def test_every_proposal_names_the_true_unit(district):
    truth_by_file = {d["file"]: d["unit_id"] for d in district["manifest"]["documents"]}
    assert district["queue"], "some printed names needed review"
    for _, printed, suggested, status, paths in district["queue"]:
        true_units = {truth_by_file[p] for p in paths}
        assert len(true_units) == 1
        assert status == "proposed", (printed, status)
        assert suggested == true_units.pop(), printed
    assert district["left"] == 0  # all accepted: nothing left in the queue


def test_coverage_after_review_equals_the_generated_truth(district):
    s1, s2 = district["runs"]
    assert s1.status == s2.status == "success"
    truth = sample_roster.truth(district["manifest"], district["due"])
    assert {"on_time", "late", "quarantined", "missing"} <= set(truth.values())
    assert district["coverage"] == truth
