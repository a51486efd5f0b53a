"""A refresh with a roster (issue 16): names resolved against it, coverage on
time / late / quarantined / not due / missing for a district whose truth is
known, the review queue's decisions applied by the next refresh and kept by
``--rebuild``. Documents are synthetic parse results (no reader involved)."""

from __future__ import annotations

import datetime as dt
import importlib.util
import json
import shutil
from pathlib import Path

import duckdb
import pytest

from warehouse.refresh import refresh
from warehouse.roster.store import RosterStore, roster_dir
from warehouse.roster.sync import import_sheet

ROOT = Path(__file__).resolve().parents[1]
_spec = importlib.util.spec_from_file_location(
    "roster_synth", ROOT / "tests" / "fixtures" / "warehouse" / "synth.py"
)
synth = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(synth)
PARSER = "warehouse.contract_json:parse_file"

ROSTER = """单位编码,单位名称,主管部门,级次,单位类型,人数,曾用名及别名,应公开年度,2023年公开截止日期,2026年公开截止日期
FIN,示范区财政局,示范区财政局,部门,行政单位,30,,2023、2026,2024-09-30,2099-09-30
FIN0,示范区财政局本级,示范区财政局,本级,行政单位,20,,2023,2024-09-30,
EDU,示范区教育局,,部门,行政单位,20,,2023,2024-09-30,
SCH1,示范区第一中学,示范区教育局,下属单位,事业单位,100,,2023,2024-09-30,
SCH2,示范区第二中学,示范区教育局,下属单位,事业单位,90,,2023,2024-09-30,
NR,示范区自然资源和规划局,,部门,行政单位,25,示范区规划局,2023,2024-09-30,
CIV,示范区民政局,,部门,行政单位,15,,2023,2024-09-30,
GYM,示范区体育中心,示范区教育局,下属单位,事业单位,12,,2023,2024-09-30,
"""
# printed name -> (publication date or None, the truth)
DOCUMENTS = {
    "示范区财政局": ("2024-09-01", "FIN on time"),
    "示范区财政局（本级）": ("2024-09-10", "FIN0 after review: bracketed 本级"),
    "示范区教育局": ("2024-10-20", "EDU late by 20 days"),
    "第一中学": ("2024-09-02", "SCH1 after review: region prefix dropped"),
    "示范区第二中学": (None, "SCH2 undated: first received today, late"),
    "示范区规划局": ("2024-06-30", "NR by its former name, on time"),
    "示范区第三中学": ("2024-09-01", "not in the roster; similar to 第一/第二中学, never merged"),
}
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
    inbox = base / "inbox"
    inbox.mkdir()
    for k, (name, (date, _)) in enumerate(DOCUMENTS.items()):
        doc = synth.make_document(name, 2023, 100 + k, publication_date=date)
        if date is None:
            doc["document"]["publication_date"] = None
        (inbox / f"doc{k}.json").write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    (inbox / "示范区民政局2023年部门决算.json").write_text("{ 不是完整的 JSON", encoding="utf-8")
    # the generator's units.csv is superseded by the roster (no double units)
    synth.write_units_csv(inbox / "units.csv", [{**synth.unit_rows(1)[0], "canonical_name": "示范区财政局"}])
    wh = base / "data" / "warehouse.duckdb"
    sheet = base / "名录.csv"
    sheet.write_text(ROSTER, encoding="utf-8")
    import_sheet(RosterStore(roster_dir(wh)), sheet, "科员甲")
    s1 = refresh(inbox, wh, parser=PARSER, checks=False)
    first = {"summary": s1, "coverage": _coverage(wh), "units": _units(wh), "docs": _attributed(wh)}
    # the review queue: accept two proposals, reject the look-alike's hint
    store = RosterStore(roster_dir(wh))
    store.decide("示范区财政局（本级）", "FIN0", "accepted", "管理员")
    store.decide("第一中学", "SCH1", "accepted", "管理员")
    store.decide("示范区第三中学", first["units"]["示范区第三中学"][3], "rejected", "管理员")
    s2 = refresh(inbox, wh, parser=PARSER, checks=False)
    second = {"summary": s2, "coverage": _coverage(wh), "units": _units(wh), "docs": _attributed(wh)}
    s3 = refresh(inbox, wh, parser=PARSER, checks=False, rebuild=True)
    third = {"summary": s3, "coverage": _coverage(wh), "units": _units(wh), "docs": _attributed(wh)}
    s4 = refresh(inbox, wh, parser=PARSER, checks=False)
    yield {"first": first, "second": second, "rebuilt": third, "again": s4, "wh": wh}
    shutil.rmtree(base, ignore_errors=True)


def test_refresh_with_a_roster_shows_late_quarantined_and_missing(district):
    first = district["first"]
    assert first["summary"].status == "success"
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
