"""Data-quality rules (expectations/): catalogue, outcomes, storage, acks, speed."""

from __future__ import annotations

import json
import re
import time
from pathlib import Path

import duckdb
import pytest

from expectations import narrative_shapes
from expectations.engine import SHAPES, Doc, evaluate, load_rules, rule_outcome
from expectations.runner import ACKS_FILE, run_checks
from expectations.scoring import read_findings, score, scored_entries
from warehouse.slots import copy_warehouse

ROOT = Path(__file__).resolve().parents[1]
SHARED = (ROOT / ".." / "shared").resolve()
DISCLOSURES = SHARED / "domain" / "DISCLOSURES.md"
TEXT_SAMPLE = SHARED / "samples" / "real" / "000_d00643376496db49.txt"


def _need(path: Path) -> Path:
    if not path.exists():
        pytest.skip(f"{path} is absent (plain clone without ../shared): cannot check against the real sample")
    return path


def _outcomes(rows):
    by: dict[tuple[str, str], list[str]] = {}
    for r in rows:
        by.setdefault((r["document_id"], r["rule_id"]), []).append(r["outcome"])
    return {k: rule_outcome(v) for k, v in by.items()}


def _line(t, label, col, amount, code=None, side=None, row=1):
    return {"table": t, "side": side, "row_label": label, "subject_code": code, "column": col,
            "amount": amount, "page": 1, "row": row}  # fmt: skip


def _small_doc(doc_id="d1", unit="u1", year=2023, **kw) -> Doc:
    """Tables 02 and 03 of a tiny unit: one 类 with one 款 and one 项."""
    lines = []
    for t, cols in (("02", ("total", "fiscal")), ("03", ("total", "basic"))):
        for row, (label, code) in enumerate((("合计", None), ("教育支出", "205"), ("普通教育", "20502"),
                                             ("小学教育", "2050202")), start=1):  # fmt: skip
            for c in cols:
                lines.append(_line(t, label, c, 10.0, code, row=row))
    lines += kw.pop("extra", [])
    return Doc.build(doc_id, unit, year, kw.pop("tables", ["02", "03"]), kw.pop("unreadable", []), lines,
                     kw.pop("facts", []))  # fmt: skip


# --- catalogue ---------------------------------------------------------------------------------


def test_catalogue_is_complete_and_well_formed():
    rules = load_rules()
    ids = [r["id"] for r in rules]
    assert len(ids) == len(set(ids))
    for r in rules:
        assert re.search(r"[\u4e00-\u9fff]", r["description"]), r["id"]
        assert r["severity"] in ("error", "warning")
        assert r["tolerance"] in ("addends", "exact", "percent")
        assert all(re.fullmatch(r"0[1-9]", t) for t in r["tables"])
        # a rule reads tables, or only what the narrative says (comparisons, years, structure, text)
        assert r["tables"] or all(c["shape"] in narrative_shapes.SHAPES for c in r["checks"]), r["id"]
        assert r["checks"] and all(c["shape"] in SHAPES for c in r["checks"])
    if DISCLOSURES.exists():
        documented = set(
            re.findall(r"\b([RXNY]-(?:\d\d|row|tree|econ))\b", DISCLOSURES.read_text(encoding="utf-8"))
        )
        assert documented <= set(ids), sorted(documented - set(ids))


def test_new_rule_of_existing_shape_needs_no_python():
    rule = {"id": "Z-99", "description": "测试：02 合计财政拨款=03 合计基本支出", "tables": ["02", "03"],
            "severity": "warning", "tolerance": "addends",
            "checks": [{"shape": "equation", "where": "t", "lhs": [{"t": "02", "row": "total", "col": "fiscal"}],
                        "rhs": [{"t": "03", "row": "total", "col": "basic"}]}]}  # fmt: skip
    rows = evaluate([_small_doc()], [rule])
    assert [r["outcome"] for r in rows] == ["pass"]


# --- outcomes ----------------------------------------------------------------------------------


