"""The warehouse (issue 4): refresh -> raw records -> dbt marts -> atomic publish.

Documents are synthetic parse results (tests/fixtures/warehouse/synth.py) read
by warehouse.contract_json, so these tests do not depend on the reader. A base
warehouse is built once per module; each test works on its own copy."""

from __future__ import annotations

import importlib.util
import json
import shutil
import sys
import types
from collections import defaultdict
from decimal import Decimal
from pathlib import Path

import duckdb
import pytest
from fixtures.warehouse import synth

from warehouse.lock import RefreshLock, WarehouseLocked
from warehouse.refresh import RefreshFailed, refresh

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "tests" / "fixtures" / "warehouse"
PARSER = "warehouse.contract_json:parse_file"


N_UNITS = 4
YEARS = (2022, 2023)


def run(inbox: Path, wh: Path, **kw):
    kw.setdefault("checks", False)
    return refresh(inbox, wh, parser=PARSER, **kw)


def query(wh: Path, sql: str, params=None) -> list[tuple]:
    with duckdb.connect(str(wh), read_only=True) as con:
        return con.execute(sql, params or []).fetchall()


def write_doc(path: Path, doc: dict) -> Path:
    path.write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    return path


def build_corpus(inbox: Path) -> dict[str, dict]:
    """4 units x 2 years, plus documents exercising the subject rules: U0001
    2023 prints no 类 rows, U0002 2023 prints 类 208 without its 款/项."""
    inbox.mkdir(parents=True)
    units = synth.unit_rows(N_UNITS, YEARS)
    synth.write_units_csv(inbox / "units.csv", units)
    docs = {}
    for k, u in enumerate(units):
        for y in YEARS:
            kw = {}
            if (u["unit_id"], y) == ("U0001", 2023):
                kw["omit_class_rows"] = True
            if (u["unit_id"], y) == ("U0002", 2023):
                kw["class_only"] = ("201", "205", "208", "210", "212", "213", "215", "221")
                kw["with_budget_columns"] = True
            doc = synth.make_document(u["canonical_name"], y, seed=1000 * k + y, **kw)
            folder = inbox / "2023" if y == 2023 else inbox  # subfolders are scanned too
            folder.mkdir(exist_ok=True)
            write_doc(folder / f"{u['unit_id']}_{y}.json", doc)
            docs[(u["unit_id"], y)] = doc
    return docs


@pytest.fixture(scope="module")
def base(tmp_path_factory):
    root = tmp_path_factory.mktemp("wh-base")
    docs = build_corpus(root / "inbox")
    wh = root / "data" / "warehouse.duckdb"
    summary = run(root / "inbox", wh)
    return root, docs, summary


@pytest.fixture
def copy(base, tmp_path):
    """An independent copy of the base inbox and warehouse."""
    root, docs, _ = base
    shutil.copytree(root / "inbox", tmp_path / "inbox")
    # the published link, both warehouse files and the raw records (links stay links)
    shutil.copytree(root / "data", tmp_path / "data", symlinks=True)
    return tmp_path / "inbox", tmp_path / "data" / "warehouse.duckdb", docs


# ------------------------------------------------------------------ truth


def leaf_truth(doc: dict, table: str, columns: list[str]) -> dict[str, list[float]]:
    """Expected per-类 totals: Σ of the printed 项 rows, or the 类 row itself when
    the document printed it without children (computed from the printed cells)."""
    codes = {x["subject_code"] for x in doc["lines"] if x["table"] == table and x["subject_code"]}
    out: dict[str, list[float]] = defaultdict(lambda: [0.0] * len(columns))
    for x in doc["lines"]:
        c = x["subject_code"]
        if x["table"] != table or not c or x["column"] not in columns:
            continue
        if any(o != c and o.startswith(c) for o in codes):
            continue  # not a leaf
        out[c[:3]][columns.index(x["column"])] += x["amount"]
    return {k: [round(v, 2) for v in vals] for k, vals in out.items()}


