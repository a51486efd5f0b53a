"""Crash safety of `juesuan refresh`: SIGKILL the refresh process at several
points (after taking the lock, while parsing in worker processes, after loading
raw records, in the middle of the dbt build, right before publishing) and show
that the published warehouse is byte-for-byte the previous one, still opens and
answers queries, that the lock died with the process, and that the next
refresh cleans up and publishes everything."""

from __future__ import annotations

import contextlib
import hashlib
import importlib.util
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import duckdb
import pytest

from warehouse.lock import lock_holder
from warehouse.refresh import refresh

ROOT = Path(__file__).resolve().parents[1]
PARSER = "warehouse.contract_json:parse_file"

_spec = importlib.util.spec_from_file_location("warehouse_synth", ROOT / "tests/fixtures/warehouse/synth.py")
synth = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(synth)

POINTS = ["locked", "parsing", "loaded", "dbt_running", "before_publish"]


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def answers(wh: Path) -> list[tuple]:
    with duckdb.connect(str(wh), read_only=True) as con:
        return con.execute(
            "select unit_year_key, expenditure_total from fct_unit_year_summary order by 1"
        ).fetchall()


@pytest.fixture(scope="module")
def setup(tmp_path_factory):
    root = tmp_path_factory.mktemp("wh-kill")
    inbox = root / "inbox"
    synth.write_corpus(inbox, n_units=3, years=(2022, 2023))
    wh = root / "data" / "warehouse.duckdb"
    refresh(inbox, wh, parser=PARSER, checks=False)
    return inbox, wh


def add_documents(inbox: Path, tag: int) -> None:
    """Three new documents (enough for the parse to use worker processes)."""
    for k in range(3):
        doc = synth.make_document(synth.unit_rows(3)[k]["canonical_name"], 2030 + tag, seed=100 * tag + k)
        (inbox / f"new_{tag}_{k}.json").write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")


def kill_at(point: str, inbox: Path, wh: Path, tmp: Path) -> None:
    marker = tmp / f"paused-{point}"
    env = dict(
        os.environ,
        JUESUAN_PARSER=PARSER,
        JUESUAN_TEST_PAUSE_AT=point,
        JUESUAN_TEST_PAUSE_MARKER=str(marker),
        DBT_SEND_ANONYMOUS_USAGE_STATS="False",
    )
    cmd = [sys.executable, "-m", "warehouse", "refresh", "--inbox", str(inbox), "--warehouse", str(wh),
           "--quiet", "--no-checks"]  # fmt: skip
    proc = subprocess.Popen(cmd, cwd=ROOT, env=env, start_new_session=True,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT)  # fmt: skip
    try:
        deadline = time.monotonic() + 120
        while not marker.exists():
            if proc.poll() is not None:
                raise AssertionError(f"refresh ended before {point}: {proc.stdout.read().decode()[-2000:]}")
            if time.monotonic() > deadline:
                raise AssertionError(f"refresh never reached {point}")
            time.sleep(0.05)
        # readers are not blocked while a refresh is in flight
        assert answers(wh)
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(timeout=30)
    finally:
        # forkserver/worker processes die with their pipes; make sure in the test
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGKILL)
        proc.stdout.close()
    assert proc.returncode == -signal.SIGKILL


def test_sigkill_at_any_point_leaves_previous_warehouse(setup, tmp_path):
    inbox, wh = setup
    before_digest, before_answers = digest(wh), answers(wh)
    for tag, point in enumerate(POINTS, start=1):
        add_documents(inbox, tag)
        kill_at(point, inbox, wh, tmp_path)
        assert digest(wh) == before_digest, point
        assert answers(wh) == before_answers, point
        assert lock_holder(wh.parent / "warehouse.duckdb.lock") is None, point

    journal = [json.loads(x) for x in (wh.parent / "warehouse.duckdb.runs.jsonl").read_text().splitlines()]
    starts = [r for r in journal if r["event"] == "start"]
    assert len(starts) == len(POINTS) + 1  # the setup run and one per kill

    s = refresh(inbox, wh, parser=PARSER, checks=False)
    assert s.status == "success" and s.documents_parsed == 3 * len(POINTS)
    assert not (wh.parent / ".warehouse.duckdb.build").exists()
    after = dict(answers(wh))
    assert len(after) == len(before_answers) + 3 * len(POINTS)
    with duckdb.connect(str(wh), read_only=True) as con:
        statuses = [
            r[0] for r in con.execute("select status from refresh_runs order by started_at").fetchall()
        ]
    assert statuses == ["success"] + ["interrupted"] * len(POINTS) + ["success"]
