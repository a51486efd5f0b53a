"""单位对比 by department (issue 16): a generated roster (部门 with or without
a 本级 and subordinate units), synthetic parse results for a random part of it
each year, and department totals computed here from those documents -- the
members added up, the 部门's own consolidated disclosure only in a year none of
its members disclosed, never both. Then the page in the department mode."""

from __future__ import annotations

import json
import random
import shutil
import sys
from collections import defaultdict
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from dashboard import queries
from warehouse.roster.store import RosterStore, roster_dir
from warehouse.roster.sync import import_sheet

sys.path.insert(0, str(Path(__file__).resolve().parent))
import roster_district

synth = roster_district.synth
YEARS = (2022, 2023)
TOPICS = ("教育", "卫生健康", "交通运输", "农业农村", "文化旅游", "市场监管", "水务")
HEADER = "单位编码,单位名称,主管部门,级次,单位类型,人数,应公开年度"


def _roster(rng: random.Random) -> list[dict]:
    """部门 D<k> with a 本级 (usually), 0-3 subordinate units (D0 and D1 at
    least one); a unit whose 主管部门 is not in the sheet."""
    units = []
    for k, topic in enumerate(TOPICS):
        dep = f"示范区{topic}局"
        units.append({"id": f"D{k}", "name": dep, "dep": dep, "level": "部门"})
        if k == 0 or rng.random() < 0.7:
            units.append({"id": f"D{k}B", "name": f"{dep}本级", "dep": dep, "level": "本级"})
        for j in range(rng.randint(1 if k < 2 else 0, 3)):
            units.append({"id": f"D{k}S{j}", "name": f"示范区{topic}第{j + 1}服务中心", "dep": dep,
                          "level": "下属单位"})  # fmt: skip
    units.append(
        {"id": "OUT", "name": "示范区独立核算中心", "dep": "示范区名录外管理局", "level": "下属单位"}
    )
    return units


def _published(rng: random.Random, units: list[dict]) -> dict[int, list[dict]]:
    """Year -> the units that publish; every case the roll-up must tell apart occurs."""
    out = {}
    for y in YEARS:
        out[y] = [u for u in units if u["id"] == "OUT" or rng.random() < 0.6]
    by_id = {u["id"]: u for u in units}
    # a 部门 publishing its consolidated 部门决算 next to all its members (the double-count trap)
    trap = [u for u in units if u["dep"] == by_id["D0"]["name"]]
    out[YEARS[0]] = [u for u in out[YEARS[0]] if u["dep"] != by_id["D0"]["name"]] + trap
    # a 部门 whose members all stay silent that year: its consolidated document stands in
    out[YEARS[1]] = [u for u in out[YEARS[1]] if u["dep"] != by_id["D1"]["name"]] + [by_id["D1"]]
    return out


@pytest.fixture(scope="module")
def district(tmp_path_factory) -> dict:
    base = tmp_path_factory.mktemp("roster_compare")
    rng = random.Random(16)
    units = _roster(rng)
    published = _published(rng, units)
    inbox = base / "inbox"
    inbox.mkdir()
    docs: dict[tuple[str, int], dict] = {}
    for y, pub in published.items():
        for n, u in enumerate(pub):
            doc = synth.make_document(u["name"], y, 1000 * y + n)
            docs[(u["id"], y)] = doc
            (inbox / f"{u['id']}_{y}.json").write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    rows = [HEADER] + [f"{u['id']},{u['name']},{u['dep']},{u['level']},行政单位,10,2022-2023" for u in units]
    sheet = base / "名录.csv"
    sheet.write_text("\n".join(rows) + "\n", encoding="utf-8")
    wh = base / "data" / "warehouse.duckdb"
    import_sheet(RosterStore(roster_dir(wh)), sheet, "科员甲")
    summary = roster_district.run(inbox, wh)
    assert summary.status == "success", summary.error
    yield {"units": units, "docs": docs, "wh": wh}
    shutil.rmtree(base, ignore_errors=True)


@pytest.fixture
def wh(district, monkeypatch) -> Path:
    monkeypatch.setenv("JUESUAN_WAREHOUSE", str(district["wh"]))
    queries.clear_cache()
    return district["wh"]


def _summed(district: dict, year: int) -> dict[str, list[str]]:
    """The truth, from the roster alone: department id -> the unit ids added up."""
    units, docs = district["units"], district["docs"]
    out = {}
    for dep in (u for u in units if u["level"] == "部门"):
        members = [u["id"] for u in units if u["dep"] == dep["name"] and u["level"] != "部门"]
        reporting = [m for m in members if (m, year) in docs]
        own = [dep["id"]] if (dep["id"], year) in docs else []
        if reporting or own:
            out[dep["id"]] = reporting or own
    return out


def _lines(doc: dict, table: str, column: str, code_len: int) -> dict[str, float]:
    out: dict[str, float] = defaultdict(float)
    for ln in doc["lines"]:
        code = ln["subject_code"]
        if ln["table"] == table and ln["column"] == column and code and len(code) == code_len:
            out[code] += ln["amount"]
    return out


def _expected(
    district: dict, year: int, table: str, column: str, code_len: int
) -> dict[tuple[str, str], float]:
    out: dict[tuple[str, str], float] = defaultdict(float)
    for dep, members in _summed(district, year).items():
        for m in members:
            for code, amount in _lines(district["docs"][(m, year)], table, column, code_len).items():
                out[(dep, code)] += amount
    return dict(out)


