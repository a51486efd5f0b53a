"""rule_residuals is incremental (models/rules/rule_scope.sql): each build
checks only the documents whose key moved — new, superseded, or whose unit's
previous year changed (Y-01 reads it) — and the result must equal checking
every document again."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import duckdb
from fixtures.warehouse import synth

from warehouse.refresh import refresh

PARSER = "warehouse.contract_json:parse_file"


def residuals(wh: Path) -> list[tuple]:
    with duckdb.connect(str(wh), read_only=True) as con:
        return con.execute("select * from rule_residuals order by all").fetchall()


def y01_rows(wh: Path, unit_id: str, year: int) -> int:
    with duckdb.connect(str(wh), read_only=True) as con:
        return con.execute(
            "select count(*) from rule_residuals where rule_id = 'Y-01' and unit_id = ? and fiscal_year = ?",
            [unit_id, year],
        ).fetchone()[0]


def checked(wh: Path) -> list[tuple]:
    """(unit, year) of the documents the last build checked."""
    with duckdb.connect(str(wh), read_only=True) as con:
        return con.execute(
            "select unit_id, fiscal_year from rule_scope where is_checked order by all"
        ).fetchall()


def test_incremental_residuals_equal_a_full_check(tmp_path):
    inbox = tmp_path / "inbox"
    synth.write_corpus(inbox, n_units=3, years=(2022, 2023))
    held = tmp_path / "held"
    held.mkdir()
    shutil.move(inbox / "U0001_2022.json", held / "U0001_2022.json")
    wh = tmp_path / "data" / "warehouse.duckdb"

    def run(**kw):
        s = refresh(inbox, wh, parser=PARSER, checks=False, **kw)
        assert s.status == "success", s.error
        return s

    run()
    assert len(checked(wh)) == 5 and y01_rows(wh, "U0001", 2023) == 0
    # the unit's previous year arrives: its 2023 document is checked again (Y-01 now runs)
    shutil.move(held / "U0001_2022.json", inbox / "U0001_2022.json")
    run()
    assert checked(wh) == [("U0001", 2022), ("U0001", 2023)] and y01_rows(wh, "U0001", 2023) > 0
    # a correction supersedes U0002 2023; this build is in the standby, one refresh
    # behind, so it checks the previous run's two documents as well
    fixed = json.loads((inbox / "U0002_2023.json").read_text(encoding="utf-8"))
    fixed["document"]["publication_date"] = "2024-12-20"
    cell = next(x for x in fixed["lines"] if x["table"] == "01" and x["amount"])
    cell["amount"] = round(cell["amount"] + 7.0, 2)
    (inbox / "U0002_2023_更正.json").write_text(json.dumps(fixed, ensure_ascii=False), encoding="utf-8")
    run()
    assert checked(wh) == [("U0001", 2022), ("U0001", 2023), ("U0002", 2023)]
    incremental = residuals(wh)
    run(rebuild=True)
    assert len(checked(wh)) == 6
    assert incremental == residuals(wh) and len(incremental) > 0
