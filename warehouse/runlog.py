"""The run journal: ``<warehouse>.runs.jsonl``, one line when a refresh starts and
one when it ends. Runs that publish nothing (nothing new, failures, crashes)
can't write into the published warehouse (it is only ever replaced whole), so
they are recorded here and copied into ``refresh_runs`` by the next publishing
run. A start line without an end line is a run that was killed."""

from __future__ import annotations

import json
import os
from datetime import datetime
from pathlib import Path

import pyarrow as pa

from warehouse.rawstore import RUN_COLUMNS


def _append(path: Path, record: dict) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    line = json.dumps(record, ensure_ascii=False, default=str) + "\n"
    fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT | os.O_CLOEXEC, 0o644)
    try:
        os.write(fd, line.encode())
    finally:
        os.close(fd)


def start(path: Path, run_id: str, started_at: datetime, inbox: str) -> None:
    _append(path, {"event": "start", "run_id": run_id, "started_at": started_at.isoformat(),
                   "inbox": inbox, "pid": os.getpid()})  # fmt: skip


def end(path: Path, record: dict) -> None:
    _append(path, {"event": "end", **record})


def read(path: Path) -> list[dict]:
    """One merged record per run, oldest first; unfinished runs get status
    ``interrupted`` (or ``running`` while their process is alive)."""
    from warehouse.lock import pid_alive

    runs: dict[str, dict] = {}
    try:
        text = Path(path).read_text(encoding="utf-8")
    except OSError:
        return []
    for raw in text.splitlines():
        try:
            rec = json.loads(raw)
        except ValueError:
            continue  # a line torn by a crash mid-write
        rid = rec.get("run_id")
        if not rid:
            continue
        merged = runs.setdefault(rid, {"run_id": rid})
        merged.update({k: v for k, v in rec.items() if k != "event"})
        merged["_ended"] = merged.get("_ended") or rec.get("event") == "end"
    out = []
    for rec in runs.values():
        if not rec.pop("_ended"):
            pid = rec.get("pid")
            rec["status"] = "running" if isinstance(pid, int) and pid_alive(pid) else "interrupted"
        out.append(rec)
    return out


def _ts(v):
    if v in (None, ""):
        return None
    return v if isinstance(v, datetime) else datetime.fromisoformat(str(v))


def insert_runs(con, records: list[dict], replace: bool = False) -> None:
    """Insert run records (journal or current run) not yet in ``refresh_runs``;
    ``replace``: rewrite the rows of these runs (a reused standby file may hold
    a row its killed run wrote before publishing)."""
    if replace and records:
        con.register("_ids", pa.table({"run_id": pa.array([r.get("run_id") for r in records], pa.string())}))
        try:
            con.execute("delete from refresh_runs where run_id in (select run_id from _ids)")
        finally:
            con.unregister("_ids")
    have = {r[0] for r in con.execute("select run_id from refresh_runs").fetchall()}
    rows = [r for r in records if r.get("run_id") not in have and r.get("status") != "running"]
    if not rows:
        return
    cols: dict[str, list] = {c: [] for c in RUN_COLUMNS}
    for r in rows:
        for c in RUN_COLUMNS:
            v = r.get(c)
            if c in ("started_at", "finished_at"):
                v = _ts(v)
            cols[c].append(v)
    types = {"started_at": pa.timestamp("us"), "finished_at": pa.timestamp("us"), "run_id": pa.string(),
             "status": pa.string(), "inbox": pa.string(), "error": pa.string()}  # fmt: skip
    arrays = {}
    for c, vals in cols.items():
        if c in types:
            t = types[c]
        elif c.endswith("_seconds"):
            t = pa.float64()
        else:
            t = pa.int32()
        arrays[c] = pa.array(vals, t)
    con.register("_runs", pa.table(arrays))
    try:
        names = ", ".join(RUN_COLUMNS)
        con.execute(f"insert into refresh_runs ({names}) select {names} from _runs")
    finally:
        con.unregister("_runs")
