"""Residuals computed by dbt (dbt_project/models/rules) checked against values
worked out by hand, Great Expectations' per-rule suites deciding the failures,
and the offline Data Docs page."""

from __future__ import annotations

import re
from pathlib import Path

import duckdb
import pytest

from expectations import sql_checks
from expectations.engine import load_rules
from expectations.runner import run_checks

# (table, row, label, code, {column: amount}): one document, amounts in 万元.
HAND_DOCUMENT = [
    ("03", 1, "合计", None, {"total": 16.00, "basic": 10.00, "project": 5.00}),
    ("03", 2, "一般公共服务支出", "201", {"total": 15.00, "basic": 10.00, "project": 5.00}),
    ("03", 3, "人大事务", "20101", {"total": 15.01, "basic": 10.00, "project": 5.00}),
    ("06", 1, "工资福利支出", "301", {"amount": 100.00}),
    ("06", 2, "基本工资", "30101", {"amount": 60.00}),
    ("06", 3, "津贴补贴", "30102", {"amount": 39.98}),
    ("06", 4, "人员经费合计", None, {"amount": 100.02}),
    ("05", 1, "合计", None, {"total": 9.00, "basic": 1.00, "project": 1.00}),  # 05 unreadable (below)
]
# A second unit's document: 05 spends more on 201 than 03 (all funds), which X-08 forbids.
HAND_DOCUMENT_2 = [
    ("03", 1, "合计", None, {"total": 20.00, "basic": 20.00}),
    ("03", 2, "一般公共服务支出", "201", {"total": 20.00, "basic": 20.00}),
    ("05", 1, "合计", None, {"total": 21.00, "basic": 21.00}),
    ("05", 2, "一般公共服务支出", "201", {"total": 21.00, "basic": 21.00}),
]

# Worked out by hand from HAND_DOCUMENT: (rule, table, location, expected, actual, difference, tolerance).
# Tolerance (addends): 0.01 per non-zero addend, at least 0.01.
HAND_RESIDUALS = {
    # R-row, 03: 本年支出合计 = 基本支出 + 项目支出 (+ the parts the row does not print)
    ("R-row", "03", "合计.total", 15.00, 16.00, 1.00, 0.02),
    ("R-row", "03", "一般公共服务支出.total", 15.00, 15.00, 0.00, 0.02),
    ("R-row", "03", "人大事务.total", 15.00, 15.01, 0.01, 0.02),
    # R-tree, 03: 合计 = Σ 类 (201); 类 201 = Σ 款 (20101)
    ("R-tree", "03", "合计 合计.total", 15.00, 16.00, 1.00, 0.01),
    ("R-tree", "03", "合计 合计.basic", 10.00, 10.00, 0.00, 0.01),
    ("R-tree", "03", "合计 合计.project", 5.00, 5.00, 0.00, 0.01),
    ("R-tree", "03", "201 一般公共服务支出.total", 15.01, 15.00, -0.01, 0.01),
    ("R-tree", "03", "201 一般公共服务支出.basic", 10.00, 10.00, 0.00, 0.01),
    ("R-tree", "03", "201 一般公共服务支出.project", 5.00, 5.00, 0.00, 0.01),
    # R-econ, 06: 301 = 30101 + 30102
    ("R-econ", "06", "301 工资福利支出", 99.98, 100.00, 0.02, 0.02),
    # R-econ, 06 (equations): 人员经费合计 = 301 + 303 (not printed); 公用经费合计 (not printed) = 302 + … = 0
    ("R-econ", "06", "人员经费合计", 100.00, 100.02, 0.02, 0.01),
    ("R-econ", "06", "公用经费合计", 0.00, 0.00, 0.00, 0.01),
    # nothing of X-06 / X-08 (05 unreadable: insufficient_data), X-09 (09 not printed)
}
HAND_RESIDUALS_2 = {
    ("R-row", "03", "合计.total", 20.00, 20.00, 0.00, 0.01),
    ("R-row", "03", "一般公共服务支出.total", 20.00, 20.00, 0.00, 0.01),
    ("R-row", "05", "合计.total", 21.00, 21.00, 0.00, 0.01),
    ("R-row", "05", "一般公共服务支出.total", 21.00, 21.00, 0.00, 0.01),
    ("R-tree", "03", "合计 合计.total", 20.00, 20.00, 0.00, 0.01),
    ("R-tree", "03", "合计 合计.basic", 20.00, 20.00, 0.00, 0.01),
    ("R-tree", "05", "合计 合计.total", 21.00, 21.00, 0.00, 0.01),
    ("R-tree", "05", "合计 合计.basic", 21.00, 21.00, 0.00, 0.01),
    # X-08 (per_subject, 05 ≤ 03 per code; project: both zero, not checked): 21 against 20
    ("X-08", "05", "201 一般公共服务支出.total", 20.00, 21.00, 1.00, 0.01),
    ("X-08", "05", "201 一般公共服务支出.basic", 20.00, 21.00, 1.00, 0.01),
}