def printed(
    doc: dict, table: str, code: str | None, column: str, label: str | None = None, side=None
) -> float:
    for x in doc["lines"]:
        if (
            x["table"] == table
            and x["subject_code"] == code
            and x["column"] == column
            and (label is None or x["row_label"] == label)
            and (side is None or x["side"] == side)
        ):
            return x["amount"]
    return 0.0


SUBJECT_FACTS = {
    "02": ("fct_income_by_subject", ["total", "fiscal"]),
    "03": ("fct_expenditure_by_subject", ["total", "basic", "project"]),
    "05": ("fct_general_budget_expenditure", ["total", "basic", "project"]),
}


def test_full_refresh_marts_equal_truth(base):
    root, docs, s = base
    wh = root / "data" / "warehouse.duckdb"
    assert s.status == "success" and s.published
    assert s.documents_parsed == s.documents_loaded == len(docs)
    assert s.files_new == len(docs) and s.documents_quarantined == 0
    for table, (model, cols) in SUBJECT_FACTS.items():
        got = {
            (u, y, c): [float(v) for v in vals]
            for u, y, c, *vals in query(
                wh,
                f"select unit_id, fiscal_year, class_code, {', '.join(f'sum({c})' for c in cols)} "
                f"from {model} group by all",
            )
        }
        expected = {}
        for (u, y), doc in docs.items():
            for cls, vals in leaf_truth(doc, table, cols).items():
                expected[(u, y, cls)] = vals
                # a 类 total is Σ its 项 whether or not the 类 row was printed
                class_row = printed(doc, table, cls, "total")
                if class_row:
                    assert abs(vals[0] - class_row) < 0.005
        assert got == expected, table
    # 类 printed without children is its own leaf, at 类 level
    rows = query(
        wh,
        "select subject_level, count(*) from fct_expenditure_by_subject "
        "where unit_id = 'U0002' and fiscal_year = 2023 group by 1",
    )
    assert dict(rows) == {
        "类": len(
            {
                x["subject_code"]
                for x in docs[("U0002", 2023)]["lines"]
                if x["table"] == "03" and x["subject_code"]
            }
        )
    }
    # 05 budget columns: null when not printed, values when printed
    assert (
        query(
            wh,
            "select count(*) from fct_general_budget_expenditure "
            "where unit_id = 'U0001' and budget_initial is not null",
        )[0][0]
        == 0
    )
    assert (
        query(
            wh,
            "select count(*) from fct_general_budget_expenditure "
            "where unit_id = 'U0002' and fiscal_year = 2023 and budget_initial is null",
        )[0][0]
        == 0
    )