def test_clean_small_document_passes_tree_and_cross_table():
    out = _outcomes(evaluate([_small_doc()]))
    assert out[("d1", "R-tree")] == "pass"
    assert out[("d1", "R-row")] == "pass"
    assert out[("d1", "X-08")] == "not_applicable"  # table 05 not printed
    assert out[("d1", "R-01")] == "not_applicable"  # table 01 not printed


def test_rounding_is_info_and_larger_difference_fails():
    doc = _small_doc()
    total = next(r for r in doc.rows[("02", None)] if r.code is None)
    total.vals["total"] = 10.01  # one addend (205): 0.01 is rounding
    rows = [
        r
        for r in evaluate([doc])
        if r["rule_id"] == "R-tree" and r["table_id"] == "02" and r["outcome"] != "pass"
    ]
    assert [r["outcome"] for r in rows] == ["rounding"]
    total.vals["total"] = 10.05
    rows = [
        r
        for r in evaluate([doc])
        if r["rule_id"] == "R-tree" and r["table_id"] == "02" and r["outcome"] != "pass"
    ]
    assert [r["outcome"] for r in rows] == ["fail"]
    assert (
        rows[0]["expected"] == 10.0
        and rows[0]["actual"] == pytest.approx(10.05)
        and rows[0]["row_label"] == "合计"
    )


def test_unreadable_table_is_insufficient_data_never_pass():
    doc = _small_doc(unreadable=["03"])
    out = _outcomes(evaluate([doc]))
    assert out[("d1", "X-08")] == "insufficient_data"
    assert out[("d1", "R-tree")] == "insufficient_data"


def test_cross_year_rule_compares_with_previous_year():
    def doc(doc_id, year, opening, closing):
        lines = [_line("01", "年初结转和结余", "amount", opening, side="income", row=1),
                 _line("01", "年末结转和结余", "amount", closing, side="expenditure", row=2)]  # fmt: skip
        return Doc.build(doc_id, "u1", year, ["01"], [], lines, [])

    ok = _outcomes(evaluate([doc("a", 2022, 0, 5.0), doc("b", 2023, 5.0, 7.0)]))
    assert ok[("b", "Y-01")] == "pass" and ok[("a", "Y-01")] == "not_applicable"
    bad = _outcomes(evaluate([doc("a", 2022, 0, 5.0), doc("b", 2023, 6.0, 7.0)]))
    assert bad[("b", "Y-01")] == "fail"


# --- the real 2023 sample ----------------------------------------------------------------------


@pytest.fixture(scope="module")
def real_result():
    from ingest.parse import parse_file

    return parse_file(str(_need(TEXT_SAMPLE)))


def test_real_sample_only_n08_fails(real_result):
    from expectations.engine import doc_from_parse

    rows = evaluate([doc_from_parse(real_result)])
    out = {rule: o for (_, rule), o in _outcomes(rows).items()}
    assert out.pop("N-08") == "fail"
    n08 = [r for r in rows if r["rule_id"] == "N-08" and r["location"] == "项目支出"]
    assert (
        len(n08) == 1
        and n08[0]["actual"] == pytest.approx(25.32)
        and n08[0]["expected"] == pytest.approx(25.33)
    )
    assert n08[0]["difference"] == pytest.approx(-0.01)
    assert all(o in ("pass", "rounding", "not_applicable") for o in out.values()), out
    # what cannot apply to a single 2023 document without 07 rows or last year's file
    assert {r for r, o in out.items() if o == "not_applicable"} <= {"R-07", "N-07", "Y-01", "Y-02"}
    for rid in ("R-row", "R-tree", "R-econ", "R-01", "R-04", "X-01", "X-02", "X-03", "X-04", "X-05", "X-06",
                "N-01", "N-03", "N-06"):  # fmt: skip
        assert out[rid] in ("pass", "rounding"), rid


# --- warehouse storage, GX and acks ------------------------------------------------------------


