"""Acknowledgements: appended under a lock (no interleaving between the CLI and
the dashboard), read tolerantly (a bad line is reported and skipped; it never
disables the checks nor crashes `juesuan check`)."""

from __future__ import annotations

import json
import multiprocessing
import subprocess
import sys
from pathlib import Path

import pytest
from fixtures.warehouse import synth

from warehouse import acks

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "tests" / "fixtures" / "warehouse"
PARSER = "warehouse.contract_json:parse_file"


def rec(fid: str, note: str = "ok") -> dict:
    return {"finding_id": fid, "document_id": "d", "rule_id": "R-row", "location": "x", "note": note}


def test_bad_lines_are_reported_and_skipped(tmp_path):
    p = tmp_path / "dq_acks.jsonl"
    lines = [
        json.dumps(rec("a", "first")),
        "{not json",
        json.dumps(["a", "list"]),
        json.dumps({"note": "no id"}),
        json.dumps(rec("b")),
        json.dumps(rec("a", "second")),  # the last note on a finding wins
    ]
    p.write_bytes(("\n".join(lines) + "\n").encode() + b"\xff\xfe bad bytes\n" + b'{"finding_id": "c", "no')
    log = acks.read(p)
    assert {r["finding_id"]: r["note"] for r in log.records} == {"a": "second", "b": "ok"}
    assert [b.line_no for b in log.bad] == [2, 3, 4, 7, 8]
    assert all(p.name in b.message(p) and "已跳过" in b.message(p) for b in log.bad)
    from expectations.runner import read_acks

    assert len(read_acks(p)) == 2  # what the checks use: never raises


def test_append_after_a_torn_line_starts_a_new_line(tmp_path):
    p = tmp_path / "dq_acks.jsonl"
    p.write_text('{"finding_id": "torn', encoding="utf-8")
    acks.append(p, rec("z"))
    log = acks.read(p)
    assert [r["finding_id"] for r in log.records] == ["z"] and len(log.bad) == 1
    with pytest.raises(ValueError):
        acks.append(p, {"note": "no finding"})


def _writer(path: str, who: int) -> None:
    for i in range(50):
        acks.append(Path(path), rec(f"{who}-{i}", "说明" * 200))  # long lines: > PIPE_BUF


def test_concurrent_writers_never_interleave(tmp_path):
    p = tmp_path / "dq_acks.jsonl"
    ctx = multiprocessing.get_context("spawn")
    procs = [ctx.Process(target=_writer, args=(str(p), w)) for w in range(4)]
    for pr in procs:
        pr.start()
    for pr in procs:
        pr.join(60)
        assert pr.exitcode == 0
    log = acks.read(p)
    assert log.bad == [] and len(log.records) == 200


def test_logged_in_user_is_who_acknowledged(tmp_path):
    p = tmp_path / "dq_acks.jsonl"
    r = acks.acknowledge(p, rec("q"), "已核实", by="张三", user="wang.li")
    assert r["acked_by"] == "wang.li" and r["entered_name"] == "张三"
    r = acks.acknowledge(p, rec("r"), "已核实", by="张三")
    assert r["acked_by"] == "张三" and "entered_name" not in r
    assert len(acks.read(p).records) == 2


def test_dashboard_acknowledge_keeps_its_signature(tmp_path, monkeypatch):
    import inspect

    from dashboard.pages import quality

    params = list(inspect.signature(quality.acknowledge).parameters)
    assert params[:3] == ["row", "note", "by"] and "user" in params
    monkeypatch.setattr(quality.queries, "warehouse_path", lambda: tmp_path / "warehouse.duckdb")
    path = quality.acknowledge(rec("d1"), "说明", "张三", user="li")
    assert acks.read(path).records[0]["acked_by"] == "li"


def test_a_bad_ack_line_neither_disables_checks_nor_crashes_check(tmp_path, monkeypatch):
    monkeypatch.setenv("JUESUAN_DQ_GX", "0")
    from warehouse.refresh import refresh

    inbox = tmp_path / "inbox"
    synth.write_corpus(inbox, n_units=2, years=(2023,))
    wh = tmp_path / "data" / "warehouse.duckdb"
    wh.parent.mkdir()
    (wh.parent / "dq_acks.jsonl").write_text("this is not json\n", encoding="utf-8")
    s = refresh(inbox, wh, parser=PARSER, checks=True)
    assert s.status == "success" and s.dq_ran, s.error
    assert any("第 1 行无法读取" in n for n in s.notes)
    r = subprocess.run(
        [sys.executable, "-c", "from cli import app; app()", "check", "--no-gx", "-w", str(wh)],
        cwd=ROOT, capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert "Traceback" not in r.stderr + r.stdout, r.stderr[-2000:]
    assert r.returncode in (0, 1) and "第 1 行无法读取" in r.stdout