def _hand_warehouse(db: Path) -> None:
    """The hand documents' raw records written as the refresh writes them: one record
    file per document and a registry generation beside the warehouse file."""
    from warehouse import rawfiles, rawstore
    from warehouse.roster import sync as roster_sync
    from warehouse.roster.store import roster_dir

    with duckdb.connect(str(db)) as con:
        rawstore.ensure_schema(con)
    files = rawfiles.RawFiles(db)
    files.ensure()
    registry = files.open_registry()
    reg = registry.con
    for part, (doc_id, unit, tables, lines) in enumerate(
        (
            ("hand1", "手算单位", ["03", "05", "06"], HAND_DOCUMENT),
            ("hand2", "手算单位二", ["03", "05"], HAND_DOCUMENT_2),
        ),
        start=1,
    ):
        cells: dict[str, list] = {k: [] for k in ("table", "row_label", "subject_code", "column", "amount",
                                                   "page", "row")}  # fmt: skip
        for table, row, label, code, amounts in lines:
            for column, amount in amounts.items():
                for key, value in zip(cells, (table, label, code, column, amount, 1, row), strict=True):
                    cells[key].append(value)
        problems = ({"severity": ["error"], "table": ["05"], "code": ["table_empty"], "message": ["05 表未能读取"]}
                    if doc_id == "hand1" else {})  # fmt: skip
        name = files.record_name("r1", part)
        files.write_record(name, rawstore._records(doc_id, "r1", cells, {}, problems))
        reg.execute(
            """insert into raw_documents (document_id, source_path, file_name, format, unit_name, fiscal_year,
                   tables, status, loaded_run_id, loaded_at, first_seen_run_id, first_seen_at,
                   n_lines, n_facts, n_problems, records_file)
               values (?, ?, ?, 'text', ?, 2023, ?, 'loaded', 'r1', now(), 'r1', now(), ?, 0, ?, ?)""",
            [doc_id, f"inbox/{doc_id}.txt", f"{doc_id}.txt", unit, tables, len(cells["table"]),
             len(problems.get("code", [])), name],
        )  # fmt: skip
        reg.execute("insert into raw_files (path, document_id, present) values (?, ?, true)",
                    [f"inbox/{doc_id}.txt", doc_id])  # fmt: skip
    registry.stage("r1")
    # the roster's files, as the refresh writes them before dbt (from the registry)
    roster_sync.refresh_matches(reg, roster_dir(db), db.name)
    registry.close()


@pytest.fixture(scope="module")
def hand_warehouse(tmp_path_factory) -> Path:
    """The hand document built by dbt (seeds + models, as the refresh builds them).
    A failing build fails the tests that use it."""
    from warehouse import rawfiles, transform

    root = tmp_path_factory.mktemp("hand")
    db = root / "warehouse.duckdb"
    _hand_warehouse(db)
    transform.build(db, root / "target", root / "logs", full_refresh=True, raw_dir=rawfiles.relative_root(db))
    return db