def _raw_warehouse(path: Path, results: list) -> None:
    con = duckdb.connect(str(path))
    con.execute("""create table raw_documents (document_id varchar, unit_name varchar, fiscal_year integer,
                   tables varchar[], status varchar)""")
    con.execute("""create table raw_lines (document_id varchar, "table" varchar, side varchar, row_label varchar,
                   subject_code varchar, "column" varchar, amount double, page integer, "row" integer)""")
    con.execute("""create table raw_facts (document_id varchar, fact_no integer, kind varchar, subject_code varchar,
                   label varchar, value double, page integer, "text" varchar)""")
    con.execute('create table raw_problems (document_id varchar, "table" varchar, code varchar)')
    for res in results:
        d = res.to_dict()
        m = d["document"]
        con.execute("insert into raw_documents values (?, ?, ?, ?, 'loaded')",
                    [m["sha256"], m["unit_name"], m["fiscal_year"], m["tables"]])  # fmt: skip
        for ln in d["lines"]:
            con.execute("insert into raw_lines values (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                        [m["sha256"], ln["table"], ln["side"], ln["row_label"], ln["subject_code"], ln["column"],
                         ln["amount"], ln["page"], ln["row"]])  # fmt: skip
        for i, f in enumerate(d["facts"]):
            con.execute("insert into raw_facts values (?, ?, ?, ?, ?, ?, ?, ?)",
                        [m["sha256"], i, f["kind"], f["subject_code"], f["label"], f["value"], f["page"],
                         f["text"]])  # fmt: skip
    con.close()


def test_run_checks_stores_findings_summary_and_acks(tmp_path, real_result):
    db = tmp_path / "warehouse.duckdb"
    _raw_warehouse(db, [real_result])
    res = run_checks(db, "run-1", use_gx=False)
    assert res["documents"] == 1 and res["failed"] == 2  # N-08: 项目支出 and 绩效自评资金
    con = duckdb.connect(str(db), read_only=True)
    fail = con.execute("""select finding_id, document_id, rule_id, table_id, location, page_no, run_id
                          from dq_findings where outcome = 'fail'""").fetchall()  # fmt: skip
    summary = con.execute("select rules_run, passed, rounding, failed, not_run from dq_summary").fetchall()
    con.close()
    assert {(r[2], r[6]) for r in fail} == {("N-08", "run-1")}
    fail = [r for r in fail if r[4] == "项目支出"]
    assert [r[3] for r in fail] == ["05"]
    rules_run, passed, rounding, failed, not_run = summary[0]
    assert (
        failed == 1 and rules_run == passed + rounding + failed and rules_run + not_run == len(load_rules())
    )

    # an acknowledgement (as `juesuan ack` writes it) survives the next run while the document is unchanged
    (tmp_path / ACKS_FILE).write_text(
        json.dumps({"finding_id": fail[0][0], "document_id": fail[0][1], "rule_id": "N-08", "table_id": "03",
                    "location": fail[0][4], "note": "已核对", "acked_by": "测试", "acked_at": "2026-01-01T00:00:00"},
                   ensure_ascii=False) + "\n", encoding="utf-8")  # fmt: skip
    run_checks(db, "run-2", use_gx=False)
    con = duckdb.connect(str(db), read_only=True)
    acked = con.execute(
        "select location, acknowledged, ack_note, acked_by from dq_findings where outcome = 'fail' order by location"
    ).fetchall()
    unacked = con.execute("select unacknowledged_failures from dq_summary").fetchall()
    con.close()
    assert acked == [("绩效自评资金", False, None, None), ("项目支出", True, "已核对", "测试")]
    assert unacked == [(1,)]


def test_ack_command_records_who_when_why(tmp_path, real_result):
    import typer
    from typer.testing import CliRunner

    from expectations.commands import ack

    db = tmp_path / "warehouse.duckdb"
    _raw_warehouse(db, [real_result])
    run_checks(db, "run-1", use_gx=False)
    con = duckdb.connect(str(db), read_only=True)
    fid = con.execute("select finding_id from dq_findings where outcome = 'fail'").fetchall()[0][0]
    con.close()
    app = typer.Typer()
    app.command()(ack)
    res = CliRunner().invoke(app, [fid, "--note", "自评表尾数", "--by", "张三", "--warehouse", str(db)])
    assert res.exit_code == 0, res.output
    rec = json.loads((tmp_path / ACKS_FILE).read_text(encoding="utf-8").splitlines()[-1])
    assert (
        rec["finding_id"] == fid
        and rec["acked_by"] == "张三"
        and rec["note"] == "自评表尾数"
        and rec["acked_at"]
    )
    res = CliRunner().invoke(app, ["nosuchfinding", "--note", "x", "--warehouse", str(db)])
    assert res.exit_code == 1


