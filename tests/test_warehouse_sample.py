"""End to end: the sample district (samplegen) read by the reader and refreshed
into the warehouse gives marts whose amounts equal the manifest's truth for
every unit, year, table and subject; corrections supersede, duplicates are one
document, unreadable files are quarantined."""

from __future__ import annotations

from collections import defaultdict

import duckdb
import pytest

import samplegen.generate as generate_mod
from warehouse.refresh import refresh

SUBJECT_TABLES = {
    "02": ("fct_income_by_subject", ["total", "fiscal", "superior_subsidy", "business", "operating",
                                     "affiliated_remittance", "other"]),
    "03": ("fct_expenditure_by_subject", ["total", "basic", "project", "remit_superior", "operating",
                                          "affiliated_subsidy"]),
    "05": ("fct_general_budget_expenditure", ["total", "basic", "project"]),
    "07": ("fct_government_fund", ["opening", "income", "total", "basic", "project", "closing"]),
    "08": ("fct_state_capital", ["total", "basic", "project"]),
}  # fmt: skip


def class_sums(cells: list[dict], table: str) -> dict[tuple[str, str], float]:
    """(类 code, column) -> Σ of the leaf-most printed rows of that 类."""
    codes = {c["subject_code"] for c in cells if c["table"] == table and c["subject_code"]}
    out: dict[tuple[str, str], float] = defaultdict(float)
    for c in cells:
        code = c["subject_code"]
        if c["table"] != table or not code or any(o != code and o.startswith(code) for o in codes):
            continue
        out[(code[:3], c["column"])] += c["amount"]
    return {k: round(v, 2) for k, v in out.items() if round(v, 2)}


@pytest.fixture(scope="module")
def district(tmp_path_factory):
    root = tmp_path_factory.mktemp("district")
    manifest = generate_mod.generate(
        root / "inbox", units=8, years="2022-2023", formats="text", faults=0.4, seed=5
    )
    wh = root / "warehouse.duckdb"
    summary = refresh(root / "inbox", wh, checks=False)
    return manifest, wh, summary


def test_registry_follows_the_manifest(district):
    manifest, wh, _ = district
    with duckdb.connect(str(wh), read_only=True) as con:
        docs = {r[0]: r[1:] for r in con.execute(
            "select document_id, unit_id, fiscal_year, is_current, document_status, n_files, quarantine_reason "
            "from dim_documents"
        ).fetchall()}  # fmt: skip
    problems = []
    for d in manifest["documents"]:
        got = docs.get(d["sha256"])
        if got is None:
            problems.append(f"{d['file']}: not in the registry")
            continue
        unit, year, current, status, n_files, reason = got
        if d["kind"] == "unreadable":
            if status != "quarantined":
                problems.append(f"{d['file']}: unreadable but {status}")
            continue
        if status != "loaded":
            problems.append(f"{d['file']}: quarantined ({reason})")
            continue
        if (unit, year) != (d["unit_id"], d["fiscal_year"]):
            problems.append(
                f"{d['file']}: resolved to {unit}/{year}, manifest {d['unit_id']}/{d['fiscal_year']}"
            )
        superseded = any(x.get("supersedes") == d["file"] for x in manifest["documents"])
        if current == superseded:
            problems.append(f"{d['file']}: is_current={current}")
        if d["kind"] == "duplicate" and n_files != 2:
            problems.append(f"{d['file']}: duplicate but n_files={n_files}")
    assert not problems, "\n".join(problems)


def test_marts_equal_manifest_truth(district):
    manifest, wh, _ = district
    current = {}
    for d in manifest["documents"]:
        if d["kind"] in ("original", "correction"):
            key = (d["unit_id"], d["fiscal_year"])
            if key not in current or d["kind"] == "correction":
                current[key] = d
    mismatches = []
    with duckdb.connect(str(wh), read_only=True) as con:
        for table, (model, columns) in SUBJECT_TABLES.items():
            got: dict = defaultdict(float)
            for u, y, cls, *vals in con.execute(
                f"select unit_id, fiscal_year, class_code, {', '.join(f'sum({c})' for c in columns)} "
                f"from {model} group by all"
            ).fetchall():
                for col, v in zip(columns, vals, strict=True):
                    if v:
                        got[(u, y, cls, col)] = float(v)
            expected = {}
            for (u, y), d in current.items():
                for (cls, col), v in class_sums(d["cells"], table).items():
                    if col in columns:
                        expected[(u, y, cls, col)] = v
            for k in sorted(set(got) | set(expected)):
                if abs(got.get(k, 0.0) - expected.get(k, 0.0)) > 0.005:
                    mismatches.append(f"{table} {k}: marts {got.get(k)} manifest {expected.get(k)}")
        summary = {(r[0], r[1]): r[2:] for r in con.execute(
            "select unit_id, fiscal_year, expenditure_total, sangong_actual from fct_unit_year_summary"
        ).fetchall()}  # fmt: skip
    for (u, y), d in current.items():
        total = next((c["amount"] for c in d["cells"] if c["table"] == "01" and c["side"] == "expenditure"
                      and c["row_label"] == "本年支出合计"), None)  # fmt: skip
        if (u, y) not in summary:
            mismatches.append(f"summary {u}/{y}: missing")
        elif total is not None and abs(float(summary[(u, y)][0]) - total) > 0.005:
            mismatches.append(f"summary {u}/{y}: 本年支出合计 {summary[(u, y)][0]} manifest {total}")
    assert not mismatches, f"{len(mismatches)} differences:\n" + "\n".join(mismatches[:40])


def test_marts_equal_the_parsed_records(district):
    """The warehouse's own part: whatever the reader returned for the current
    documents, the marts add it up by the leaf rule (independent of reader quality)."""
    _, wh, _ = district
    with duckdb.connect(str(wh), read_only=True) as con:
        rows = con.execute(
            """select d.unit_id, d.fiscal_year, l."table", l.subject_code, l."column", l.amount
               from raw_lines l join dim_documents d using (document_id) where d.is_current"""
        ).fetchall()
        by_doc: dict = defaultdict(list)
        for u, y, t, code, col, amount in rows:
            by_doc[(u, y)].append({"table": t, "subject_code": code, "column": col, "amount": amount})
        for table, (model, columns) in SUBJECT_TABLES.items():
            got = {(u, y, cls, col): float(v) for u, y, cls, col, v in con.execute(
                f"unpivot (select unit_id, fiscal_year, class_code, {', '.join(f'sum({c}) as {c}' for c in columns)} "
                f"from {model} group by all) on {', '.join(columns)} into name col value v"
            ).fetchall() if v}  # fmt: skip
            expected = {
                (u, y, cls, col): v
                for (u, y), cells in by_doc.items()
                for (cls, col), v in class_sums(cells, table).items()
                if col in columns
            }
            assert got == pytest.approx(expected), table
