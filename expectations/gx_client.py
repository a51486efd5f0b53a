"""Where Great Expectations runs: in a child process (``python -m
expectations.gx_worker``) started early so that GX's slow import (~5-15 s)
overlaps with other work (the refresh's dbt build; a check's loading and rule
evaluation), else in this process. Either way ``expectations.gx_suites``
validates one suite per rule and the answer is the same."""

from __future__ import annotations

import atexit
import contextlib
import json
import os
import subprocess
import sys
from pathlib import Path

_WORKER: subprocess.Popen | None = None
route: str | None = None  # where the last validation ran: "worker" (prepared child) or "here"


def wanted() -> bool:
    return os.environ.get("JUESUAN_DQ_GX", "1") != "0"


def prepare() -> None:
    """Start importing Great Expectations in a child process. The next ``validate``
    sends its residuals there. A no-op when GX is switched off or a child is
    already waiting. The child exits when this process closes its stdin (or
    dies), or after 15 idle minutes."""
    global _WORKER
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
    """Let a prepared GX child go (it exits on end of input)."""
    global _WORKER
    worker, _WORKER = _WORKER, None
    if worker is not None and worker.poll() is None:
        with contextlib.suppress(Exception):
            assert worker.stdin is not None
            worker.stdin.close()
        try:
            worker.wait(timeout=2)
        except subprocess.TimeoutExpired:
            worker.kill()
            worker.wait()


atexit.register(discard)


def _in_worker(excess: dict[str, list[float]]) -> dict[str, dict] | None:
    """The prepared child's answer, or None (no child, or it failed: validate here)."""
    global _WORKER
    worker, _WORKER = _WORKER, None
    if worker is None or worker.poll() is not None:
        return None
    try:
        out, _ = worker.communicate(json.dumps({"excess": excess}) + "\n", timeout=600)
        answer = json.loads(out.strip().splitlines()[-1])
    except Exception:
        with contextlib.suppress(Exception):
            worker.kill()
            worker.wait()
        return None
    return answer.get("results")


def validate(excess: dict[str, list[float]], *, here: bool = False) -> dict[str, dict]:
    """Validate the catalogue's suites on the residuals of the checks that ran
    (``excess[rule_id]``: one value per check, in the caller's order). Returns per
    rule {"expectation", "evaluated", "success", "bad": positions in its list}."""
    global route
    if not here:
        answer = _in_worker(excess)
        if answer is not None:
            route = "worker"
            return answer
    route = "here"
    return validate_here(excess)


def validate_here(excess: dict[str, list[float]]) -> dict[str, dict]:
    from expectations import gx_suites
    from expectations.engine import load_rules

    results = gx_suites.validate(load_rules(), excess)
    return {
        rid: {"expectation": r.expectation, "evaluated": r.evaluated, "success": r.success, "bad": r.bad}
        for rid, r in results.items()
    }