# --- speed -------------------------------------------------------------------------------------


def test_all_rules_on_1000_documents_under_10_seconds(real_result):
    from expectations.engine import doc_from_parse

    base = real_result.to_dict()
    docs = []
    for i in range(1000):  # doc_from_parse does not mutate: share lines and facts
        meta = {
            **base["document"],
            "sha256": f"doc{i}",
            "unit_name": f"unit{i % 250}",
            "fiscal_year": 2020 + i // 250,
        }
        docs.append(doc_from_parse({**base, "document": meta}))
    t0 = time.perf_counter()
    rows = evaluate(docs)
    elapsed = time.perf_counter() - t0
    # target (issue 5): <= 10 s; the bound here leaves room for a loaded 2-core CI machine
    assert elapsed < 30, elapsed
    assert sum(r["outcome"] == "fail" for r in rows) >= 1000  # N-08 in every copy


# --- recall / precision on a faulted sample corpus, through the reader and the warehouse ------


@pytest.fixture(scope="module")
def faulted_warehouse(tmp_path_factory):
    """A small faulted district (text and PDF) refreshed into a warehouse with the checks on,
    exactly as `juesuan refresh` does it: samplegen -> reader -> raw tables -> dbt -> rules."""
    from samplegen import generate as generate_mod
    from warehouse.refresh import refresh

    root = tmp_path_factory.mktemp("faulted")
    manifest = generate_mod.generate(
        root / "inbox", units=16, years="2022-2023", formats="text,pdf", faults=0.5, seed=11
    )
    wh = root / "warehouse.duckdb"
    summary = refresh(root / "inbox", wh)
    assert summary.dq_ran and summary.status == "success", (summary.status, summary.error)
    with duckdb.connect(str(wh), read_only=True) as con:
        findings, current = read_findings(con)
    return manifest, findings, current, root


@pytest.mark.parametrize("fmt", ["text", "pdf"])
def test_faulted_corpus_recall_and_precision(faulted_warehouse, fmt):
    """Through the real path (reader, warehouse, dbt, rules, GX): every injected fault is
    found as a fail by the rule the manifest names on that document (recall 100%), a
    document without faults gets no fail (precision 100%; a cross-year rule may fail on a
    clean document when last year's document carries the fault), recorded rounding
    differences come out as rounding (or pass), never fail -- except samplegen's 0.01 in
    N-08, which the domain rules call a fail (``expectations/scoring.py``: EXACT_RULES)."""
    manifest, findings, current, _ = faulted_warehouse
    s = score(manifest, findings, current, fmt)
    assert s.faulted_documents >= 3 and s.clean_documents >= 3, s
    assert not s.problems, f"{len(s.problems)} problems:\n" + "\n".join(s.problems)
    assert s.recall == 1.0 and s.precision == 1.0


