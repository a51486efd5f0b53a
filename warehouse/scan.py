"""Inbox scan: which files are new, changed or unchanged, by sha256.

A file's digest is reused from the previous refresh when its path, size and
mtime are unchanged (like git's index), so a refresh of a large inbox stats
every file but hashes only what moved."""

from __future__ import annotations

import hashlib
import os
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

# Files the sample generator and people put next to the documents.
SIDECARS = {"manifest.json", "units.csv"}


@dataclass
class InboxFile:
    path: str  # relative to the inbox, "/"-separated (the registry key)
    abspath: str
    size: int
    mtime_ns: int
    sha256: str = ""
    state: str = ""  # new | changed | unchanged


@dataclass
class ScanResult:
    files: list[InboxFile] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)  # known paths no longer in the inbox
    hashed: int = 0

    def count(self, state: str) -> int:
        return sum(1 for f in self.files if f.state == state)


def sha256_file(path: str) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def list_inbox(inbox: Path) -> list[InboxFile]:
    out: list[InboxFile] = []
    root = Path(inbox).resolve()
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
        for name in sorted(filenames):
            if name.startswith((".", "~$")) or name in SIDECARS:
                continue
            p = os.path.join(dirpath, name)
            try:
                st = os.stat(p)
            except OSError:
                continue
            rel = Path(p).relative_to(root).as_posix()
            out.append(InboxFile(path=rel, abspath=p, size=st.st_size, mtime_ns=st.st_mtime_ns))
    return out


def scan(inbox: Path, known: dict[str, tuple[str, int, int]], threads: int = 4) -> ScanResult:
    """``known``: relative path -> (sha256, size, mtime_ns) from the previous refresh.
    Paths are relative to the inbox, so a moved or copied inbox is still known."""
    files = list_inbox(inbox)
    todo = []
    for f in files:
        prev = known.get(f.path)
        if prev and prev[1] == f.size and prev[2] == f.mtime_ns:
            f.sha256 = prev[0]
        else:
            todo.append(f)
    if todo:
        with ThreadPoolExecutor(max_workers=threads) as pool:
            for f, digest in zip(todo, pool.map(lambda x: sha256_file(x.abspath), todo), strict=True):
                f.sha256 = digest
    for f in files:
        prev = known.get(f.path)
        if prev is None:
            f.state = "new"
        elif prev[0] != f.sha256:
            f.state = "changed"
        else:
            f.state = "unchanged"
    present = {f.path for f in files}
    missing = sorted(p for p in known if p not in present)
    return ScanResult(files=files, missing=missing, hashed=len(todo))
