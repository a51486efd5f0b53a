"""Review decisions take effect at once (issue 16, warehouse/roster/apply.py):
the published warehouse after ``apply_roster`` is what a full refresh would
publish, the next refresh has nothing to redo and a rebuild keeps it; a
running refresh turns it away and a failure leaves the published file as it
was, the decision recorded for the next refresh."""

from __future__ import annotations

import os
import shutil
import sys
from pathlib import Path

import duckdb
import pytest

from warehouse import transform
from warehouse.lock import RefreshLock, WarehouseLocked
from warehouse.paths import WarehousePaths
from warehouse.roster.apply import apply_roster
from warehouse.roster.store import RosterStore, roster_dir

sys.path.insert(0, str(Path(__file__).resolve().parent))
import roster_district

# what a decision changes: attribution, the registry, coverage, the facts
VIEWS = {
    "docs": "select document_id, unit_id from dim_documents order by 1",
    "units": """select unit_id, canonical_name, unit_source, needs_review, suggested_unit_id, review_reason
                from dim_units order by 1""",
    "coverage": "select unit_id, fiscal_year, coverage_status, days_late from fct_disclosure_coverage order by 1, 2",
    "summary": "select unit_id, fiscal_year, expenditure_total from fct_unit_year_summary order by 1, 2",
    "subjects": """select unit_id, fiscal_year, subject_code, total from fct_expenditure_by_subject
                   order by 1, 2, 3""",
    "departments": "select * from fct_department_year_summary order by 1",
}


def _state(wh: Path) -> dict:
    with duckdb.connect(str(wh), read_only=True) as con:
        return {k: con.execute(sql).fetchall() for k, sql in VIEWS.items()}


def _decide(wh: Path, third_unit: str | None) -> None:
    store = RosterStore(roster_dir(wh))
    store.decide("示范区财政局（本级）", "FIN0", "accepted", "管理员")
    store.decide("第一中学", "SCH1", "accepted", "管理员")
    store.decide("示范区第三中学", third_unit, "rejected", "管理员")


@pytest.fixture(scope="module")
def district(tmp_path_factory) -> dict:
    base = tmp_path_factory.mktemp("roster_apply")
    inbox, wh = roster_district.build(base)
    before = _state(wh)
    with duckdb.connect(str(wh), read_only=True) as con:
        third = con.execute(
            "select suggested_unit_id from dim_units where canonical_name = '示范区第三中学'"
        ).fetchone()[0]
    # the same district and decisions, taken in by a full refresh instead
    twin = base / "twin"
    shutil.copytree(wh.parent, twin / "data", symlinks=True)  # roster/current is a link
    _decide(wh, third)
    _decide(twin / "data" / wh.name, third)
    applied = apply_roster(wh)
    after = _state(wh)
    roster_district.run(inbox, twin / "data" / wh.name)
    refreshed = _state(twin / "data" / wh.name)
    again = roster_district.run(inbox, wh)
    rebuilt_summary = roster_district.run(inbox, wh, rebuild=True)
    yield {"base": base, "inbox": inbox, "wh": wh, "before": before, "applied": applied, "after": after,
           "refreshed": refreshed, "again": again, "rebuilt": _state(wh), "rebuilt_summary": rebuilt_summary}  # fmt: skip
    shutil.rmtree(base, ignore_errors=True)


def test_accept_and_reject_apply_at_once(district):
    assert district["applied"].status == "applied"
    before, after = district["before"], district["after"]
    assert before != after
    docs = dict(after["docs"])
    units = {u[1]: u for u in after["units"]}
    coverage = {(u, y): s for u, y, s, _ in after["coverage"]}
    assert coverage[("FIN0", 2023)] == "on_time" and coverage[("SCH1", 2023)] == "on_time"
    assert {u for u, *_ in after["summary"]} >= {"FIN0", "SCH1"}  # the facts followed the documents
    assert "示范区财政局（本级）" not in units and "第一中学" not in units
    look_alike = units["示范区第三中学"]
    assert look_alike[2] == "discovered" and look_alike[3] is False  # out of the queue, still its own unit
    assert "FIN0" in set(docs.values()) and "SCH1" in set(docs.values())


def test_the_result_is_what_a_full_refresh_publishes(district):
    assert district["after"] == district["refreshed"]


def test_decisions_persist_the_next_refresh_has_nothing_to_redo_and_a_rebuild_keeps_them(district):
    assert district["again"].status == "unchanged"
    assert district["rebuilt_summary"].full_rebuild
    assert district["rebuilt"] == district["after"]


def _identity(wh: Path) -> tuple:
    s = wh.stat()
    return s.st_ino, s.st_mtime_ns, s.st_size


def test_nothing_new_is_nothing_to_do(district):
    assert apply_roster(district["wh"]).status == "current"


def test_a_running_refresh_turns_it_away_and_a_failure_leaves_the_warehouse_alone(district, monkeypatch):
    wh = district["wh"]
    store = RosterStore(roster_dir(wh))
    store.decide("示范区第三中学", "SCH1", "accepted", "管理员")  # the admin changes their mind
    before = _identity(wh)
    lock = RefreshLock(WarehousePaths(wh).lock).acquire()
    try:
        with pytest.raises(WarehouseLocked):
            apply_roster(wh)
    finally:
        lock.release()
    assert _identity(wh) == before

    def broken(*a, **kw):
        raise transform.DbtFailed(["int_document_units（模拟的失败）"])

    monkeypatch.setattr(transform, "build", broken)
    with pytest.raises(transform.DbtFailed):
        apply_roster(wh)
    assert _identity(wh) == before
    assert not WarehousePaths(wh).build.exists()
    assert store.load().latest_decisions()["示范区第三中学"]["unit_id"] == "SCH1"  # still recorded
    monkeypatch.undo()
    assert apply_roster(wh).status == "applied"
    with duckdb.connect(str(wh), read_only=True) as con:
        moved = con.execute(
            "select unit_id from dim_documents where unit_name_printed = '示范区第三中学'"
        ).fetchone()[0]
    assert moved == "SCH1" and _identity(wh) != before
    assert os.path.exists(wh)