def test_summary_economic_sangong_and_facts_equal_truth(base):
    root, docs, _ = base
    wh = root / "data" / "warehouse.duckdb"
    summary = {(r[0], r[1]): r[2:] for r in query(wh, """
        select unit_id, fiscal_year, income_total, expenditure_total, basic_expenditure, project_expenditure,
               personnel_expenditure, public_expenditure, sangong_actual, expenditure_yoy_change, general_budget_expenditure
        from fct_unit_year_summary""")}  # fmt: skip
    assert len(summary) == len(docs)
    for (u, y), doc in docs.items():
        inc, exp, basic, proj, pers, pub, sangong, yoy, gen = summary[(u, y)]
        assert inc == Decimal(str(printed(doc, "01", None, "amount", "本年收入合计", "income")))
        assert exp == Decimal(str(printed(doc, "01", None, "amount", "本年支出合计", "expenditure")))
        assert basic == Decimal(str(printed(doc, "03", None, "basic", "合计")))
        assert proj == Decimal(str(printed(doc, "03", None, "project", "合计")))
        assert pers == Decimal(str(printed(doc, "06", None, "amount", "人员经费合计")))
        assert pub == Decimal(str(printed(doc, "06", None, "amount", "公用经费合计")))
        assert sangong == Decimal(str(printed(doc, "09", None, "actual_total")))
        assert gen == Decimal(str(printed(doc, "05", None, "total", "合计")))
        if y == 2023:
            prior = Decimal(
                str(printed(docs[(u, 2022)], "01", None, "amount", "本年支出合计", "expenditure"))
            )
            assert yoy == exp - prior
        else:
            assert yoy is None
    econ = dict(((u, y, cat), float(v)) for u, y, cat, v in query(
        wh, "select unit_id, fiscal_year, cost_category, sum(amount) from fct_basic_expenditure_by_economic_class "
            "group by all"))  # fmt: skip
    for (u, y), doc in docs.items():
        assert econ[(u, y, "人员经费")] == pytest.approx(printed(doc, "06", None, "amount", "人员经费合计"))
    # narrative facts: 年初预算 vs 决算 per 项
    execution = {
        (u, y, c): (b, a, t)
        for u, y, c, b, a, t in query(
            wh,
            "select unit_id, fiscal_year, subject_code, budget_initial, actual_stated, actual_table "
            "from fct_budget_execution",
        )
    }
    for (u, y), doc in docs.items():
        for f in doc["facts"]:
            if f["kind"] == "item_budget_initial":
                b, a, t = execution[(u, y, f["subject_code"])]
                assert float(b) == pytest.approx(f["value"])
                if (u, y) == ("U0002", 2023):
                    assert t is None  # its table 05 printed no 项 rows
                else:
                    assert a == t
    n_projects = sum(1 for d in docs.values() for f in d["facts"] if f["kind"] == "project_actual")
    assert query(wh, "select count(*) from fct_performance_projects")[0][0] == n_projects
    assert query(wh, "select count(*) from fct_procurement")[0][0] == len(docs)
    # every fact's subject rolls up through dim_subjects, with the unprinted 类 named from the national list
    assert (
        query(
            wh,
            """select count(*) from fct_expenditure_by_subject f
                        left join dim_subjects s using (subject_key) where s.subject_key is null""",
        )[0][0]
        == 0
    )
    assert query(
        wh, "select subject_name from dim_subjects where subject_code = '208' and fiscal_year = 2023"
    ) == [("社会保障和就业支出",)]
    assert query(
        wh,
        "select parent_code, subject_level from dim_subjects "
        "where subject_code = '2080502' and fiscal_year = 2023",
    ) in ([], [("20805", "项")])


def test_second_refresh_changes_nothing_and_says_so(copy):
    inbox, wh, _ = copy
    before = (wh.stat().st_ino, wh.stat().st_mtime_ns, wh.read_bytes())
    s = run(inbox, wh)
    assert s.status == "unchanged" and not s.published
    assert s.documents_parsed == 0 and s.files_unchanged == s.files_seen
    assert "没有新的或变更的文件，数据仓库未改动" in s.notes
    assert (wh.stat().st_ino, wh.stat().st_mtime_ns, wh.read_bytes()) == before
    journal = [json.loads(x) for x in (wh.parent / "warehouse.duckdb.runs.jsonl").read_text().splitlines()]
    assert journal[-1]["status"] == "unchanged"


