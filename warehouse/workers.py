"""Bounded parsing: every document is read in a worker process under a time and
a memory limit, and a worker that exceeds either is killed and replaced; the
document gets a quarantine reason (超时 / 内存超限) and the batch goes on.

Workers are plain child processes (``python -m warehouse.worker``), not a
``ProcessPoolExecutor``: a pool cannot kill one hung task, and a stopped or
looping worker would hold the refresh (and its lock) for ever."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import time
from collections import deque
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from multiprocessing.connection import Connection, wait

from warehouse import parsing
from warehouse.paths import REPO_ROOT

MB = 1024 * 1024


def _env_number(name: str, default: float) -> float:
    try:
        return float(os.environ.get(name, "") or default)
    except ValueError:
        return default


@dataclass
class ParseLimits:
    """Per document. The defaults fit a 300-page PDF with room to spare
    (docs/benchmarks.md: bench_fuzz.py measures one)."""

    seconds: float = 300.0  # wall clock, from handing the file to a worker
    memory_mb: int = 2048  # resident memory of the worker (and its address-space growth)
    max_file_mb: float = 200.0  # larger files are not read at all

    @classmethod
    def from_env(cls, **overrides) -> ParseLimits:
        """``$JUESUAN_PARSE_TIMEOUT`` (s), ``$JUESUAN_PARSE_MEMORY_MB``, ``$JUESUAN_MAX_FILE_MB``;
        explicit (non-None) overrides win."""
        base = cls(
            seconds=_env_number("JUESUAN_PARSE_TIMEOUT", cls.seconds),
            memory_mb=int(_env_number("JUESUAN_PARSE_MEMORY_MB", cls.memory_mb)),
            max_file_mb=_env_number("JUESUAN_MAX_FILE_MB", cls.max_file_mb),
        )
        for k, v in overrides.items():
            if v is not None:
                setattr(base, k, v)
        return base

    @property
    def max_file_bytes(self) -> int:
        return int(self.max_file_mb * MB)


def _memory(pid: int) -> tuple[int, int]:
    """(resident bytes, peak address-space bytes) of a live process; zeros when gone."""
    rss = peak = 0
    try:
        with open(f"/proc/{pid}/status", encoding="ascii") as fh:
            for line in fh:
                if line.startswith("VmRSS:"):
                    rss = int(line.split()[1]) * 1024
                elif line.startswith("VmPeak:"):
                    peak = int(line.split()[1]) * 1024
    except (OSError, ValueError, IndexError):
        pass
    return rss, peak


class _Worker:
    def __init__(self, spec: str, limits: ParseLimits):
        child_in, parent_out = os.pipe()
        parent_in, child_out = os.pipe()
        env = dict(os.environ)
        env["PYTHONPATH"] = os.pathsep.join(p for p in (str(REPO_ROOT), env.get("PYTHONPATH")) if p)
        try:
            self.proc = subprocess.Popen(
                [sys.executable, "-m", "warehouse.worker", str(os.getpid()), str(child_in), str(child_out),
                 spec, str(limits.memory_mb * MB)],
                pass_fds=(child_in, child_out), stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL, env=env, close_fds=True,
            )  # fmt: skip
        finally:
            os.close(child_in)
            os.close(child_out)
        self.send = Connection(parent_out, readable=False)
        self.recv = Connection(parent_in, writable=False)
        self.job: tuple[str, str] | None = None
        self.started = 0.0
        self.base_peak = 0  # address space before the first job
        self.peak = 0  # the highest address space seen during the current job

    def give(self, key: str, path: str) -> None:
        self.job, self.started = (key, path), time.monotonic()
        self.base_peak = self.base_peak or _memory(self.proc.pid)[1]
        self.peak = 0
        self.send.send((key, path))

    def died_of_memory(self, limit: int) -> bool:
        """A worker that died by a signal after its address space grew by more than
        half the limit ran out of memory: native code (PDF libraries) aborts when
        an allocation fails under the RLIMIT_AS cap instead of raising MemoryError."""
        rc = self.proc.poll()
        return rc is not None and rc < 0 and limit > 0 and self.peak - self.base_peak > limit // 2

    def kill(self) -> None:
        with contextlib.suppress(ProcessLookupError):
            self.proc.send_signal(signal.SIGKILL)
        for c in (self.send, self.recv):
            with contextlib.suppress(OSError):
                c.close()
        with contextlib.suppress(subprocess.TimeoutExpired):
            self.proc.wait(timeout=10)

    def close(self) -> None:
        with contextlib.suppress(OSError):
            self.send.close()  # the worker exits at end of input
        try:
            self.proc.wait(timeout=2)
        except subprocess.TimeoutExpired:
            self.kill()
        with contextlib.suppress(OSError):
            self.recv.close()


class WorkerPool:
    """``workers`` parse workers; ``run(items)`` yields (key, outcome) as they finish."""

    def __init__(self, spec: str, workers: int = 2, limits: ParseLimits | None = None,
                 poll_seconds: float = 0.05):  # fmt: skip
        self.spec, self.size = spec, max(1, workers)
        self.limits = limits or ParseLimits.from_env()
        self.poll = poll_seconds
        self.workers: list[_Worker] = []
        self.replaced = 0

    def __enter__(self) -> WorkerPool:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def close(self) -> None:
        for w in self.workers:
            w.close()
        self.workers = []

    def _replace(self, w: _Worker) -> None:
        w.kill()
        self.workers.remove(w)
        self.replaced += 1

    def run(self, items: Iterable[tuple[str, str]], on_tick: Callable[[], None] | None = None,
            on_page: Callable[[str, int, int], None] | None = None):  # fmt: skip
        limits = self.limits
        queue: deque[tuple[str, str]] = deque()
        for key, path in items:
            too_big = _too_large(path, limits)
            if too_big:
                yield key, too_big
            else:
                queue.append((key, path))
        busy: dict[int, _Worker] = {}
        while queue or busy:
            while queue and len(busy) < self.size:
                idle = [w for w in self.workers if w.job is None]
                w = idle[0] if idle else None
                if w is None:
                    w = _Worker(self.spec, limits)
                    self.workers.append(w)
                key, path = queue.popleft()
                try:
                    w.give(key, path)
                except OSError:  # died while idle: a fresh one takes the job
                    self._replace(w)
                    queue.appendleft((key, path))
                    continue
                busy[id(w)] = w
            ready = wait([w.recv for w in busy.values()], timeout=self.poll)
            for w in list(busy.values()):
                assert w.job is not None  # a busy worker holds its job
                key, path = w.job
                if w.recv in ready:
                    try:
                        got_key, outcome = w.recv.recv()
                    except (EOFError, OSError):  # the worker died: native crash or a signal
                        with contextlib.suppress(subprocess.TimeoutExpired):
                            w.proc.wait(timeout=5)
                        if w.died_of_memory(limits.memory_mb * MB):
                            outcome = parsing.memory_outcome(
                                path, limits.memory_mb * MB, time.monotonic() - w.started
                            )
                        else:
                            outcome = parsing.crash_outcome(path, w.proc.poll())
                        got_key = key
                        self._replace(w)
                    else:
                        if set(outcome) == {"page"}:  # a scanned page read: the job goes on
                            if on_page:
                                on_page(got_key, *outcome["page"])
                            continue
                        w.job = None
                        if outcome.get("code") == "memory_limit":
                            self._replace(w)
                    del busy[id(w)]
                    yield got_key, outcome
                    continue
                elapsed = time.monotonic() - w.started
                if elapsed > limits.seconds:
                    self._replace(w)
                    del busy[id(w)]
                    yield key, parsing.timeout_outcome(path, limits.seconds, elapsed)
                    continue
                rss, peak = _memory(w.proc.pid)
                w.peak = max(w.peak, peak)
                if limits.memory_mb and rss > limits.memory_mb * MB:
                    self._replace(w)
                    del busy[id(w)]
                    yield key, parsing.memory_outcome(path, limits.memory_mb * MB, elapsed)
            if on_tick:
                on_tick()


def _too_large(path: str, limits: ParseLimits) -> dict | None:
    try:
        size = os.stat(path).st_size
    except OSError:
        return None  # the worker reports it
    if limits.max_file_mb and size > limits.max_file_bytes:
        return parsing.too_large_outcome(path, size, limits.max_file_bytes)
    return None