def test_incremental_checks_equal_a_full_check(faulted_warehouse, tmp_path):
    """A refresh that changes one document re-checks it and next year's document of the
    same unit (its Y-*/N-07 checks read it), carries every other finding over, and ends
    with exactly the findings a full check gives."""
    import shutil

    from warehouse.refresh import refresh

    manifest, _, current, root = faulted_warehouse
    inbox, wh = tmp_path / "inbox", tmp_path / "warehouse.duckdb"
    shutil.copytree(root / "inbox", inbox)
    copy_warehouse(root / "warehouse.duckdb", wh)
    years = {(e["unit_id"], e["fiscal_year"]) for e in scored_entries(manifest, current)}
    entry = next(
        e
        for e in scored_entries(manifest, current)
        if e["format"] == "text" and e["fiscal_year"] == 2022 and (e["unit_id"], 2023) in years
    )
    path = inbox / entry["file"]
    path.write_bytes(path.read_bytes() + b"\n")  # same unit-year, new bytes: a new current version
    summary = refresh(inbox, wh)
    assert summary.status == "success" and summary.documents_loaded == 1, summary.error
    with duckdb.connect(str(wh), read_only=True) as con:
        checked = con.execute(
            "select distinct unit_id, fiscal_year from dq_findings where run_id = ?", [summary.run_id]
        ).fetchall()
        cols = "document_id, finding_id, rule_id, outcome, expected, actual, table_id, location"
        incremental = sorted(con.execute(f"select {cols} from dq_findings").fetchall(), key=str)
    assert sorted(checked) == [(entry["unit_id"], 2022), (entry["unit_id"], 2023)]
    full_db = tmp_path / "full.duckdb"
    shutil.copyfile(wh, full_db)
    res = run_checks(full_db, "full", use_gx=False, full=True)
    assert res["mode"] == "full"
    with duckdb.connect(str(full_db), read_only=True) as con:
        assert sorted(con.execute(f"select {cols} from dq_findings").fetchall(), key=str) == incremental


def test_finding_id_python_and_sql_agree(tmp_path, real_result):
    from expectations.engine import finding_id

    db = tmp_path / "warehouse.duckdb"
    _raw_warehouse(db, [real_result])
    run_checks(db, "run-1", use_gx=False)
    con = duckdb.connect(str(db), read_only=True)
    rows = con.execute(
        "select finding_id, document_id, rule_id, table_id, location from dq_findings"
    ).fetchall()
    con.close()
    assert len({r[0] for r in rows}) == len(rows)  # one id per check
    assert all(finding_id(*r[1:]) == r[0] for r in rows)


def test_sql_residuals_equal_the_engine_on_the_faulted_corpus(faulted_warehouse):
    """dbt's residuals (rule_residuals: row_sum, tree, econ_tree, per_subject and the
    equations over table cells) are the checks the engine's own shape functions
    compute on the same documents: same checks, same expected and actual amounts,
    tolerances, rows and pages (the raw-tables fallback computes them in Python)."""
    from collections import Counter

    from expectations.sql_checks import is_sql_check
    from expectations.store import load_docs

    *_, root = faulted_warehouse
    with duckdb.connect(str(root / "warehouse.duckdb"), read_only=True) as con:
        sql = con.execute(
            """select document_id, rule_id, table_id, check_location, round(expected, 6), round(actual, 6),
                      round(tolerance, 9), row_label, page_no from rule_residuals"""
        ).fetchall()
        docs = load_docs(con)
    rules = [
        {**r, "checks": [c for c in r["checks"] if is_sql_check(c)]}
        for r in load_rules()
        if any(is_sql_check(c) for c in r["checks"])
    ]
    engine = [
        (r["document_id"], r["rule_id"], r["table_id"], r["location"], round(r["expected"], 6),
         round(r["actual"], 6), round(r["tolerance"], 9), r["row_label"], r["page_no"])
        for r in evaluate(docs, rules)
        if r["outcome"] in ("pass", "rounding", "fail")
    ]  # fmt: skip
    assert len(sql) > 1000
    assert Counter(sql) == Counter(engine)


def test_refresh_docs_when_nothing_changed(faulted_warehouse, tmp_path):
    """`refresh --docs` builds the docs even when no file changed: dbt's docs and the
    Data Docs page (every rule) from the published warehouse."""
    import shutil

    from warehouse.refresh import refresh

    *_, root = faulted_warehouse
    inbox, wh = tmp_path / "inbox", tmp_path / "warehouse.duckdb"
    shutil.copytree(root / "inbox", inbox)
    copy_warehouse(root / "warehouse.duckdb", wh)
    summary = refresh(inbox, wh, docs=tmp_path / "docs")
    assert summary.status == "unchanged", summary.error
    page = (tmp_path / "docs" / "dq" / "index.html").read_text(encoding="utf-8")
    assert re.findall(r'<section id="rule-([^"]+)"', page) == [r["id"] for r in load_rules()]
    assert (tmp_path / "docs" / "index.html").exists()
    assert any(n.startswith("数据质量报告：") for n in summary.notes), summary.notes
