"""Bounded work: every parse runs in a worker under a time and a memory limit;
a hung, stopped, memory-hungry or crashing parse is killed, its document
quarantined with the reason, and the batch goes on. Only regular files inside
the inbox are read."""

from __future__ import annotations

import json
import os
import socket
import sys
import time
from pathlib import Path

import pytest
from fixtures.warehouse import synth

from warehouse import parsing, scan
from warehouse.workers import ParseLimits, WorkerPool

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "tests" / "fixtures" / "warehouse"
HOSTILE = "hostile_parser:parse_file"


@pytest.fixture
def hostile(monkeypatch):
    """The hostile parser importable here and in the workers."""
    monkeypatch.syspath_prepend(str(FIXTURES))
    monkeypatch.setenv("PYTHONPATH", os.pathsep.join([str(FIXTURES), os.environ.get("PYTHONPATH", "")]))
    return HOSTILE


def good_doc(path: Path, k: int = 0) -> Path:
    doc = synth.make_document(synth.unit_rows(3)[k % 3]["canonical_name"], 2023, seed=k)
    path.write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    return path


def children_of(pid: int) -> list[int]:
    out = []
    for d in Path("/proc").iterdir():
        if d.name.isdigit():
            try:
                fields = (d / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == pid:
                out.append(int(d.name))
    return out


def test_hung_stopped_and_hungry_workers_are_killed_and_the_batch_goes_on(tmp_path, hostile):
    files = {
        "hang": "HANG", "stop": "STOP", "mem": "MEM", "raise": "RAISE", "exit": "EXIT", "segv": "SEGV",
    }  # fmt: skip
    items = []
    for name, head in files.items():
        (tmp_path / name).write_text(head + "\n", encoding="utf-8")
        items.append((name, str(tmp_path / name)))
    for k in range(4):
        items.append((f"good{k}", str(good_doc(tmp_path / f"good{k}.json", k))))
    limits = ParseLimits(seconds=3, memory_mb=300, max_file_mb=10)
    before = set(children_of(os.getpid()))
    t0 = time.monotonic()
    with WorkerPool(hostile, workers=2, limits=limits) as pool:
        out = dict(pool.run(items))
        workers = [w.proc.pid for w in pool.workers]
    elapsed = time.monotonic() - t0
    assert set(out) == {k for k, _ in items}
    assert out["hang"]["code"] == "timeout" and "超时" in out["hang"]["reason"]
    assert out["stop"]["code"] == "timeout"
    assert out["mem"]["code"] == "memory_limit" and "内存超限" in out["mem"]["reason"]
    assert out["raise"]["code"] == "parser_error" and "TypeError" in out["raise"]["reason"]
    assert out["exit"]["code"] == "parser_error" and "SystemExit" in out["exit"]["reason"]
    assert out["segv"]["code"] == "parser_crash"
    assert all(out[f"good{k}"]["ok"] for k in range(4))
    # two timeouts of 3 s on 2 workers, plus start-ups: bounded, not hung
    assert elapsed < 30, elapsed
    assert not [p for p in workers if Path(f"/proc/{p}").exists()], "workers outlived the pool"
    assert set(children_of(os.getpid())) <= before  # every replaced worker was reaped too


def test_size_limit_before_reading(tmp_path, hostile):
    big = tmp_path / "big.json"
    with big.open("wb") as fh:
        fh.truncate(3 * 1024 * 1024)  # sparse: 3 MB of zeros
    limits = ParseLimits(seconds=5, memory_mb=300, max_file_mb=1)
    out = parsing.parse_many([("big", str(big))], hostile, limits=limits)
    assert out["big"]["code"] == "too_large" and "文件过大" in out["big"]["reason"]
    res = scan.scan(tmp_path, {}, max_bytes=limits.max_file_bytes)
    (f,) = res.files
    assert f.oversize and f.sha256.startswith("unread-")  # never hashed (never read)


def test_limits_come_from_the_environment(monkeypatch):
    monkeypatch.setenv("JUESUAN_PARSE_TIMEOUT", "7")
    monkeypatch.setenv("JUESUAN_PARSE_MEMORY_MB", "512")
    lim = ParseLimits.from_env(max_file_mb=3)
    assert (lim.seconds, lim.memory_mb, lim.max_file_mb) == (7, 512, 3)
    assert ParseLimits().seconds >= 300 and ParseLimits().memory_mb >= 2048


def test_only_regular_files_inside_the_inbox_are_read(tmp_path):
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    outside = tmp_path / "secret.json"
    good_doc(outside)
    good_doc(inbox / "a.json")
    os.mkfifo(inbox / "pipe.json")
    os.symlink("/dev/zero", inbox / "zero.json")
    os.symlink(outside, inbox / "leak.json")
    os.symlink(inbox / "a.json", inbox / "alias.json")  # inside: fine
    os.symlink(inbox / "nowhere", inbox / "broken.json")
    os.symlink(tmp_path, inbox / "loop")  # a linked directory is not followed
    sock = socket.socket(socket.AF_UNIX)
    sock.bind(str(inbox / "sock"))
    try:
        t0 = time.monotonic()
        res = scan.scan(inbox, {})
        assert time.monotonic() - t0 < 10  # nothing blocked
    finally:
        sock.close()
    assert sorted(f.path for f in res.files) == ["a.json", "alias.json"]
    kinds = {s.path: s.kind for s in res.skipped}
    assert kinds == {
        "pipe.json": "fifo", "zero.json": "outside", "leak.json": "outside", "broken.json": "broken",
        "loop": "dir_link", "sock": "socket",
    }  # fmt: skip
    assert all(s.reason for s in res.skipped)


def test_a_file_swapped_for_a_fifo_after_listing_does_not_block(tmp_path):
    p = tmp_path / "x.json"
    os.mkfifo(p)
    t0 = time.monotonic()
    with pytest.raises(scan.NotRegular):
        scan.sha256_file(str(p))
    assert time.monotonic() - t0 < 2


def test_in_place_edit_with_same_size_and_mtime_is_detected(tmp_path):
    p = tmp_path / "doc.json"
    p.write_bytes(b"x" * 100)
    first = scan.scan(tmp_path, {})
    (f,) = first.files
    known = {f.path: (f.sha256, f.size, f.mtime_ns, f.ctime_ns, f.inode)}
    st = p.stat()
    time.sleep(0.01)
    with p.open("r+b") as fh:
        fh.write(b"y")
    os.utime(p, ns=(st.st_atime_ns, st.st_mtime_ns))  # same size, mtime restored
    again = scan.scan(tmp_path, known)
    assert again.files[0].state == "changed" and again.hashed == 1
    unchanged = scan.scan(tmp_path, {again.files[0].path: (again.files[0].sha256, *(
        getattr(again.files[0], k) for k in ("size", "mtime_ns", "ctime_ns", "inode")))})  # fmt: skip
    assert unchanged.files[0].state == "unchanged" and unchanged.hashed == 0


def test_worker_dies_with_its_parent(tmp_path, hostile):
    """A SIGKILLed parent takes its hung worker with it (PR_SET_PDEATHSIG)."""
    import signal
    import subprocess

    (tmp_path / "hang").write_text("HANG\n")
    code = (
        "import sys, time; from warehouse.workers import WorkerPool, ParseLimits\n"
        f"pool = WorkerPool({hostile!r}, 1, ParseLimits(seconds=600))\n"
        f"it = pool.run([('h', {str(tmp_path / 'hang')!r})])\n"
        "import threading; threading.Thread(target=lambda: next(it), daemon=True).start()\n"
        "time.sleep(1.5); print([w.proc.pid for w in pool.workers], flush=True); time.sleep(600)\n"
    )
    proc = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, text=True, cwd=ROOT,
                            env=dict(os.environ))  # fmt: skip
    line = proc.stdout.readline()
    pids = json.loads(line)
    assert pids and all(Path(f"/proc/{p}").exists() for p in pids)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and any(_alive(p) for p in pids):
        time.sleep(0.1)
    assert not any(_alive(p) for p in pids)


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"
