"""Where Great Expectations runs: in a child process (``python -m
expectations.gx_worker``) started early so that GX's slow import (~5-15 s)
overlaps with other work (the refresh's dbt build; a check's loading and rule
evaluation), and that validates one part of the checks while this process
computes the next; else in this process. Either way ``expectations.gx_suites``
validates one suite per rule and the answer is the same."""

from __future__ import annotations

import atexit
import contextlib
import json
import os
import subprocess
import sys
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

_WORKER: subprocess.Popen | None = None
_PENDING: ThreadPoolExecutor | None = None  # sends requests to _WORKER and reads its answers
route: str | None = None  # where this run's validations ran: "worker" (prepared child), "here" if any here


def wanted() -> bool:
    return os.environ.get("JUESUAN_DQ_GX", "1") != "0"


def prepare() -> None:
    """Start importing Great Expectations in a child process. The next ``validate``
    sends its residuals there. A no-op when GX is switched off or a child is
    already waiting. The child exits when this process closes its stdin (or
    dies), or after 15 idle minutes."""
    global _WORKER, route
    route = None
    if not wanted() or (_WORKER is not None and _WORKER.poll() is None):
        return
    try:
        _WORKER = subprocess.Popen(
            [sys.executable, "-m", "expectations.gx_worker"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            text=True,
            encoding="utf-8",
            cwd=str(Path(__file__).resolve().parents[1]),
            env={**os.environ, "GX_ANALYTICS_ENABLED": "false", "TQDM_DISABLE": "1"},
        )
    except OSError:
        _WORKER = None


def discard() -> None:
    """Let a prepared GX child go, after its pending answers: it exits on end of
    input; its exit (interpreter teardown, ~1 s with GX loaded) is awaited off the
    caller's path."""
    global _WORKER, _PENDING
    if _PENDING is not None:
        _PENDING.shutdown(wait=True)
        _PENDING = None
    worker, _WORKER = _WORKER, None
    if worker is not None and worker.poll() is None:
        with contextlib.suppress(Exception):
            assert worker.stdin is not None
            worker.stdin.close()
        threading.Thread(target=_reap, args=(worker,), daemon=True).start()


def _reap(worker: subprocess.Popen) -> None:
    try:
        worker.wait(timeout=10)
    except subprocess.TimeoutExpired:
        worker.kill()
        worker.wait()


atexit.register(discard)


def _exchange(worker: subprocess.Popen, excess: dict[str, list[float]]) -> dict[str, dict] | None:
    """One request to the child and its answer (None when it failed or died)."""
    try:
        assert worker.stdin is not None and worker.stdout is not None
        worker.stdin.write(json.dumps({"excess": excess}) + "\n")
        worker.stdin.flush()
        answer = json.loads(worker.stdout.readline())
    except Exception:
        return None
    return answer.get("results")


def submit(excess: dict[str, list[float]], *, here: bool = False) -> Callable[[], dict[str, dict]]:
    """Start validating the catalogue's suites on the residuals of the checks that ran
    (``excess[rule_id]``: one value per check, in the caller's order); the returned
    function waits for the answer: per rule {"expectation", "evaluated", "success",
    "bad": positions in its list}. With a prepared child the validation runs there
    while the caller computes the next part; requests are answered in order. Without
    one (or when it fails) the answer is computed here when it is asked for."""
    global _PENDING
    worker = None if here else _WORKER
    if worker is None or worker.poll() is not None:
        return lambda: _answered_here(excess)
    if _PENDING is None:
        _PENDING = ThreadPoolExecutor(max_workers=1, thread_name_prefix="gx")  # one thread: requests in order
    future = _PENDING.submit(_exchange, worker, excess)

    def answer() -> dict[str, dict]:
        global route
        try:
            results = future.result(timeout=600)
        except Exception:
            results = None
        if results is None:
            return _answered_here(excess)
        route = route or "worker"
        return results

    return answer


def _answered_here(excess: dict[str, list[float]]) -> dict[str, dict]:
    global route
    route = "here"
    return validate_here(excess)


def validate(excess: dict[str, list[float]], *, here: bool = False) -> dict[str, dict]:
    """``submit`` and wait for the answer."""
    return submit(excess, here=here)()


def validate_here(excess: dict[str, list[float]]) -> dict[str, dict]:
    from expectations import gx_suites
    from expectations.engine import load_rules

    results = gx_suites.validate(load_rules(), excess)
    return {
        rid: {"expectation": r.expectation, "evaluated": r.evaluated, "success": r.success, "bad": r.bad}
        for rid, r in results.items()
    }
