"""Crash safety of `juesuan refresh`: SIGKILL the refresh process at several
points (after taking the lock, while parsing in worker processes, after loading
raw records, in the middle of the dbt build, right before publishing) and show
that the published warehouse is byte-for-byte the previous one, still opens and
answers queries, that the lock died with the process, and that the next
refresh cleans up and publishes everything."""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import duckdb
import pytest
from fixtures.warehouse import synth

from warehouse.lock import lock_holder
from warehouse.refresh import refresh

ROOT = Path(__file__).resolve().parents[1]
PARSER = "warehouse.contract_json:parse_file"


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
    assert leftovers(wh) == []
    after = dict(answers(wh))
    assert len(after) == len(before_answers) + 3 * len(POINTS)
    with duckdb.connect(str(wh), read_only=True) as con:
        statuses = [
            r[0] for r in con.execute("select status from refresh_runs order by started_at").fetchall()
        ]
    assert statuses == ["success"] + ["interrupted"] * len(POINTS) + ["success"]


# ------------------------------------------------- 20 random SIGKILLs

RANDOM_POINTS = ["locked", "copied", "parsing", "loaded", "dbt_running", "dbt_done", "dq_done",
                 "before_publish", "published"]  # fmt: skip
KILLS = int(os.environ.get("JUESUAN_KILL_ROUNDS", "20"))  # CI runs all 20 (about 2-4 min on 2 busy cores)


def session_processes(sid: int) -> list[int]:
    """Live processes of a session (the killed refresh ran in its own)."""
    out = []
    for d in Path("/proc").iterdir():
        if not d.name.isdigit():
            continue
        try:
            fields = (d / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[3]) == sid and fields[0] != "Z":
            out.append(int(d.name))
    return out


def leftovers(wh: Path) -> list[str]:
    """Files beyond the warehouse's own: in its directory, and in the raw directory
    (temp files, registry generations other than the current one, record files
    the registry does not name)."""
    expected = {wh.name, wh.name + ".lock", wh.name + ".runs.jsonl", f".{wh.name}.dbt", "dq_acks.jsonl",
                "dq_docs", "roster", f".{wh.name}.slots", "raw"}  # fmt: skip
    found = sorted(p.name for p in wh.parent.iterdir() if p.name not in expected)
    slots = wh.parent / f".{wh.name}.slots"
    found += [
        f"{p.parent.name}/{p.name}" for p in slots.glob("*/*") if p.name not in (wh.name, "raw", "roster")
    ]
    found += [f"copy/{wh.name}"] if (slots / "copy" / wh.name).exists() else []
    raw = wh.parent / "raw" / "warehouse"
    found += [f"raw/.tmp/{p.name}" for p in (raw / ".tmp").iterdir()]
    current = (raw / "registry" / "current").resolve()
    found += [f"raw/registry/{p.name}" for p in (raw / "registry").iterdir()
              if p.name != "current" and p.resolve() != current]  # fmt: skip
    with duckdb.connect() as con:
        named = {r[0] for r in con.execute(
            f"select records_file from read_parquet('{current}/raw_documents.parquet') where records_file is not null"
        ).fetchall()}  # fmt: skip
    found += [
        f"raw/records/{p.name}" for p in (raw / "records").iterdir() if f"records/{p.name}" not in named
    ]
    assert named and all((raw / n).is_file() for n in named), "every record file the registry names exists"
    return found


def test_twenty_random_sigkills(tmp_path):
    """Each round adds a document, starts a refresh (with the data-quality step,
    so the GX helper is running too) and SIGKILLs it at a random checkpoint or
    after a random delay. Every time: the published warehouse is the old or the
    new one (complete, same answers as one of them), no process of the killed
    refresh survives, and the next refresh succeeds and leaves no leftover file."""
    import random

    rng = random.Random(15)
    inbox = tmp_path / "inbox"
    synth.write_corpus(inbox, n_units=3, years=(2022,))
    wh = tmp_path / "data" / "warehouse.duckdb"
    refresh(inbox, wh, parser=PARSER, checks=False)
    outcomes = []
    for tag in range(KILLS):
        old_digest, old_answers = digest(wh), answers(wh)
        doc = synth.make_document(synth.unit_rows(3)[tag % 3]["canonical_name"], 2040 + tag, seed=tag)
        (inbox / f"k{tag}.json").write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
        env = dict(os.environ, JUESUAN_PARSER=PARSER, DBT_SEND_ANONYMOUS_USAGE_STATS="False",
                   JUESUAN_DQ_GX="0")  # fmt: skip
        marker = tmp_path / f"m{tag}"
        by_point = rng.random() < 0.6
        if by_point:
            point = rng.choice(RANDOM_POINTS)
            env.update(JUESUAN_TEST_PAUSE_AT=point, JUESUAN_TEST_PAUSE_MARKER=str(marker))
            if point in ("dbt_running", "dbt_done"):
                env["JUESUAN_DQ_GX"] = "1"  # the GX helper is importing now: it must die too
        else:
            point = f"after {rng.uniform(0.2, 6.0):.2f} s"
        cmd = [sys.executable, "-m", "warehouse", "refresh", "--inbox", str(inbox), "--warehouse", str(wh),
               "--quiet", "--workers", "2"]  # fmt: skip
        proc = subprocess.Popen(cmd, cwd=ROOT, env=env, start_new_session=True,
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)  # fmt: skip
        try:
            if by_point:
                deadline = time.monotonic() + 120
                while not marker.exists() and proc.poll() is None and time.monotonic() < deadline:
                    time.sleep(0.02)
                assert marker.exists(), f"round {tag}: never reached {point}"
            else:
                with contextlib.suppress(subprocess.TimeoutExpired):
                    proc.wait(timeout=float(point.split()[1]))
            finished = proc.poll() is not None
            if not finished:
                os.kill(proc.pid, signal.SIGKILL)
            proc.wait(timeout=30)
            # no process of the killed refresh (parse workers, GX helper) outlives it
            deadline = time.monotonic() + 10
            while session_processes(proc.pid) and time.monotonic() < deadline:
                time.sleep(0.05)
            assert session_processes(proc.pid) == [], f"round {tag} ({point}): children survived"
        finally:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(proc.pid, signal.SIGKILL)
        now = answers(wh)
        is_old = digest(wh) == old_digest
        assert is_old or len(now) == len(old_answers) + 1, f"round {tag} ({point})"
        if is_old:
            assert now == old_answers
        assert lock_holder(wh.parent / "warehouse.duckdb.lock") is None
        s = refresh(inbox, wh, parser=PARSER, checks=False)
        assert s.status in ("success", "unchanged"), (tag, point, s.error)
        assert len(answers(wh)) == len(old_answers) + 1
        assert leftovers(wh) == [], f"round {tag} ({point})"
        outcomes.append((point, "old" if is_old else "new", finished))
    assert len(outcomes) == KILLS
    assert sum(1 for _, state, fin in outcomes if not fin) >= KILLS // 2  # most rounds were really killed