def test_adding_one_document_parses_only_it(copy):
    inbox, wh, docs = copy
    old_runs = dict(query(wh, "select document_id, loaded_run_id from raw_documents"))
    old_built = dict(query(wh, "select unit_year_key, document_id from fct_unit_year_summary"))
    old_rowids = dict(query(wh, "select line_key, rowid from fct_expenditure_by_subject"))
    reader = duckdb.connect(str(wh), read_only=True)  # a dashboard holding the old file open
    try:
        new = synth.make_document("示范区第1局", 2024, seed=99)
        new["document"]["unit_name"] = synth.unit_rows(1)[0]["canonical_name"]
        write_doc(inbox / "U0001_2024.json", new)
        s = run(inbox, wh)
        assert s.status == "success" and s.files_new == 1 and s.files_unchanged == len(docs)
        assert s.documents_parsed == 1
        # the open reader still sees the complete old warehouse
        assert reader.execute("select count(*) from dim_documents").fetchone()[0] == len(docs)
    finally:
        reader.close()
    runs = dict(query(wh, "select document_id, loaded_run_id from raw_documents"))
    assert {k: v for k, v in runs.items() if k in old_runs} == old_runs  # untouched raw records
    assert sum(v == s.run_id for v in runs.values()) == 1
    built = dict(query(wh, "select unit_year_key, document_id from fct_unit_year_summary"))
    assert {k: v for k, v in built.items() if k in old_built} == old_built
    assert "U0001-2024" in built
    # incremental marts: the rows of unchanged documents were not rebuilt (same physical rows)
    new_rowids = dict(query(wh, "select line_key, rowid from fct_expenditure_by_subject"))
    assert {k: new_rowids[k] for k in old_rowids} == old_rowids
    assert len(new_rowids) > len(old_rowids)
    assert query(
        wh,
        "select expenditure_yoy_change is not null from fct_unit_year_summary "
        "where unit_year_key = 'U0001-2024'",
    ) == [(True,)]


def test_corrupt_file_quarantined_with_chinese_reason_rest_loads(copy):
    inbox, wh, docs = copy
    (inbox / "broken.json").write_bytes(b"\x89PNG\r\n\x1a\n garbage {")
    (inbox / "not_a_disclosure.json").write_text('{"hello": "world"}', encoding="utf-8")
    new = synth.make_document(synth.unit_rows(3)[2]["canonical_name"], 2024, seed=7)
    write_doc(inbox / "U0003_2024.json", new)
    s = run(inbox, wh)
    assert s.status == "success"
    assert s.documents_quarantined == 2 and s.documents_loaded == 1
    reasons = dict(s.quarantined)
    assert "无法" in reasons["broken.json"] and "不是部门决算公开" in reasons["not_a_disclosure.json"]
    rows = query(
        wh,
        "select file_name, quarantine_code, quarantine_reason from dim_documents "
        "where document_status = 'quarantined' order by file_name",
    )
    assert [r[0] for r in rows] == ["broken.json", "not_a_disclosure.json"]
    assert all(r[2] and any("\u4e00" <= ch <= "\u9fff" for ch in r[2]) for r in rows)
    assert query(wh, "select count(*) from fct_unit_year_summary")[0][0] == len(docs) + 1
    # unchanged quarantined files are not re-read on the next refresh
    assert run(inbox, wh).status == "unchanged"


def test_republished_document_supersedes_and_both_stay_queryable(copy):
    inbox, wh, docs = copy
    old = docs[("U0003", 2023)]
    fixed = json.loads(json.dumps(old))
    fixed["document"]["publication_date"] = "2024-12-20"
    for x in fixed["lines"]:
        if (
            x["table"] == "03"
            and x["subject_code"]
            and len(x["subject_code"]) == 7
            and x["column"] == "basic"
        ):
            x["amount"] = round(x["amount"] + 1.0, 2)
            break
    write_doc(inbox / "2023" / "U0003_2023_更正.json", fixed)
    s = run(inbox, wh)
    assert s.documents_parsed == 1 and s.documents_superseding == 1
    versions = query(
        wh,
        """select version_no, is_current, superseded_by_document_id is not null, file_name
                            from dim_documents where unit_id = 'U0003' and fiscal_year = 2023 order by version_no""",
    )
    assert versions == [(1, False, True, "U0003_2023.json"), (2, True, False, "U0003_2023_更正.json")]
    got = query(
        wh, "select sum(basic) from fct_expenditure_by_subject where unit_id = 'U0003' and fiscal_year = 2023"
    )
    expected = sum(v[1] for v in leaf_truth(fixed, "03", ["total", "basic", "project"]).values())
    assert float(got[0][0]) == pytest.approx(expected)
    # the old version's records are still there, only not in the marts
    assert query(
        wh,
        """select count(distinct document_id) from raw_lines where document_id in
                        (select document_id from dim_documents where unit_id = 'U0003' and fiscal_year = 2023)""",
    ) == [(2,)]


