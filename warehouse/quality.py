"""The refresh's data-quality step: ``expectations.runner`` when it exists (issue 5),
the acknowledgements log's bad lines, and stopping the GX helper with the run."""

from __future__ import annotations

import contextlib
import importlib
import importlib.util

from warehouse.paths import WarehousePaths


def prepare() -> None:
    """Let ``expectations.runner.prepare()`` (when present) start work that can
    overlap with the dbt build (Great Expectations' import, in a child process)."""
    with contextlib.suppress(Exception):
        if importlib.util.find_spec("expectations") and importlib.util.find_spec("expectations.runner"):
            prepare = getattr(importlib.import_module("expectations.runner"), "prepare", None)
            if prepare is not None:
                prepare()


def run(con, run_id: str) -> tuple[bool, int | None]:
    """Run ``expectations.runner.run_checks(con, run_id)`` when that module exists.
    Returns (ran, failing findings)."""
    if (
        importlib.util.find_spec("expectations") is None
        or importlib.util.find_spec("expectations.runner") is None
    ):
        return False, None
    runner = importlib.import_module("expectations.runner")
    if not hasattr(runner, "run_checks"):
        return False, None
    result = runner.run_checks(con, run_id)
    if isinstance(result, bool):
        result = None
    if isinstance(result, int):
        return True, result
    if isinstance(result, dict):
        for key in ("failed", "fail", "findings"):
            if isinstance(result.get(key), int):
                return True, result[key]
    try:
        n = con.execute(
            "select count(*) from dq_findings where run_id = ? and outcome = 'fail'", [run_id]
        ).fetchone()
        return True, int(n[0])
    except Exception:
        return True, None


def ack_problems(paths: WarehousePaths) -> list[str]:
    """Bad lines in the acknowledgements log (skipped by the checks, reported here)."""
    from warehouse import acks

    log = paths.dir / "dq_acks.jsonl"
    return [bad.message(log) for bad in acks.read(log).bad]


def stop_children() -> None:
    """The GX helper (when the data-quality module started one) ends with the run."""
    import sys

    runner = sys.modules.get("expectations.runner")
    if runner is not None and hasattr(runner, "discard"):
        with contextlib.suppress(Exception):
            runner.discard()