def test_the_generated_district_has_every_case(district):
    summed = _summed(district, YEARS[0])
    assert ("D0", YEARS[0]) in district["docs"] and len(summed["D0"]) >= 2 and "D0" not in summed["D0"]
    assert _summed(district, YEARS[1])["D1"] == ["D1"]  # only the consolidated document that year


@pytest.mark.parametrize("year", YEARS)
@pytest.mark.parametrize(("measure", "level", "table", "column", "code_len"), [
    ("total", "类", "03", "total", 3), ("project", "款", "03", "project", 5), ("basic", "项", "03", "basic", 7),
    ("total", queries.ECONOMIC_LEVEL, "06", "amount", 3),
])  # fmt: skip
def test_department_totals_equal_the_documents_added_up(
    wh, district, year, measure, level, table, column, code_len
):
    summed = _summed(district, year)
    picked = sorted(summed)
    df = queries.compare(year, picked, measure, level, departments=True)
    rows = list(df.iter_rows(named=True))
    got = {(r["unit_id"], r["code"]): r["amount"] for r in rows if r["amount"]}  # a zero is not printed
    want = {k: v for k, v in _expected(district, year, table, column, code_len).items() if v}
    assert set(got) == set(want)
    for key, amount in want.items():
        assert got[key] == pytest.approx(amount, abs=0.005), key
    names = {u["id"]: u["name"] for u in district["units"]}
    assert {r["unit_id"]: r["unit_name"] for r in rows} == {d: names[d] for d in {k[0] for k in want}}
    for part in df.partition_by("unit_id"):  # shares are of the department's own total
        assert part["share_pct"].sum() == pytest.approx(100, abs=0.05), part["unit_id"][0]


def test_basis_trend_and_execution_follow_the_same_members(wh, district):
    year = YEARS[0]
    summed = _summed(district, year)
    basis = {
        r["department_id"]: r for r in queries.department_basis(year, sorted(summed)).iter_rows(named=True)
    }
    docs = district["docs"]

    def total(uid: str, y: int) -> float:
        return next(ln["amount"] for ln in docs[(uid, y)]["lines"]
                    if ln["table"] == "03" and ln["row_label"] == "合计" and ln["column"] == "total")  # fmt: skip

    for dep, members in summed.items():
        row = basis[dep]
        assert row["rollup_basis"] == ("department" if members == [dep] else "members")
        assert row["expenditure_total"] == pytest.approx(sum(total(m, year) for m in members), abs=0.005)
    d0 = basis["D0"]
    assert d0["department_expenditure_total"] == pytest.approx(total("D0", year))  # shown, never added
    trend = queries.department_trend(["D0", "D1"], "expenditure_total")
    got = {(r["unit_id"], r["fiscal_year"]): r["amount"] for r in trend.iter_rows(named=True)}
    for y in YEARS:
        for dep in ("D0", "D1"):
            members = _summed(district, y).get(dep)
            if members:
                assert got[(dep, y)] == pytest.approx(sum(total(m, y) for m in members), abs=0.005)
    ex = {r["unit_id"]: r for r in queries.department_execution(year, sorted(summed)).iter_rows(named=True)}
    assert ex["D0"]["expenditure_total"] == pytest.approx(sum(total(m, year) for m in summed["D0"]))
    assert queries.compare(year, ["D0; drop table dim_units"], "total", "类", departments=True).is_empty()


def test_a_unit_outside_every_department_is_not_rolled_up(wh, district):
    year = YEARS[0]
    options = set(queries.department_options(year)["department_id"])
    assert options == set(_summed(district, year))
    members = set(queries.run("select unit_id from dim_department_members")["unit_id"])
    assert ("OUT", year) in district["docs"] and "OUT" not in members  # its 主管部门 is not in the roster
    assert "OUT" in set(queries.compare(year, ["OUT"], "total", "类")["unit_id"])  # still a unit of its own


def test_compare_page_by_department(wh, district):
    year = YEARS[0]
    summed = _summed(district, year)
    at = AppTest.from_string("from dashboard.pages import compare\ncompare.render()", default_timeout=60)
    at.query_params["year"] = str(year)
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    at.selectbox(key="compare-by").select("departments").run()
    assert at.info and "请选择要对比的部门" in at.info[0].value
    ms = at.multiselect(key="compare-departments")
    for dep in ("D0", "D1", "D2"):
        if dep in summed:
            ms = ms.select(dep)
    at = ms.run()
    assert not at.exception, [e.value for e in at.exception]
    assert any("不再相加，以免重复计算" in c.value for c in at.caption)
    basis = next(t.value for t in at.table if "口径" in t.value.columns)
    assert "本级及下属单位合计" in set(basis["口径"])
    totals = next(
        t.value for t in at.table if "部门" in t.value.columns and "合计（万元）" in t.value.columns
    )
    shown = dict(zip(totals["部门"], totals["合计（万元）"], strict=True))
    names = {u["id"]: u["name"] for u in district["units"]}
    want = _expected(district, year, "03", "total", 3)
    for dep in ("D0", "D1", "D2"):
        if dep in summed:
            expected = sum(v for (d, _), v in want.items() if d == dep)
            assert float(shown[names[dep]]) == pytest.approx(expected, abs=0.005)
