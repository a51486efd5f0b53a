"""Acknowledgements of data-quality findings: an append-only log next to the
warehouse (``dq_acks.jsonl``), one JSON object per line, the last note on a
finding wins.

Writers (``juesuan ack``, the dashboard) append under an exclusive ``flock`` on
``<log>.lock``, as one ``write`` of a whole line, then ``fsync``: two writers
never interleave, and a line torn by a crash is completed by a newline before
the next one. Readers are tolerant: a line that is not a valid record is
reported (line number and why) and skipped; it never stops the checks."""

from __future__ import annotations

import contextlib
import fcntl
import getpass
import json
import os
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

REQUIRED = ("finding_id",)
FIELDS = ("finding_id", "document_id", "rule_id", "table_id", "location", "note", "acked_by", "acked_at")


@dataclass
class BadLine:
    line_no: int
    reason: str
    text: str

    def message(self, path: Path) -> str:
        return f"确认记录 {path.name} 第 {self.line_no} 行无法读取（{self.reason}），已跳过：{self.text[:80]}"


@dataclass
class AckLog:
    records: list[dict] = field(default_factory=list)
    bad: list[BadLine] = field(default_factory=list)


def _check(rec) -> str | None:
    if not isinstance(rec, dict):
        return "不是一条记录"
    for k in REQUIRED:
        if not isinstance(rec.get(k), str) or not rec.get(k):
            return f"缺少 {k}"
    return None


def read(path: Path) -> AckLog:
    """Every valid acknowledgement (the latest per finding) and the bad lines."""
    log = AckLog()
    try:
        raw = Path(path).read_bytes()
    except FileNotFoundError:
        return log
    except OSError as exc:
        log.bad.append(BadLine(0, f"文件无法读取：{exc.strerror or exc}", ""))
        return log
    latest: dict[str, dict] = {}
    for n, line in enumerate(raw.split(b"\n"), start=1):
        if not line.strip():
            continue
        try:
            text = line.decode("utf-8")
        except UnicodeDecodeError:
            log.bad.append(BadLine(n, "不是 UTF-8 文本", line.decode("utf-8", "replace")))
            continue
        try:
            rec = json.loads(text)
        except ValueError:
            log.bad.append(BadLine(n, "不是有效的 JSON", text))
            continue
        problem = _check(rec)
        if problem:
            log.bad.append(BadLine(n, problem, text))
            continue
        latest[rec["finding_id"]] = {k: rec.get(k) for k in FIELDS} | {
            k: v for k, v in rec.items() if k not in FIELDS
        }
    log.records = list(latest.values())
    return log


def read_acks(path: Path) -> list[dict]:
    """The valid acknowledgements only (what the checks apply)."""
    return read(path).records


def append(path: Path, record: dict) -> None:
    """Append one acknowledgement, under the log's lock, durably."""
    problem = _check(record)
    if problem:
        raise ValueError(f"确认记录无效：{problem}")
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    line = (json.dumps(record, ensure_ascii=False, default=str) + "\n").encode()
    lock_fd = os.open(path.with_name(path.name + ".lock"), os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o644)
    try:
        fcntl.flock(lock_fd, fcntl.LOCK_EX)
        fd = os.open(path, os.O_RDWR | os.O_APPEND | os.O_CREAT | os.O_CLOEXEC, 0o644)
        try:
            size = os.fstat(fd).st_size
            if size and os.pread(fd, 1, size - 1) != b"\n":
                line = b"\n" + line  # a torn last line stays on its own line (and is reported)
            os.write(fd, line)
            os.fsync(fd)
        finally:
            os.close(fd)
    finally:
        with contextlib.suppress(OSError):
            fcntl.flock(lock_fd, fcntl.LOCK_UN)
        os.close(lock_fd)


def acknowledge(path: Path, row: dict, note: str, by: str | None = None, user: str | None = None) -> dict:
    """Record that ``row`` (a dq_findings row) is acknowledged with ``note``.
    ``user``: the logged-in user; when given it is who acknowledged (``by``, a
    name typed in a form, is kept as ``entered_name`` if it differs)."""
    who = user or by or getpass.getuser()
    record = {
        "finding_id": row["finding_id"],
        "document_id": row.get("document_id"),
        "rule_id": row.get("rule_id"),
        "table_id": row.get("table_id"),
        "location": row.get("location"),
        "note": note,
        "acked_by": who,
        "acked_at": datetime.now().isoformat(timespec="seconds"),
    }
    if user and by and by != user:
        record["entered_name"] = by
    append(path, record)
    return record