def test_seed_matches_the_catalogue():
    """The dbt seeds are derived from rules.yml: regenerate them with
    `python -m expectations.sql_checks` after editing a check that reads table cells only."""
    assert sql_checks.SEED_PATH.read_text(encoding="utf-8") == sql_checks.seed_text()
    assert sql_checks.TERM_SEED_PATH.read_text(encoding="utf-8") == sql_checks.term_seed_text()
    shapes = {c["shape"] for r in load_rules() for c in r["checks"]}
    assert shapes >= sql_checks.SQL_SHAPES | sql_checks.TERM_SHAPES
    in_sql = {(r["id"], c["shape"]) for r in load_rules() for c in r["checks"] if sql_checks.is_sql_check(c)}
    assert ("Y-01", "equation") in in_sql and ("X-08", "per_subject") in in_sql
    assert ("N-01", "equation") not in in_sql  # a stated fact: the engine reads it with its sentence


def test_residuals_in_sql_equal_hand_computed_values(hand_warehouse):
    with duckdb.connect(str(hand_warehouse), read_only=True) as con:
        rows = con.execute(
            """select rule_id, table_id, check_location, round(expected, 2), round(actual, 2),
                      round(difference, 2), round(tolerance, 4), excess
               from rule_residuals where document_id = ?""",
            ["hand1"],
        ).fetchall()
        rows_2 = con.execute(
            """select rule_id, table_id, check_location, round(expected, 2), round(actual, 2),
                      round(difference, 2), round(tolerance, 4), excess
               from rule_residuals where document_id = ?""",
            ["hand2"],
        ).fetchall()
    got = {r[:7] for r in rows}
    assert got == HAND_RESIDUALS
    assert len(rows) == len(HAND_RESIDUALS)  # no check twice; nothing on the unreadable table 05
    excess = {r[2]: r[7] for r in rows}
    assert excess["合计.total"] == pytest.approx(1.00 - 0.02 - 1e-6)
    assert excess["301 工资福利支出"] <= 0  # 0.02 over two addends: rounding, not a failure
    assert excess["人员经费合计"] == pytest.approx(0.02 - 0.01 - 1e-6)  # one addend a side: a failure
    assert {r[:7] for r in rows_2} == HAND_RESIDUALS_2 and len(rows_2) == len(HAND_RESIDUALS_2)
    excess_2 = {r[2]: r[7] for r in rows_2}
    assert excess_2["201 一般公共服务支出.total"] == pytest.approx(1.00 - 0.01 - 1e-6)  # 05 > 03: `le` broken