def test_same_content_under_two_names_is_one_document(copy):
    inbox, wh, docs = copy
    shutil.copy(inbox / "U0004_2022.json", inbox / "U0004_2022 (copy).json")
    s = run(inbox, wh)
    assert s.files_new == 1 and s.files_duplicate == 1 and s.documents_parsed == 0
    rows = query(wh, "select n_files, is_current from dim_documents where file_name = 'U0004_2022.json'")
    assert rows == [(2, True)]
    assert query(wh, "select count(*) from dim_documents")[0][0] == len(docs)


def test_unknown_unit_is_added_for_review_never_merged(copy):
    inbox, wh, _ = copy
    # a name close to 示范区第1局 but not in the seed, and an alias that is in it
    write_doc(inbox / "odd.json", synth.make_document("示范区第1局机关服务中心", 2023, seed=5))
    write_doc(inbox / "alias.json", synth.make_document("第2办公室", 2024, seed=6))
    s = run(inbox, wh)
    assert s.units_flagged == 1
    flagged = query(
        wh,
        "select unit_id, canonical_name, suggested_unit_id, review_reason from dim_units where needs_review",
    )
    assert len(flagged) == 1
    uid, name, suggested, reason = flagged[0]
    assert uid.startswith("new-") and name == "示范区第1局机关服务中心" and suggested == "U0001"
    assert "单位名录" in reason
    assert query(wh, "select unit_id, unit_match_kind from dim_documents where file_name = 'alias.json'") == [
        ("U0002", "alias")
    ]
    # U0001's own 2023 figures are not touched by the unknown unit's document
    assert query(wh, "select count(*) from dim_documents where unit_id = 'U0001' and fiscal_year = 2023") == [
        (1,)
    ]


def test_lock_prevents_two_refreshes(copy):
    inbox, wh, _ = copy
    with RefreshLock(wh.parent / "warehouse.duckdb.lock"):
        with pytest.raises(WarehouseLocked) as exc:
            run(inbox, wh)
        assert "另一个刷新正在进行" in str(exc.value)
    assert run(inbox, wh).status == "unchanged"


def test_failed_build_keeps_previous_warehouse(copy, monkeypatch):
    inbox, wh, _ = copy
    before = wh.read_bytes()
    write_doc(inbox / "U0001_2024.json", synth.make_document("示范区第1局", 2024, seed=1))
    from warehouse import transform

    def boom(*a, **k):
        raise transform.DbtFailed(["fct_unit_year_summary（模拟失败）"])

    monkeypatch.setattr(transform, "build", boom)
    with pytest.raises(RefreshFailed) as exc:
        run(inbox, wh)
    assert exc.value.summary.status == "failed" and "模拟失败" in exc.value.summary.error
    assert wh.read_bytes() == before
    assert not (wh.parent / ".warehouse.duckdb.build").exists()
    journal = [json.loads(x) for x in (wh.parent / "warehouse.duckdb.runs.jsonl").read_text().splitlines()]
    assert journal[-1]["status"] == "failed"


def test_quality_hook_runs_when_present(copy, monkeypatch):
    inbox, wh, _ = copy
    calls = []
    fake = types.ModuleType("expectations.runner")
    fake.__spec__ = importlib.machinery.ModuleSpec("expectations.runner", None)

    def run_checks(con, run_id):
        calls.append(run_id)
        con.execute("create or replace table dq_probe as select count(*) as n from fct_unit_year_summary")
        return {"failed": 3}

    fake.run_checks = run_checks
    monkeypatch.setitem(sys.modules, "expectations.runner", fake)
    write_doc(inbox / "U0002_2024.json", synth.make_document("示范区第2办公室", 2024, seed=2))
    s = run(inbox, wh, checks=True)
    assert calls == [s.run_id] and s.dq_ran and s.findings == 3
    assert (
        query(wh, "select n from dq_probe")[0][0]
        == query(wh, "select count(*) from fct_unit_year_summary")[0][0]
    )
    runs = query(wh, "select run_id, status, findings from refresh_runs order by started_at")
    assert runs[-1] == (s.run_id, "success", 3)


