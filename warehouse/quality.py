"""The refresh's data-quality step (``expectations.runner``): the checks on the
build file, the acknowledgements log's bad lines, the Data Docs page for
``refresh --docs``, and stopping the GX helper with the run."""

from __future__ import annotations

import contextlib
import importlib
from pathlib import Path

import duckdb

from warehouse.paths import WarehousePaths


def _runner():
    return importlib.import_module("expectations.runner")  # looked up at call time (tests replace it)


def prepare() -> None:
    """Start Great Expectations' import in a helper process so that it overlaps
    with the dbt build (``expectations.runner.prepare``)."""
    prepare = getattr(_runner(), "prepare", None)
    if prepare is not None:
        prepare()


def run(con: duckdb.DuckDBPyConnection, run_id: str) -> tuple[bool, int | None]:
    """Run the checks on the build file. Returns (ran, failing findings)."""
    result = _runner().run_checks(con, run_id)
    return True, int(result["failed"])


def build_docs(warehouse: Path, out_dir: Path) -> Path:
    """The Data Docs page (every rule, its failing rows) from the published
    warehouse's findings, into ``out_dir``; also when the refresh changed nothing."""
    runner = _runner()
    with duckdb.connect(str(warehouse), read_only=True) as con:
        run_id = con.execute("select value from dq_state where key = 'last_run_id'").fetchone()
        return runner.write_data_docs(con, Path(out_dir), run_id[0] if run_id else "")


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
