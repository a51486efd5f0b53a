"""Two alternating warehouse files and raw records outside them (warehouse/slots.py,
warehouse/rawfiles.py): the refresh builds in the file readers do not use, a
reader holding that file makes it fall back to a copy (said in the summary),
and --rebuild builds the marts from the raw files without parsing again."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest
from fixtures.warehouse import synth

from warehouse.refresh import refresh

PARSER = "warehouse.contract_json:parse_file"


def answers(wh: Path) -> list[tuple]:
    with duckdb.connect(str(wh), read_only=True) as con:
        return con.execute(
            "select unit_year_key, expenditure_total, income_total from fct_unit_year_summary order by 1"
        ).fetchall()


def add(inbox: Path, tag: int) -> None:
    doc = synth.make_document(synth.unit_rows(3)[tag % 3]["canonical_name"], 2030 + tag, seed=tag)
    (inbox / f"add_{tag}.json").write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")


@pytest.fixture(scope="module")
def district(tmp_path_factory):
    root = tmp_path_factory.mktemp("wh-slots")
    inbox = root / "inbox"
    synth.write_corpus(inbox, n_units=3, years=(2022,))
    wh = root / "data" / "warehouse.duckdb"
    runs = [refresh(inbox, wh, parser=PARSER, checks=False)]
    targets = [os.readlink(wh)]
    for tag in (1, 2):
        add(inbox, tag)
        runs.append(refresh(inbox, wh, parser=PARSER, checks=False))
        targets.append(os.readlink(wh))
    return inbox, wh, runs, targets


def test_published_link_alternates_and_only_the_first_standby_is_a_copy(district):
    _, wh, runs, targets = district
    assert wh.is_symlink()
    slots = ".warehouse.duckdb.slots"
    assert targets == [f"{slots}/{c}/warehouse.duckdb" for c in ("blue", "green", "blue")]
    assert [r.status for r in runs] == ["success"] * 3
    # first: a new file; second: no standby yet, one copy; third: the standby, one refresh behind
    assert [r.timings.get("standby_copied") for r in runs] == [0.0, 1.0, 0.0]
    assert not (wh.parent / slots / "copy" / "warehouse.duckdb").exists()
    assert len(answers(wh)) == 3 + 2  # 3 units x 2022, plus the two added unit-years


def test_the_standby_caught_up_and_python_tables_are_rewritten(district):
    """The file built one refresh behind has what a fresh build has: every document,
    every run in the run log (the killed-run rows rewritten from the journal)."""
    _, wh, runs, _ = district
    with duckdb.connect(str(wh), read_only=True) as con:
        run_ids = [
            r[0] for r in con.execute("select run_id from refresh_runs order by started_at").fetchall()
        ]
        landed = con.execute("select count(distinct document_id) from raw_lines").fetchone()[0]
        docs = con.execute("select count(*) from dim_documents").fetchone()[0]
        meta = dict(con.execute("select key, value from warehouse_meta").fetchall())
    assert run_ids == [r.run_id for r in runs]
    assert landed == docs == 5
    assert meta["last_run_id"] == runs[-1].run_id


def test_raw_records_are_files_outside_the_warehouse(district):
    _, wh, runs, _ = district
    raw = wh.parent / "raw" / "warehouse"
    records = sorted(f"records/{p.name}" for p in (raw / "records").iterdir())
    # one file per run that read documents (3 + 1 + 1 versions), each named by the registry
    assert records == sorted(f"records/{r.run_id}-00001.parquet" for r in runs)
    assert (raw / "registry" / "current").resolve().name == runs[-1].run_id
    with duckdb.connect() as con:
        kinds = dict(con.execute(
            f"select record, count(*) from read_parquet('{raw}/records/*.parquet') group by 1"
        ).fetchall())  # fmt: skip
        named = con.execute(
            "select count(distinct records_file), count(*) "
            f"from read_parquet('{raw}/registry/current/raw_documents.parquet')"
        ).fetchone()
        versions = con.execute(
            f"select count(distinct (document_id, loaded_run_id)) from read_parquet('{raw}/records/*.parquet')"
        ).fetchone()[0]
    assert named == (3, 5) and versions == 5
    with duckdb.connect(str(wh), read_only=True) as con:
        lines = con.execute("select count(*) from raw_lines").fetchone()[0]
        tables = dict(con.execute(
            "select table_name, table_type from information_schema.tables where table_name like 'raw\\_%' escape '\\'"
        ).fetchall())  # fmt: skip
    assert kinds["line"] == lines > 0
    assert "raw_records" not in tables
    assert {tables[t] for t in ("raw_lines", "raw_facts", "raw_problems")} == {"BASE TABLE"}


def test_a_reader_on_the_standby_makes_the_refresh_copy_and_say_so(district, monkeypatch):
    inbox, wh, _, _ = district
    standby = wh.parent / ".warehouse.duckdb.slots" / "green" / "warehouse.duckdb"
    before = answers(wh)
    reader = subprocess.Popen(
        [sys.executable, "-c", "import duckdb, sys, time; c = duckdb.connect(sys.argv[1], read_only=True); "
         "print(c.execute('select count(*) from fct_unit_year_summary').fetchone()[0], flush=True); time.sleep(120)",
         str(standby)],
        stdout=subprocess.PIPE, text=True,
    )  # fmt: skip
    try:
        held = int(reader.stdout.readline())
        monkeypatch.setenv("JUESUAN_STANDBY_WAIT", "0.5")
        add(inbox, 3)
        s = refresh(inbox, wh, parser=PARSER, checks=False)
    finally:
        reader.kill()
        reader.wait()
    assert s.status == "success" and s.timings["standby_copied"] == 1.0
    assert any("正被其他程序" in n and "复制" in n for n in s.notes), s.notes
    assert (wh.parent / os.readlink(wh)) == standby  # published under the standby's name all the same
    assert len(answers(wh)) == len(before) + 1
    assert held == len(before) - 1  # the reader held the file of the run before, untouched by the build
    assert not (standby.parent.parent / "copy" / "warehouse.duckdb").exists()


def test_rebuild_makes_the_marts_from_the_raw_files_without_parsing(district):
    inbox, wh, _, _ = district
    before = answers(wh)
    s = refresh(inbox, wh, parser=PARSER, checks=False, rebuild=True)
    assert s.status == "success" and s.full_rebuild
    assert s.documents_parsed == 0
    assert answers(wh) == before


def test_a_run_splits_its_versions_over_files_and_lands_each_once(tmp_path, monkeypatch):
    from warehouse import rawstore

    inbox = tmp_path / "inbox"
    synth.write_corpus(inbox, n_units=3, years=(2022, 2023))
    whole = refresh(inbox, tmp_path / "whole" / "warehouse.duckdb", parser=PARSER, checks=False)
    monkeypatch.setattr(rawstore, "VERSIONS_PER_FILE", 4)
    wh = tmp_path / "split" / "warehouse.duckdb"
    split = refresh(inbox, wh, parser=PARSER, checks=False)
    assert whole.status == split.status == "success"
    raw = wh.parent / "raw" / "warehouse"
    with duckdb.connect() as con:
        per_file = con.execute(
            "select filename, count(distinct document_id) "
            f"from read_parquet('{raw}/records/*.parquet', filename = true) group by 1 order by 1"
        ).fetchall()
    assert [n for _, n in per_file] == [4, 2]
    with duckdb.connect(str(wh), read_only=True) as con:
        landed = con.execute(
            "select count(*), count(distinct (document_id, line_no)), count(distinct document_id) from raw_lines"
        ).fetchone()
    assert landed[0] == landed[1] and landed[2] == 6
    assert answers(wh) == answers(tmp_path / "whole" / "warehouse.duckdb")
