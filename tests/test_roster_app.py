"""The 单位名录 page and the overview's 公开情况 on a district with a roster
(AppTest): counts per status, the review queue, an admin's accept recorded in
the roster store, template and export downloads."""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from dashboard import queries
from warehouse.roster import io
from warehouse.roster.store import RosterStore, roster_dir

sys.path.insert(0, str(Path(__file__).resolve().parent))
import roster_district


def _row(df, key_col: str, key) -> dict:
    """The one row of a query result whose ``key_col`` is ``key``."""
    rows = [r for r in df.iter_rows(named=True) if r[key_col] == key]
    assert len(rows) == 1, (key, len(rows))
    return rows[0]


@pytest.fixture(scope="module")
def wh(tmp_path_factory) -> Path:
    _, warehouse = roster_district.build(tmp_path_factory.mktemp("roster_app"))
    return warehouse


def _page(name: str, wh: Path, monkeypatch) -> AppTest:
    monkeypatch.setenv("JUESUAN_WAREHOUSE", str(wh))
    queries.clear_cache()
    return AppTest.from_string(f"from dashboard.pages import {name}\n{name}.render()", default_timeout=60)


def test_overview_shows_coverage_per_status(wh, monkeypatch):
    at = _page("overview", wh, monkeypatch)
    at.query_params["year"] = "2023"
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["按时公开"] == "2"  # FIN, NR
    assert metrics["逾期公开"] == "2"  # EDU, SCH2
    assert metrics["已收到但被隔离"] == "1"  # CIV
    assert metrics["未公开"] == "3"  # FIN0, SCH1 (in review), GYM
    assert any("2023 年公开情况" in s.value for s in at.subheader)


def test_coverage_queries_count_per_department(wh, monkeypatch):
    monkeypatch.setenv("JUESUAN_WAREHOUSE", str(wh))
    queries.clear_cache()
    edu = _row(queries.coverage_departments(2023), "department", "示范区教育局")
    # 教育局 itself late, 第一中学 missing (in review), 第二中学 late, 体育中心 missing
    assert (edu["expected_count"], edu["late"], edu["missing"], edu["on_time"]) == (4, 2, 2, 0)
    units = queries.coverage_units(2023)
    assert _row(units, "unit_id", "CIV")["quarantine_reason"]
    assert _row(units, "unit_id", "EDU")["days_late"] == 20


def test_roster_page_queue_and_accept(wh, monkeypatch, tmp_path):
    data = tmp_path / "data"  # a copy: the accept below changes the warehouse at once
    shutil.copytree(wh.parent, data, symlinks=True)
    wh = data / wh.name
    at = _page("roster", wh, monkeypatch).run()
    assert not at.exception, [e.value for e in at.exception]
    assert [t.value for t in at.title] == ["单位名录"]
    assert {m.label: m.value for m in at.metric}["名录单位数"] == "8"
    accept = [b for b in at.button if b.label == "接受"]
    assert len(accept) == 3  # 财政局（本级）, 第一中学, 第三中学 (the last without a preselected unit)
    pick = {s.key: s.value for s in at.selectbox}
    queue = queries.review_queue()
    fin0_row = _row(queue, "printed_name", "示范区财政局（本级）")["unit_id"]
    assert pick[f"pick-{fin0_row}"] == "FIN0"
    assert pick[f"pick-{_row(queue, 'printed_name', '示范区第三中学')['unit_id']}"] is None  # a hint only
    at.button(key=f"accept-{fin0_row}").click().run()
    assert not at.exception, [e.value for e in at.exception]
    decided = RosterStore(roster_dir(wh)).load().latest_decisions()
    assert decided["示范区财政局（本级）"]["decision"] == "accepted"
    assert decided["示范区财政局（本级）"]["unit_id"] == "FIN0"
    # in effect at once, no refresh: out of the queue, its document and coverage moved
    assert any("已生效" in m.value for m in at.success), [m.value for m in at.warning]
    assert len([b for b in at.button if b.label == "接受"]) == 2
    assert "示范区财政局（本级）" not in set(queries.review_queue()["printed_name"])
    assert _row(queries.coverage_units(2023), "unit_id", "FIN0")["coverage_status"] == "on_time"
    look_alike = _row(queries.review_queue(), "printed_name", "示范区第三中学")["unit_id"]
    at.button(key=f"reject-{look_alike}").click().run()
    assert not at.exception, [e.value for e in at.exception]
    assert any("已生效" in m.value for m in at.success)
    assert "示范区第三中学" not in set(queries.review_queue()["printed_name"])
    assert len([b for b in at.button if b.label == "接受"]) == 1


def test_template_and_export_are_valid_sheets(wh, tmp_path):
    tpl = tmp_path / "t.xlsx"
    tpl.write_bytes(io.template_xlsx())
    assert len(io.read_sheet(tpl).units) == 3
    out = tmp_path / "e.xlsx"
    out.write_bytes(io.export_xlsx(RosterStore(roster_dir(wh)).load()))
    assert {u["unit_id"] for u in io.read_sheet(out).units} >= {"FIN", "FIN0", "EDU", "GYM"}
