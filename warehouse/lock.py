"""One refresh at a time per warehouse: an exclusive ``flock`` on ``<warehouse>.lock``.

The kernel drops the lock when its holder dies (even by SIGKILL), so a crashed
refresh can never leave a stale lock behind: stale-lock detection is the
kernel's. The holder writes its pid, start time and a heartbeat (time of its
last progress) into the file; it empties the file when it releases the lock.
So a non-empty file with a free lock is a dead holder's (taken over, with a
note: ``RefreshLock.stale``), and a held lock whose heartbeat is older than
``stuck_after()`` is a refresh that makes no progress (``WarehouseLocked.stuck``,
exit status 4 instead of 3)."""

from __future__ import annotations

import fcntl
import json
import os
import time
from pathlib import Path


def stuck_after() -> float:
    """Seconds without a heartbeat after which a running refresh counts as stuck
    (``$JUESUAN_STUCK_MINUTES``, default 30: well above the longest quiet step)."""
    try:
        return float(os.environ.get("JUESUAN_STUCK_MINUTES", "") or 30) * 60
    except ValueError:
        return 1800.0


class WarehouseLocked(RuntimeError):
    def __init__(self, path: Path, holder: dict | None):
        self.path = path
        self.holder = holder or {}
        pid = self.holder.get("pid", "?")
        since = self.holder.get("started", "?")
        what = self.holder.get("what", "刷新")
        if self.stuck:
            minutes = int(self.holder.get("quiet_seconds", 0) // 60)
            msg = (f"另一个{what}（进程 {pid}，开始于 {since}）已 {minutes} 分钟没有进展，可能卡住；"
                   f"请检查该进程（必要时 kill {pid}）后重试。本次未执行。")  # fmt: skip
        else:
            msg = f"另一个{what}正在进行（进程 {pid}，开始于 {since}），本次未执行。"
        super().__init__(msg)

    @property
    def stuck(self) -> bool:
        return bool(self.holder.get("stuck"))

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
    return info if isinstance(info, dict) and info else None


def _judge(info: dict) -> dict:
    """Add ``alive``, ``quiet_seconds`` and ``stuck`` to a held lock's info."""
    info = dict(info)
    pid = info.get("pid")
    info["alive"] = pid_alive(pid) if isinstance(pid, int) else True  # unreadable: assume alive
    beat = info.get("beat")
    quiet = time.time() - beat if isinstance(beat, int | float) else None
    info["quiet_seconds"] = quiet
    info["stuck"] = (not info["alive"]) or (quiet is not None and quiet > stuck_after())
    return info


class RefreshLock:
    """Context manager; ``RefreshLock(path).acquire()`` raises WarehouseLocked when held."""

    def __init__(self, path: Path, what: str = "刷新"):
        self.path = Path(path)
        self.what = what
        self._fd: int | None = None
        self._info: dict = {}
        self._last_beat = 0.0
        self.stale: dict | None = None  # a dead holder's info, when we took its lock over

    def acquire(self) -> RefreshLock:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(fd)
            raise WarehouseLocked(self.path, _judge(read_holder(self.path) or {})) from None
        self.stale = read_holder(self.path)  # a holder that released would have emptied it
        self._info = {
            "pid": os.getpid(),
            "started": time.strftime("%Y-%m-%d %H:%M:%S"),
            "what": self.what,
        }
        self._fd = fd
        self.beat("locked", force=True)
        return self

    def beat(self, step: str | None = None, force: bool = False) -> None:
        """Record progress (at most once a second): what ``status`` and a turned-away
        run use to tell a working refresh from a stuck one."""
        now = time.time()
        if self._fd is None or (not force and now - self._last_beat < 1.0 and step == self._info.get("step")):
            return
        self._last_beat = now
        self._info.update(beat=round(now, 3), step=step or self._info.get("step"))
        data = json.dumps(self._info, ensure_ascii=False).encode()
        os.pwrite(self._fd, data.ljust(max(len(data), 256)), 0)  # same size or larger: never torn short

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
            return _judge(read_holder(path) or {"pid": "?"})
        fcntl.flock(fd, fcntl.LOCK_UN)
        return None
    finally:
        os.close(fd)
