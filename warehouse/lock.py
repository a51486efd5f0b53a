"""One refresh at a time per warehouse: an exclusive ``flock`` on ``<warehouse>.lock``.

The kernel drops the lock when its holder dies (even by SIGKILL), so a crashed
refresh can never leave a stale lock behind: stale-lock detection is the
kernel's. The holder's pid and start time are written into the file for the
message shown to whoever is turned away; a leftover file is just overwritten."""

from __future__ import annotations

import fcntl
import json
import os
import time
from pathlib import Path


class WarehouseLocked(RuntimeError):
    def __init__(self, path: Path, holder: dict | None):
        self.path = path
        self.holder = holder or {}
        pid = self.holder.get("pid", "?")
        since = self.holder.get("started", "?")
        what = self.holder.get("what", "刷新")
        super().__init__(f"另一个{what}正在进行（进程 {pid}，开始于 {since}），本次未执行。")

    @property
    def message(self) -> str:
        return str(self)


def pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def read_holder(path: Path) -> dict | None:
    try:
        info = json.loads(Path(path).read_text(encoding="utf-8") or "{}")
    except (OSError, ValueError):
        return None
    return info or None


class RefreshLock:
    """Context manager; ``RefreshLock(path).acquire()`` raises WarehouseLocked when held."""

    def __init__(self, path: Path, what: str = "刷新"):
        self.path = Path(path)
        self.what = what
        self._fd: int | None = None

    def acquire(self) -> RefreshLock:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(fd)
            raise WarehouseLocked(self.path, read_holder(self.path)) from None
        info = {
            "pid": os.getpid(),
            "started": time.strftime("%Y-%m-%d %H:%M:%S"),
            "what": self.what,
        }
        os.ftruncate(fd, 0)
        os.pwrite(fd, json.dumps(info, ensure_ascii=False).encode(), 0)
        self._fd = fd
        return self

    def release(self) -> None:
        if self._fd is None:
            return
        try:
            os.ftruncate(self._fd, 0)
            fcntl.flock(self._fd, fcntl.LOCK_UN)
        finally:
            os.close(self._fd)
            self._fd = None

    def __enter__(self) -> RefreshLock:
        return self.acquire()

    def __exit__(self, *exc) -> None:
        self.release()


def lock_holder(path: Path) -> dict | None:
    """Who holds the lock right now (None when free)."""
    path = Path(path)
    if not path.exists():
        return None
    fd = os.open(path, os.O_RDONLY | os.O_CLOEXEC)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_SH | fcntl.LOCK_NB)
        except BlockingIOError:
            return read_holder(path) or {"pid": "?"}
        fcntl.flock(fd, fcntl.LOCK_UN)
        return None
    finally:
        os.close(fd)