def test_gx_suites_decide_the_failures_and_data_docs_list_every_rule(hand_warehouse, tmp_path):
    db = tmp_path / "warehouse.duckdb"
    db.write_bytes(hand_warehouse.read_bytes())
    docs = tmp_path / "dq_docs"
    res = run_checks(db, "run-gx", use_gx=True, docs_dir=docs, full=True)
    assert res["gx_route"] in ("worker", "here") and res["gx_rules"] >= 3
    with duckdb.connect(str(db), read_only=True) as con:
        outcome = dict(
            con.execute(
                "select rule_id || '|' || location, outcome from dq_findings where rule_id in "
                "('R-row', 'R-tree', 'R-econ') and table_id in ('03', '06') and document_id = 'hand1'"
            ).fetchall()
        )
        unreadable = con.execute(
            "select outcome from dq_findings where rule_id = 'R-row' and table_id = '05' and document_id = 'hand1'"
        ).fetchall()
        unit = con.execute(
            "select any_value(unit_id) from dq_findings where document_id = 'hand1'"
        ).fetchone()
        unit = unit[0]
        x08 = con.execute(
            "select outcome, count(*) from dq_findings where rule_id = 'X-08' group by 1 order by 1"
        ).fetchall()
    assert outcome["R-row|合计.total"] == "fail"
    assert outcome["R-row|人大事务.total"] == "rounding"
    assert outcome["R-row|一般公共服务支出.total"] == "pass"
    assert outcome["R-tree|合计 合计.total"] == "fail"
    assert outcome["R-tree|201 一般公共服务支出.total"] == "rounding"
    assert outcome["R-econ|301 工资福利支出"] == "rounding"
    assert unreadable == [("insufficient_data",)]
    assert x08 == [("fail", 2), ("insufficient_data", 3)]  # hand2's two codes; hand1's 05 is unreadable

    page = (docs / "index.html").read_text(encoding="utf-8")
    assert "http://" not in page and "https://" not in page and "<script" not in page  # nothing fetched
    sections = re.findall(r'<section id="rule-([^"]+)"', page)
    assert sections == [r["id"] for r in load_rules()]  # one section per rule, catalogue order
    r_row = page.split('<section id="rule-R-row"')[1].split("</section>")[0]
    assert "expect_identity_holds" in r_row and "2 项不通过" not in r_row and "1 项不通过" in r_row
    assert f"<td>{unit}</td><td>2023</td><td>03</td><td>合计</td>" in r_row
    assert "<td class=n>15.00</td><td class=n>16.00</td><td class=n>1.00</td>" in r_row


def test_prepared_gx_worker_validates_in_a_child(hand_warehouse, tmp_path):
    """refresh calls prepare() before dbt so that GX's import overlaps with it; the
    validation then runs in that child and gives the same findings."""
    from expectations import gx_client

    db = tmp_path / "warehouse.duckdb"
    db.write_bytes(hand_warehouse.read_bytes())
    gx_client.prepare()
    res = run_checks(db, "run-gx", use_gx=True, full=True)
    assert res["gx_route"] == "worker" and res["gx_changed"] == 0
    assert gx_client._WORKER is None
    with duckdb.connect(str(db), read_only=True) as con:
        fails = con.execute("select rule_id, location from dq_findings where outcome = 'fail' order by 1, 2")
        assert ("R-row", "合计.total") in fails.fetchall()


def test_gx_worker_answers_each_part_in_order():
    """run_checks hands dbt's residuals to the child before the engine runs and the
    engine's afterwards: each request gets its own answer, whichever is awaited first."""
    from expectations import gx_client

    gx_client.prepare()
    first = gx_client.submit({"R-row": [-0.01, 0.5, -0.2]})
    second = gx_client.submit({"R-row": [1.0, -1.0, 2.0], "R-tree": [0.0]})
    try:
        later = second()
        assert later["R-row"]["bad"] == [0, 2] and later["R-tree"]["bad"] == []
        assert first()["R-row"]["bad"] == [1]
        assert gx_client.route == "worker"
    finally:
        gx_client.discard()


def test_gx_answers_here_when_the_child_died():
    from expectations import gx_client

    gx_client.prepare()
    worker = gx_client._WORKER
    assert worker is not None
    worker.kill()
    worker.wait()
    try:
        answer = gx_client.submit({"R-row": [0.3, -0.3]})()
        assert answer["R-row"]["bad"] == [0] and gx_client.route == "here"
    finally:
        gx_client.discard()


def test_gx_expectation_carries_the_rule():
    from expectations import gx_suites

    rules = {r["id"]: r for r in load_rules()}
    e = gx_suites.expectation_for(rules["N-02"])
    assert type(e).__name__ == "ExpectStatedPercentMatches" and e.rule_id == "N-02"
    assert e.description.startswith("N-02：情况说明中的百分比") and e.severity.value == "warning"
    assert type(gx_suites.expectation_for(rules["C-01"])).__name__ == "ExpectNarrativeConsistent"
    result = gx_suites.validate([rules["R-row"]], {"R-row": [-0.01, 0.5, -0.2, 0.0]})["R-row"]
    assert result.bad == [1] and result.evaluated == 4 and not result.success