def test_status_reports_runs_years_and_quarantine(copy):
    from warehouse.status import collect

    inbox, wh, _ = copy
    (inbox / "junk.json").write_text("not json", encoding="utf-8")
    run(inbox, wh)
    info = collect(wh)
    assert info["last_run"]["status"] == "success" and info["last_success"] is not None
    years = {r["fiscal_year"]: r for r in info["documents_by_year"]}
    assert {y: years[y]["current_documents"] for y in YEARS} == {y: N_UNITS for y in YEARS}
    assert years[2022]["expected"] == N_UNITS and years[2022]["missing"] == 0
    assert info["quarantine_total"] == 1 and info["quarantine"][0]["file_name"] == "junk.json"


def test_real_sample_transcription_loads(tmp_path):
    """The hand-transcribed 2023 sample resolves through an alias and its
    numbers come through: 支出 524.26 = 基本 498.93 + 项目 25.33."""
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    shutil.copy(FIXTURES / "jianghan_2023.json", inbox)
    shutil.copy(FIXTURES / "units.csv", inbox)
    wh = tmp_path / "warehouse.duckdb"
    run(inbox, wh)
    row = query(
        wh,
        """select unit_id, expenditure_total, basic_expenditure, project_expenditure,
                              personnel_expenditure, public_expenditure, sangong_actual
                       from fct_unit_year_summary""",
    )
    assert row == [
        (
            "JH-GYZX",
            Decimal("524.26"),
            Decimal("498.93"),
            Decimal("25.33"),
            Decimal("462.67"),
            Decimal("36.26"),
            Decimal("0.00"),
        )
    ]
    assert query(wh, "select sum(total) from fct_expenditure_by_subject where class_code = '208'") == [
        (Decimal("221.90"),)
    ]
    assert query(
        wh,
        "select budget_initial, actual_stated, execution_rate_stated from fct_budget_execution "
        "where subject_code = '2080505'",
    ) == [(Decimal("12.65"), Decimal("23.90"), 188.93)]
    assert query(wh, "select sum(actual) from fct_performance_projects") == [(Decimal("25.33"),)]


def test_schedule_job_refreshes_and_skips_when_locked(copy, monkeypatch):
    from warehouse.schedule import make_scheduler, refresh_job

    inbox, wh, _ = copy
    monkeypatch.setenv("JUESUAN_PARSER", PARSER)
    messages: list[str] = []
    job = refresh_job(inbox, wh, None, messages.append, checks=False)
    with RefreshLock(wh.parent / "warehouse.duckdb.lock"):
        job()
    write_doc(inbox / "U0004_2024.json", synth.make_document("示范区第4服务站", 2024, seed=4))
    job()
    assert messages[0].startswith("跳过：另一个刷新正在进行")
    assert messages[1].startswith("刷新完成") and "新文件 1" in messages[1]
    sched = make_scheduler("0 2 * * *", job, blocking=False)
    assert str(sched.get_job("refresh").trigger).startswith("cron[")
    with pytest.raises(ValueError, match="无效的 cron 表达式"):
        make_scheduler("every night", job)


def test_dbt_docs_generate_works_offline(base, tmp_path):
    from warehouse.transform import generate_docs

    root, _, _ = base
    html = generate_docs(root / "data" / "warehouse.duckdb", tmp_path / "docs")
    text = html.read_text(encoding="utf-8")
    assert "fct_unit_year_summary" in text and "dim_subjects" in text
    assert (tmp_path / "docs" / "catalog.json").exists()
