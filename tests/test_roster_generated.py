"""The sample generator's roster (samplegen/roster.py) on a generated district
read by the real reader: every printed variant the roster sheet lacks is
proposed for the right unit (and no other), and once the proposals are
accepted the coverage equals the truth the generator knows -- on time, late,
quarantined (a file made unreadable) and missing (a file taken away).

The bureau's sheet is then edited the way sheets drift from what units print:
one unit was renamed (its documents print the old name, which the sheet keeps
as 曾用名), one document prints its name with （本级）, and one unit's place in
the sheet is taken by a different unit with a similar name (实验小学 prints,
the roster lists only 实验中学): that wrong-but-similar name must never be
proposed, let alone merged."""

from __future__ import annotations

import csv
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
    _drift(inbox, manifest)
    wh = base / "data" / "warehouse.duckdb"
    store = RosterStore(roster_dir(wh))
    import_sheet(store, inbox / ".roster" / "单位名录.csv", "生成器")
    s1 = refresh(inbox, wh, checks=False)
    with duckdb.connect(str(wh), read_only=True) as con:
        attributed = dict(con.execute("select source_path, unit_id from dim_documents").fetchall())
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
        final = dict(con.execute("select source_path, unit_id from dim_documents").fetchall())
    yield {"manifest": manifest, "due": due, "queue": queue, "coverage": coverage, "left": left,
           "runs": (s1, s2), "attributed": attributed, "final": final}  # fmt: skip
    shutil.rmtree(base, ignore_errors=True)


RENAMED = ("U011", "滨江市清河区综合行政执法局")  # a 部门 renamed; its documents print the old name
HONORIFIC = ("U010", 2024)  # this document prints its name with （本级）
REPLACED = ("U003", "U900", "滨江市清河区实验中学")  # U003 prints 实验小学; the sheet lists 实验中学 instead


def _drift(inbox, manifest: dict) -> None:
    """Edit the generated sheet and one document as described above; the
    manifest (the truth) follows: U003 is no longer expected, U900 is and
    publishes nothing."""
    path = inbox / ".roster" / "单位名录.csv"
    with open(path, encoding="utf-8-sig", newline="") as fh:
        header, *rows = list(csv.reader(fh))
    col = {h: i for i, h in enumerate(header)}
    uid, new_name = RENAMED
    old_name = next(r[col["单位名称"]] for r in rows if r[0] == uid)
    out = []
    for r in rows:
        if r[0] == uid:
            aliases = [a for a in r[col["曾用名及别名"]].split("|") if a]
            r[col["单位名称"]], r[col["曾用名及别名"]] = new_name, "|".join([old_name, *aliases])
        if r[col["主管部门"]] == old_name:
            r[col["主管部门"]] = new_name
        if r[0] == REPLACED[0]:
            r[0], r[col["单位名称"]], r[col["曾用名及别名"]] = REPLACED[1], REPLACED[2], ""
        out.append(r)
    with open(path, "w", encoding="utf-8-sig", newline="") as fh:
        csv.writer(fh, lineterminator="\n").writerows([header, *out])
    unit = next(u for u in manifest["units"] if u["unit_id"] == REPLACED[0])
    manifest["units"] = [u for u in manifest["units"] if u is not unit] + [{**unit, "unit_id": REPLACED[1]}]
    doc = next(d for d in manifest["documents"] if (d["unit_id"], d["fiscal_year"]) == HONORIFIC
               and d["kind"] == "original")  # fmt: skip
    name = doc["unit_name_printed"]
    text = (inbox / doc["file"]).read_text(encoding="utf-8")
    (inbox / doc["file"]).write_text(text.replace(name, f"{name}（本级）"), encoding="utf-8")


def _docs_of(district: dict, unit_id: str) -> list[dict]:
    return [
        d for d in district["manifest"]["documents"] if d["unit_id"] == unit_id and d["kind"] == "original"
    ]


def test_a_renamed_unit_is_found_by_its_former_name_and_a_printed_benji_by_its_name(district):
    old_name = next(u["name"] for u in district["manifest"]["units"] if u["unit_id"] == RENAMED[0])
    for unit_id in (RENAMED[0], HONORIFIC[0]):
        docs = _docs_of(district, unit_id)
        assert docs
        for d in docs:
            assert district["final"][d["file"]] == unit_id, d["file"]
            if d["unit_name_printed"] == old_name:  # the 曾用名 itself: exact, before any review
                assert district["attributed"][d["file"]] == unit_id, d["file"]
    assert old_name in {d["unit_name_printed"] for d in _docs_of(district, RENAMED[0])}
    benji = next(d for d in _docs_of(district, HONORIFIC[0]) if d["fiscal_year"] == HONORIFIC[1])
    assert district["attributed"][benji["file"]] == HONORIFIC[0]  # （本级） set aside: exact


def test_a_wrong_but_similar_name_is_never_proposed_nor_merged(district):
    printed = {d["unit_name_printed"] for d in _docs_of(district, REPLACED[0])}
    queued = [q for q in district["queue"] if q[1] in printed]
    assert queued, "the replaced unit's documents wait in the review queue"
    for _, name, suggested, status, _paths in queued:
        assert status != "proposed", (name, suggested, status)
    listed = {u["unit_id"] for u in district["manifest"]["units"]}
    for d in _docs_of(district, REPLACED[0]):
        assert district["final"][d["file"]] not in listed, d["file"]  # its own unit, outside the roster
    assert district["left"] == len(queued)  # not accepted: still in the queue after the review


def test_the_sheet_leaves_region_variants_to_the_matcher(district):
    header, rows = sample_roster.sheet(district["manifest"])
    assert "2024年公开截止日期" in header
    printed = {d["unit_name_printed"] for d in district["manifest"]["documents"]}
    listed = {r[1] for r in rows} | {a for r in rows for a in r[9].split("|") if a}
    assert printed - listed, "the generated documents should print some names the sheet lacks"


def test_every_proposal_names_the_true_unit(district):
    truth_by_file = {d["file"]: d["unit_id"] for d in district["manifest"]["documents"]}
    listed = {u["unit_id"] for u in district["manifest"]["units"]}
    queue = [q for q in district["queue"] if {truth_by_file[p] for p in q[4]} <= listed]
    assert queue, "some printed names of roster units needed review"
    for _, printed, suggested, status, paths in queue:
        true_units = {truth_by_file[p] for p in paths}
        assert len(true_units) == 1
        assert status == "proposed", (printed, status)
        assert suggested == true_units.pop(), printed


def test_coverage_after_review_equals_the_generated_truth(district):
    s1, s2 = district["runs"]
    assert s1.status == s2.status == "success"
    truth = sample_roster.truth(district["manifest"], district["due"])
    assert {"on_time", "late", "quarantined", "missing"} <= set(truth.values())
    assert district["coverage"] == truth
