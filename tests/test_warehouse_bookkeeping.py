"""Refresh bookkeeping under hostile inboxes: bounded parses become quarantine
reasons, non-regular files are skipped and listed, quarantine follows the
current file, deleted files withdraw their documents (kept), undated
corrections are ordered by arrival, truncated documents are not loaded as
complete, stale and stuck locks are told apart."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import duckdb
import pytest
from fixtures.warehouse import synth

from warehouse.lock import RefreshLock, WarehouseLocked, lock_holder
from warehouse.refresh import refresh
from warehouse.status import collect
from warehouse.workers import ParseLimits

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "tests" / "fixtures" / "warehouse"
HOSTILE = "hostile_parser:parse_file"


UNITS = synth.unit_rows(3, (2022, 2023))
LIMITS = ParseLimits(seconds=4, memory_mb=400, max_file_mb=1)


def query(wh: Path, sql: str, params=None) -> list[tuple]:
    with duckdb.connect(str(wh), read_only=True) as con:
        return con.execute(sql, params or []).fetchall()


def write(path: Path, doc) -> Path:
    path.write_text(doc if isinstance(doc, str) else json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    return path


def doc(k: int, year: int = 2023, **kw) -> dict:
    return synth.make_document(UNITS[k]["canonical_name"], year, seed=10 * k + year, **kw)


def truncated(k: int) -> dict:
    d = doc(k, 2022)
    keep = ("01", "02", "03", "04", "05")
    d["lines"] = [x for x in d["lines"] if x["table"] in keep]
    d["document"]["tables"] = list(keep)
    d["facts"] = []  # the file ends inside the tables: no 情况说明
    return d


@pytest.fixture
def env(tmp_path, monkeypatch):
    monkeypatch.syspath_prepend(str(FIXTURES))
    monkeypatch.setenv("PYTHONPATH", os.pathsep.join([str(FIXTURES), os.environ.get("PYTHONPATH", "")]))
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    synth.write_units_csv(inbox / "units.csv", UNITS)
    return inbox, tmp_path / "data" / "warehouse.duckdb"


def run(inbox, wh, **kw):
    kw.setdefault("checks", False)
    return refresh(inbox, wh, parser=HOSTILE, limits=LIMITS, **kw)


def test_hostile_inbox_then_fixes_deletions_and_corrections(env, tmp_path):
    inbox, wh = env
    write(inbox / "u0_2023.json", doc(0))
    write(inbox / "u1_2023.json", doc(1))
    write(inbox / "u2_2023.json", doc(2))
    write(inbox / "hang.json", "HANG\n")
    write(inbox / "boom.json", "RAISE\n")
    write(inbox / "u1_2022_cut.json", truncated(1))
    with (inbox / "huge.json").open("wb") as fh:
        fh.truncate(2 * 1024 * 1024)
    os.mkfifo(inbox / "pipe.json")
    os.symlink("/dev/zero", inbox / "zero.json")
    outside = write(tmp_path / "outside.json", doc(0, 2022))
    os.symlink(outside, inbox / "leak.json")

    t0 = time.monotonic()
    s = run(inbox, wh)
    assert time.monotonic() - t0 < 120
    assert s.status == "success" and s.published
    reasons = dict(s.quarantined)
    assert "超时" in reasons["hang.json"]
    assert "TypeError" in reasons["boom.json"]
    assert "文件过大" in reasons["huge.json"]
    assert "文件不完整" in reasons["u1_2022_cut.json"] and "公开06表" in reasons["u1_2022_cut.json"]
    assert {p for p, _ in s.skipped} == {"pipe.json", "zero.json", "leak.json"}
    assert s.documents_loaded == 3
    info = collect(wh)
    assert {q["file_name"] for q in info["quarantine"]} == {
        "hang.json",
        "boom.json",
        "huge.json",
        "u1_2022_cut.json",
    }
    assert {p for p, _ in info["skipped"]} == {"pipe.json", "zero.json", "leak.json"}
    # nothing of the outside file was read
    assert not query(wh, "select 1 from raw_files where path like '%leak%'")

    # unchanged files are not read again, except those stopped by a limit once the limits change
    assert run(inbox, wh).status == "unchanged"
    s1 = refresh(
        inbox, wh, parser=HOSTILE, checks=False, limits=ParseLimits(seconds=2, memory_mb=400, max_file_mb=1)
    )
    assert s1.documents_parsed == 2 and dict(s1.quarantined).keys() == {"hang.json", "huge.json"}

    # fixes: the hung file replaced by a good document leaves quarantine; a deleted
    # file withdraws its document (kept); an undated correction (arrives later) and
    # a month-only correction become current
    write(inbox / "hang.json", doc(0, 2022))
    (inbox / "u2_2023.json").unlink()
    undated = doc(0)
    undated["document"]["publication_date"] = None
    undated["lines"][0]["amount"] += 1
    write(inbox / "u0_2023_fix.json", undated)
    monthly = doc(1)
    monthly["document"]["publication_date"] = monthly["document"]["publication_date"][:7]
    monthly["lines"][0]["amount"] += 2
    write(inbox / "u1_2023_fix.json", monthly)
    s2 = run(inbox, wh)
    assert s2.status == "success" and s2.missing == ["u2_2023.json"]
    info = collect(wh)
    assert {q["file_name"] for q in info["quarantine"]} == {"boom.json", "huge.json", "u1_2022_cut.json"}
    assert [w["file_name"] for w in info["withdrawn"]] == ["u2_2023.json"]
    rows = dict(query(wh, "select file_name, is_current from dim_documents where document_status = 'loaded'"))
    assert rows["u0_2023_fix.json"] and not rows["u0_2023.json"]
    assert rows["u1_2023_fix.json"] and not rows["u1_2023.json"]
    assert rows["u2_2023.json"] is False  # withdrawn: kept, not current
    assert rows["hang.json"]
    (withdrawn,) = query(
        wh, "select is_withdrawn, n_lines > 0 from dim_documents where file_name = 'u2_2023.json'"
    )
    assert withdrawn == (True, True)
    assert query(wh, "select count(*) from raw_lines join dim_documents using (document_id) "
                     "where file_name = 'u2_2023.json'")[0][0] > 0  # fmt: skip
    assert not query(wh, "select 1 from fct_unit_year_summary where unit_id = 'U0003' and fiscal_year = 2023")
    from typer.testing import CliRunner

    from cli import app

    out = CliRunner().invoke(app, ["status", "--warehouse", str(wh)])
    assert out.exit_code == 0, out.output
    assert "撤回" in out.output and "u2_2023.json" in out.output
    assert "跳过" in out.output and "pipe.json" in out.output and "hang.json" not in out.output

    # the file comes back: current again
    write(inbox / "u2_2023.json", doc(2))
    run(inbox, wh)
    assert query(
        wh, "select is_current, is_withdrawn from dim_documents where file_name = 'u2_2023.json'"
    ) == [(True, False)]


def test_empty_inbox_is_refused_not_withdrawing_everything(env):
    inbox, wh = env
    write(inbox / "u0.json", doc(0))
    run(inbox, wh)
    before = wh.read_bytes()
    (inbox / "u0.json").unlink()
    from warehouse.refresh import RefreshFailed

    with pytest.raises(RefreshFailed, match="没有任何文件"):
        run(inbox, wh)
    assert wh.read_bytes() == before


def test_stale_lock_is_taken_over_with_a_note(env):
    inbox, wh = env
    write(inbox / "u0.json", doc(0))
    wh.parent.mkdir(parents=True)
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    lock = wh.with_name(wh.name + ".lock")
    lock.write_text(json.dumps({"pid": dead.pid, "started": "2026-01-01 02:00:00", "what": "刷新"}))
    (wh.parent / f".{wh.name}.build").write_bytes(b"leftover")
    s = run(inbox, wh)
    assert s.status == "success"
    assert any("未正常结束" in n and str(dead.pid) in n for n in s.notes)
    assert lock_holder(lock) is None and lock.read_text().strip() == ""


def test_running_and_stuck_refreshes_are_told_apart(env, monkeypatch):
    inbox, wh = env
    wh.parent.mkdir(parents=True)
    lock_path = wh.with_name(wh.name + ".lock")
    held = RefreshLock(lock_path).acquire()
    try:
        with pytest.raises(WarehouseLocked) as busy:
            RefreshLock(lock_path).acquire()
        assert not busy.value.stuck and "正在进行" in str(busy.value)
        assert collect(wh)["running"]["stuck"] is False

        cmd = [
            sys.executable,
            "-m",
            "warehouse",
            "refresh",
            "--inbox",
            str(inbox),
            "--warehouse",
            str(wh),
            "-q",
        ]
        r = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, timeout=120)
        assert r.returncode == 3, r.stdout + r.stderr

        monkeypatch.setenv("JUESUAN_STUCK_MINUTES", "0.001")  # no heartbeat for 0.06 s = stuck
        time.sleep(0.2)
        with pytest.raises(WarehouseLocked) as stuck:
            RefreshLock(lock_path).acquire()
        assert stuck.value.stuck and "卡住" in str(stuck.value)
        assert collect(wh)["running"]["stuck"] is True
        r = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, timeout=120,
                           env={**os.environ, "JUESUAN_STUCK_MINUTES": "0.001"})  # fmt: skip
        assert r.returncode == 4 and "卡住" in r.stdout, r.stdout + r.stderr
    finally:
        held.release()


def test_published_but_unchecked_is_not_exit_0(monkeypatch):
    """dq_failed (the checks raised) must not look like success to a scheduler."""
    from datetime import datetime

    from typer.testing import CliRunner

    import warehouse.refresh as wr
    from cli import app

    def fake(*a, **kw):
        s = wr.RefreshSummary(run_id="r", started_at=datetime.now(), inbox="i", warehouse="w")
        s.status, s.error = "dq_failed", "数据质量检查出错"
        return s

    monkeypatch.setattr(wr, "refresh", fake)
    out = CliRunner().invoke(app, ["refresh", "--quiet"])
    assert out.exit_code == 2, out.output
