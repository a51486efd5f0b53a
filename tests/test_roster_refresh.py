"""A refresh with a roster (issue 16): names resolved against it, coverage on
time / late / quarantined / not due / missing for a district whose truth is
known, the review queue's decisions applied by the next refresh and kept by
``--rebuild``. Documents are synthetic parse results (no reader involved)."""

from __future__ import annotations

import datetime as dt
import shutil
import sys
from pathlib import Path

import duckdb
import pytest

from warehouse.roster.store import RosterStore, roster_dir

sys.path.insert(0, str(Path(__file__).resolve().parent))
import roster_district

EXPECTED_FIRST = {
    ("FIN", 2023): "on_time",
    ("FIN", 2026): "not_due",
    ("FIN0", 2023): "missing",  # its document waits in the review queue
    ("EDU", 2023): "late",
    ("SCH1", 2023): "missing",
    ("SCH2", 2023): "late",
    ("NR", 2023): "on_time",
    ("CIV", 2023): "quarantined",
    ("GYM", 2023): "missing",
}


def _coverage(wh: Path) -> dict:
    with duckdb.connect(str(wh), read_only=True) as con:
        rows = con.execute(
            """select unit_id, fiscal_year, coverage_status, date_basis, days_late, quarantine_reason,
                      quarantined_file_name, received_date
               from fct_disclosure_coverage where unit_id not like 'new-%'"""
        ).fetchall()
    return {(r[0], r[1]): r[2:] for r in rows}


def _units(wh: Path) -> dict:
    with duckdb.connect(str(wh), read_only=True) as con:
        rows = con.execute(
            """select canonical_name, unit_id, unit_source, needs_review, suggested_unit_id, suggestion_status,
                      department_id, parent_unit_id, unit_level
               from dim_units"""
        ).fetchall()
    return {r[0]: r[1:] for r in rows}


def _attributed(wh: Path) -> dict:
    with duckdb.connect(str(wh), read_only=True) as con:
        rows = con.execute(
            """select d.unit_name_printed, d.unit_id from dim_documents d where d.document_status = 'loaded'"""
        ).fetchall()
    return dict(rows)


@pytest.fixture(scope="module")
def district(tmp_path_factory) -> dict:
    base = tmp_path_factory.mktemp("roster_district")
    inbox, wh = roster_district.build(base)
    with duckdb.connect(str(wh), read_only=True) as con:
        status = con.execute("select status from refresh_runs order by started_at desc limit 1").fetchone()[0]
    first = {"status": status, "coverage": _coverage(wh), "units": _units(wh), "docs": _attributed(wh)}
    # the review queue: accept two proposals, reject the look-alike's hint
    store = RosterStore(roster_dir(wh))
    store.decide("示范区财政局（本级）", "FIN0", "accepted", "管理员")
    store.decide("第一中学", "SCH1", "accepted", "管理员")
    store.decide("示范区第三中学", first["units"]["示范区第三中学"][3], "rejected", "管理员")
    s2 = roster_district.run(inbox, wh)
    second = {"summary": s2, "coverage": _coverage(wh), "units": _units(wh), "docs": _attributed(wh)}
    s3 = roster_district.run(inbox, wh, rebuild=True)
    third = {"summary": s3, "coverage": _coverage(wh), "units": _units(wh), "docs": _attributed(wh)}
    s4 = roster_district.run(inbox, wh)
    yield {"first": first, "second": second, "rebuilt": third, "again": s4, "wh": wh}
    shutil.rmtree(base, ignore_errors=True)


def test_refresh_with_a_roster_shows_late_quarantined_and_missing(district):
    first = district["first"]
    assert first["status"] == "success"
    got = {k: v[0] for k, v in first["coverage"].items()}
    assert got == EXPECTED_FIRST
    cov = first["coverage"]
    assert cov[("EDU", 2023)][1:3] == ("publication_date", 20)
    assert cov[("SCH2", 2023)][1] == "first_received"  # undated: the day it arrived
    assert cov[("SCH2", 2023)][5] == dt.date.today()
    reason, file_name = cov[("CIV", 2023)][3:5]
    assert (
        file_name == "示范区民政局2023年部门决算.json" and reason
    )  # attributed by its file name, with the reason


def test_names_resolve_exactly_or_wait_for_review(district):
    units, docs = district["first"]["units"], district["first"]["docs"]
    assert docs["示范区财政局"] == "FIN"  # exact, not the units.csv seed's id
    assert docs["示范区规划局"] == "NR"  # former name from the roster sheet
    assert "U0001" not in {u[0] for u in units.values()}  # the roster supersedes units.csv
    proposed = {n: (u[3], u[4]) for n, u in units.items() if u[1] == "discovered"}
    assert proposed["示范区财政局（本级）"] == ("FIN0", "proposed")
    assert proposed["第一中学"] == ("SCH1", "proposed")
    # the look-alike is a hint at most, and stays its own unit
    assert proposed["示范区第三中学"][1] == "possible"
    assert docs["示范区第三中学"].startswith("new-")


def test_department_tree(district):
    units = district["first"]["units"]
    assert units["示范区财政局本级"][5:8] == ("FIN", "FIN", "本级")
    assert units["示范区体育中心"][5:8] == ("EDU", "EDU", "下属单位")
    assert units["示范区教育局"][5:8] == ("EDU", None, "部门")


def test_accepting_moves_the_documents_and_rejecting_closes_the_item(district):
    second = district["second"]
    docs, units, cov = second["docs"], second["units"], second["coverage"]
    assert docs["示范区财政局（本级）"] == "FIN0" and docs["第一中学"] == "SCH1"
    assert cov[("FIN0", 2023)][0] == "on_time" and cov[("SCH1", 2023)][0] == "on_time"
    assert "示范区财政局（本级）" not in units and "第一中学" not in units  # no discovered unit left
    look_alike = units["示范区第三中学"]
    assert look_alike[1] == "discovered" and look_alike[2] is False  # out of the queue, still its own unit
    assert docs["示范区第三中学"].startswith("new-")
    with duckdb.connect(str(district["wh"]), read_only=True) as con:
        moved = con.execute(
            "select count(*) from fct_unit_year_summary where unit_id in ('FIN0', 'SCH1')"
        ).fetchone()
    assert moved[0] == 2  # the facts followed the documents


def test_decisions_survive_a_rebuild_and_nothing_new_leaves_the_warehouse_alone(district):
    assert district["rebuilt"]["summary"].full_rebuild
    assert district["rebuilt"]["coverage"] == district["second"]["coverage"]
    assert district["rebuilt"]["docs"] == district["second"]["docs"]
    assert district["again"].status == "unchanged"


def test_departments_roll_up_their_units(district):
    with duckdb.connect(str(district["wh"]), read_only=True) as con:
        rows = con.execute(
            """select department_id, member_units, member_units_reporting, members_expenditure_total,
                      department_expenditure_total
               from fct_department_year_summary where fiscal_year = 2023"""
        ).fetchall()
        totals = dict(con.execute(
            "select unit_id, expenditure_total from fct_unit_year_summary where fiscal_year = 2023"
        ).fetchall())  # fmt: skip
    got = {r[0]: r[1:] for r in rows}
    # 教育局: 第一中学 (accepted) and 第二中学 reported, 体育中心 did not
    assert got["EDU"] == (3, 2, totals["SCH1"] + totals["SCH2"], totals["EDU"])
    assert got["FIN"] == (1, 1, totals["FIN0"], totals["FIN"])
