"""The roster sheet (warehouse/roster/io.py) and its versioned store
(warehouse/roster/store.py): import, template, export, history, decisions."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
from pathlib import Path

import pytest

from warehouse.roster import io
from warehouse.roster.store import RosterStore
from warehouse.roster.sync import import_sheet

SHEET = """单位名称,统一社会信用代码,主管部门,级次,单位类型,人数,曾用名及别名,应公开年度,2023年公开截止日期,2024年公开截止日期
示范区教育局,11000000000000001A,示范区教育局,部门,行政单位,40,示范区教委,2023-2024,2024-09-30,2025-09-30
示范区教育局本级,,示范区教育局,本级,行政单位,25,,2023、2024,2024-09-30,2025-09-30
示范区第一中学,,教育局,下属单位,事业单位,120,示范区一中|第一中学,2024,,2025-09-30
示范区财政局,,,,行政单位,30,,2024,,2025-10-31
"""


def write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def test_sheet_builds_the_department_tree(tmp_path):
    res = io.read_sheet(write(tmp_path / "r.csv", SHEET))
    by = {u["unit_name"]: u for u in res.units}
    edu = by["示范区教育局"]
    assert (
        edu["unit_level"] == "部门"
        and edu["department_id"] == edu["unit_id"]
        and edu["parent_unit_id"] is None
    )
    for child in (
        "示范区教育局本级",
        "示范区第一中学",
    ):  # 主管部门 printed without the region prefix still links
        assert by[child]["department_id"] == edu["unit_id"] == by[child]["parent_unit_id"]
    assert by["示范区第一中学"]["unit_level"] == "下属单位"
    assert by["示范区财政局"]["unit_level"] == "部门"  # blank 主管部门 and 级次: a department
    years = {(r["unit_id"], r["fiscal_year"]): r["deadline"] for r in res.years}
    assert years[(edu["unit_id"], 2023)] == dt.date(2024, 9, 30)
    assert years[(by["示范区第一中学"]["unit_id"], 2024)] == dt.date(2025, 9, 30)
    assert (by["示范区第一中学"]["unit_id"], 2023) not in years
    assert {a["alias_name"] for a in res.aliases if a["unit_id"] == by["示范区第一中学"]["unit_id"]} == {
        "第一中学",
        "示范区一中",
    }
    assert res.warnings == []


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("名称,人数\n甲,1\n", "缺少「单位名称」列"),
        ("单位名称,级次\n甲局,处室\n", "第 2 行：级次「处室」"),
        ("单位名称,人数\n甲局,十\n", "第 2 行：人数「十」不是整数"),
        ("单位名称,应公开年度\n甲局,去年\n", "第 2 行：应公开年度「去年」无法识别"),
        ("单位名称,2024年公开截止日期\n甲局,九月底\n", "截止日期「九月底」不是日期"),
        ("单位名称\n甲局\n甲局\n", "第 3 行：单位「甲局」与第 2 行重复"),
    ],
)
def test_bad_sheets_are_refused_in_chinese_naming_file_and_row(tmp_path, text, message):
    store = RosterStore(tmp_path / "roster")
    with pytest.raises(io.RosterSheetError, match=message) as exc:
        import_sheet(store, write(tmp_path / "坏名录.csv", text), "tester")
    assert "坏名录.csv" in str(exc.value)
    assert store.load().units == [] and store.history() == []  # nothing written


def test_unknown_department_is_a_warning_not_an_error(tmp_path):
    res = io.read_sheet(write(tmp_path / "r.csv", "单位名称,主管部门\n甲中心,不存在的局\n"))
    assert res.units[0]["department_id"] is None
    assert "不存在的局" in res.warnings[0] and "第 2 行" in res.warnings[0]


def test_versions_record_who_changed_what_and_ids_stay_stable(tmp_path):
    store = RosterStore(tmp_path / "roster")
    r1, _ = import_sheet(store, write(tmp_path / "v1.csv", SHEET), "张三")
    ids = {u["unit_name"]: u["unit_id"] for u in r1.units}
    # second import: no id column; one unit renamed via its credit code, one removed, one staff change
    v2 = SHEET.replace("示范区教育局,11000000000000001A,示范区教育局,部门,行政单位,40",
                       "示范区教育体育局,11000000000000001A,示范区教育体育局,部门,行政单位,41")  # fmt: skip
    v2 = "\n".join(line for line in v2.splitlines() if not line.startswith("示范区财政局")) + "\n"
    r2, _ = import_sheet(store, write(tmp_path / "v2.csv", v2), "李四")
    ids2 = {u["unit_name"]: u["unit_id"] for u in r2.units}
    assert ids2["示范区教育体育局"] == ids["示范区教育局"]  # same unit, new name
    assert ids2["示范区第一中学"] == ids["示范区第一中学"]
    assert r2.version_no == r1.version_no + 1
    mine = [c for c in r2.changes if c["version_no"] == r2.version_no]
    assert {c["changed_by"] for c in mine} == {"李四"}
    assert {"unit_id": ids["示范区教育局"], "field": "单位名称", "old_value": "示范区教育局",
            "new_value": "示范区教育体育局"} in [{k: c[k] for k in ("unit_id", "field", "old_value", "new_value")}
                                              for c in mine]  # fmt: skip
    assert any(c["new_value"] == "移出名录" and c["old_value"] == "示范区财政局" for c in mine)
    assert any(c["field"] == "人数" and (c["old_value"], c["new_value"]) == ("40", "41") for c in mine)
    hist = store.history()
    assert [h["changed_by"] for h in hist] == ["张三", "李四"]
    # the first version is still there, unchanged
    assert len(list((tmp_path / "roster" / "versions").glob("v*"))) == 2


def test_decisions_persist_and_the_last_one_wins(tmp_path):
    store = RosterStore(tmp_path / "roster")
    r, _ = import_sheet(store, write(tmp_path / "v1.csv", SHEET), "张三")
    uid = r.units[0]["unit_id"]
    store.decide("清河区教委", uid, "rejected", "王五")
    store.decide("清河区教委", uid, "accepted", "王五")
    latest = RosterStore(tmp_path / "roster").load().latest_decisions()
    assert latest["清河区教委"]["decision"] == "accepted" and latest["清河区教委"]["decided_by"] == "王五"
    with pytest.raises(ValueError, match="名录中没有单位"):
        store.decide("某名称", "NOPE", "accepted", "王五")
    # an accepted name is exported as an alias, so re-importing the export keeps it
    out = tmp_path / "export.xlsx"
    out.write_bytes(io.export_xlsx(store.load()))
    again = io.read_sheet(out, store.load())
    assert "清河区教委" in {a["alias_name"] for a in again.aliases if a["unit_id"] == uid}


def test_export_reimports_without_changes_and_template_is_importable(tmp_path):
    store = RosterStore(tmp_path / "roster")
    import_sheet(store, write(tmp_path / "v1.csv", SHEET), "张三")
    out = tmp_path / "名录.xlsx"
    out.write_bytes(io.export_xlsx(store.load()))
    r, _ = import_sheet(store, out, "张三")
    assert r.meta["changes"] == 0
    tpl = tmp_path / "模板.xlsx"
    tpl.write_bytes(io.template_xlsx())
    res = io.read_sheet(tpl)
    assert [u["unit_level"] for u in res.units] == ["部门", "本级", "下属单位"]
    assert res.warnings == []


def test_a_writer_killed_mid_version_leaves_the_previous_version_current(tmp_path):
    store = RosterStore(tmp_path / "roster")
    import_sheet(store, write(tmp_path / "v1.csv", SHEET), "张三")
    before = store.fingerprint()
    code = (
        "import os, sys\n"
        "from warehouse.roster import store as s\n"
        "orig = s._write_table\n"
        "def boom(path, name, rows):\n"
        "    orig(path, name, rows)\n"
        "    if name == 'unit_years': os._exit(9)\n"
        "s._write_table = boom\n"
        f"s.RosterStore({str(tmp_path / 'roster')!r}).decide('x', None, 'rejected', 'k')\n"
    )
    proc = subprocess.run(
        [sys.executable, "-c", code], cwd=Path(__file__).resolve().parents[1], env=os.environ
    )
    assert proc.returncode == 9
    assert store.fingerprint() == before
    assert store.load().decisions == []
    store.decide("y", None, "rejected", "k")  # the next writer is not blocked by the leftover
    assert [d["printed_name"] for d in store.load().decisions] == ["y"]
