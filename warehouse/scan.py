"""Inbox scan: which files are new, changed or unchanged, by sha256.

Only regular files inside the inbox are read. FIFOs, devices, sockets, links
that leave the inbox (or lead nowhere) and linked directories are listed as
skipped with the reason and never opened, so nothing in the inbox can block
the scan. A file is opened with ``O_NOFOLLOW | O_NONBLOCK`` and checked again
with ``fstat`` (it may have been swapped for a FIFO after the listing).

A file's digest is reused from the previous refresh when its path, size, mtime,
ctime and inode are all unchanged (like git's index), so a refresh of a large
inbox stats every file but hashes only what moved. The kernel sets ctime on
every write and nobody can set it back, so an in-place edit that keeps size
and mtime is still re-hashed and detected. Files over the size limit are not
read at all (they go to quarantine as 文件过大)."""

from __future__ import annotations

import hashlib
import os
import stat
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

# Files the sample generator and people put next to the documents.
SIDECARS = {"manifest.json", "units.csv"}

SKIP_REASONS = {
    "fifo": "命名管道（FIFO），不是普通文件，已跳过",
    "device": "设备文件，不是普通文件，已跳过",
    "socket": "套接字，不是普通文件，已跳过",
    "outside": "符号链接指向收件箱之外，已跳过",
    "broken": "符号链接指向的文件不存在，已跳过",
    "dir_link": "指向目录的符号链接，未跟随",
    "unreadable": "无法读取（权限不足或已被删除），已跳过",
    "other": "不是普通文件，已跳过",
}


@dataclass
class InboxFile:
    path: str  # relative to the inbox, "/"-separated (the registry key)
    abspath: str  # what is read (a link inside the inbox: its target)
    size: int
    mtime_ns: int
    sha256: str = ""
    state: str = ""  # new | changed | unchanged
    ctime_ns: int = 0
    inode: int = 0
    oversize: bool = False


@dataclass
class Skipped:
    path: str
    kind: str  # a key of SKIP_REASONS

    @property
    def reason(self) -> str:
        return SKIP_REASONS.get(self.kind, SKIP_REASONS["other"])


@dataclass
class ScanResult:
    files: list[InboxFile] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)  # known paths no longer in the inbox
    skipped: list[Skipped] = field(default_factory=list)
    hashed: int = 0

    def count(self, state: str) -> int:
        return sum(1 for f in self.files if f.state == state)


class NotRegular(OSError):
    pass


def sha256_file(path: str) -> str:
    fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC)
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            raise NotRegular(path)
        os.set_blocking(fd, True)
        h = hashlib.sha256()
        with os.fdopen(fd, "rb", closefd=False) as fh:
            for chunk in iter(lambda: fh.read(1 << 20), b""):
                h.update(chunk)
        return h.hexdigest()
    finally:
        os.close(fd)


def _kind(mode: int) -> str:
    if stat.S_ISFIFO(mode):
        return "fifo"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "device"
    if stat.S_ISSOCK(mode):
        return "socket"
    return "other"


def _classify(p: str, root: Path) -> tuple[str | None, os.stat_result | None, str]:
    """(skip kind or None, stat of what is read, path to read)."""
    try:
        st = os.lstat(p)
    except OSError:
        return "unreadable", None, p
    if stat.S_ISLNK(st.st_mode):
        try:
            target = Path(p).resolve(strict=True)
        except (OSError, RuntimeError):
            return "broken", None, p
        if not target.is_relative_to(root):
            return "outside", None, p
        try:
            st = os.lstat(target)  # resolved: no link left
        except OSError:
            return "broken", None, p
        p = str(target)
        if stat.S_ISDIR(st.st_mode):
            return "dir_link", None, p
    if not stat.S_ISREG(st.st_mode):
        return _kind(st.st_mode), None, p
    return None, st, p


def list_inbox(inbox: Path, skipped: list[Skipped] | None = None) -> list[InboxFile]:
    out: list[InboxFile] = []
    root = Path(inbox).resolve()
    skipped = [] if skipped is None else skipped
    for dirpath, dirnames, filenames in os.walk(root):
        links = [d for d in dirnames if os.path.islink(os.path.join(dirpath, d))]
        for d in sorted(links):
            rel = Path(dirpath, d).relative_to(root).as_posix()
            if not d.startswith("."):
                skipped.append(Skipped(rel, "dir_link"))
        dirnames[:] = sorted(d for d in dirnames if not d.startswith(".") and d not in links)
        for name in sorted(filenames):
            if name.startswith((".", "~$")) or name in SIDECARS:
                continue
            p = os.path.join(dirpath, name)
            rel = Path(p).relative_to(root).as_posix()
            kind, st, target = _classify(p, root)
            if kind is not None or st is None:
                skipped.append(Skipped(rel, kind or "unreadable"))
                continue
            out.append(InboxFile(path=rel, abspath=target, size=st.st_size, mtime_ns=st.st_mtime_ns,
                                 ctime_ns=st.st_ctime_ns, inode=st.st_ino))  # fmt: skip
    return out


def _pseudo_digest(f: InboxFile) -> str:
    """An id for a file that is not read (too large): path and stat, not content."""
    return "unread-" + hashlib.sha256(f"{f.path}|{f.size}|{f.mtime_ns}".encode()).hexdigest()[:57]


def scan(inbox: Path, known: dict[str, tuple], threads: int = 4, max_bytes: int | None = None) -> ScanResult:
    """``known``: relative path -> (sha256, size, mtime_ns[, ctime_ns, inode]) from the
    previous refresh. Paths are relative to the inbox, so a moved or copied inbox
    is still known (its files are re-hashed once: their ctime and inode differ)."""
    result = ScanResult()
    files = list_inbox(inbox, result.skipped)
    todo = []
    for f in files:
        prev = known.get(f.path)
        if max_bytes and f.size > max_bytes:
            f.sha256, f.oversize = _pseudo_digest(f), True
        elif prev and tuple(prev[1:5]) == (f.size, f.mtime_ns, f.ctime_ns, f.inode):
            f.sha256 = prev[0]
        else:
            todo.append(f)

    def digest(f: InboxFile) -> str | None:
        try:
            return sha256_file(f.abspath)
        except OSError:  # gone, swapped for a FIFO, unreadable
            return None

    if todo:
        with ThreadPoolExecutor(max_workers=threads) as pool:
            for f, d in zip(todo, pool.map(digest, todo), strict=True):
                f.sha256 = d or ""
    for f in [f for f in files if not f.sha256]:
        files.remove(f)
        result.skipped.append(Skipped(f.path, "unreadable"))
    for f in files:
        prev = known.get(f.path)
        if prev is None:
            f.state = "new"
        elif prev[0] != f.sha256:
            f.state = "changed"
        else:
            f.state = "unchanged"
    present = {f.path for f in files}
    result.files = files
    result.missing = sorted(p for p in known if p not in present)
    result.hashed = len(todo)
    return result
