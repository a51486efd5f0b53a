"""``juesuan refresh``: inbox -> raw records -> dbt marts -> data quality ->
atomic publish. The orchestrator: the steps themselves are in warehouse/steps.py.

Publishing: two warehouse files alternate (warehouse/slots.py). Every write of
this run goes into the one readers do not use (the standby, one refresh behind),
and only a complete, checked build is published, by pointing the published
path (a symlink) at it in one ``os.replace`` (atomic on one filesystem). Readers
see the old file or the new one, never a half-built one; a crash at any point
leaves the published file untouched. Unchanged documents are not parsed again:
their raw records are Parquet files outside the warehouse (warehouse/rawfiles.py)."""

from __future__ import annotations

import contextlib
import time
from collections.abc import Callable
from datetime import datetime
from pathlib import Path

from warehouse import quality, runlog, slots
from warehouse.lock import RefreshLock
from warehouse.paths import WarehousePaths
from warehouse.progress import Progress
from warehouse.summary import RefreshFailed, RefreshSummary

__all__ = ["RefreshFailed", "RefreshSummary", "refresh"]


def refresh(
    inbox: Path,
    warehouse: Path,
    units: Path | None = None,
    parser: str | None = None,
    workers: int = 2,
    reparse: bool = False,
    rebuild: bool = False,
    progress: bool = False,
    checks: bool = True,
    docs: Path | None = None,
    console=None,
    on_summary: Callable[[RefreshSummary], None] | None = None,
    limits=None,
) -> RefreshSummary:
    """Run one refresh. Raises WarehouseLocked when another refresh holds the
    lock and RefreshFailed (carrying the summary) when the run fails; the
    published warehouse is untouched in both cases."""
    from warehouse import steps
    from warehouse.workers import ParseLimits

    paths, t0, now = WarehousePaths(Path(warehouse)), time.perf_counter(), datetime.now()
    summary = RefreshSummary(run_id=steps.new_run_id(now), started_at=now, inbox=str(Path(inbox).resolve()),
                             warehouse=str(paths.warehouse))  # fmt: skip
    run = steps.Run(paths, Path(inbox), summary, RefreshLock(paths.lock).acquire(), limits or ParseLimits.from_env(),
                    now, units, parser, workers, reparse, rebuild, checks)  # fmt: skip
    try:
        steps.begin(run)
        with Progress(progress, console) as run.prog:
            steps.scan_inbox(run)
            if not steps.plan(run):
                run.close()
                summary.status = "unchanged"
                summary.notes.append("没有新的或变更的文件，数据仓库未改动")
                _docs(summary, paths, docs)  # asked for: built from the published warehouse as it is
                return _finish(summary, paths, t0, on_summary)
            steps.prepare(run)
            steps.parse(run)
            steps.load(run)
            steps.build(run)
            steps.check(run)
            steps.publish(run, t0)
        run.close()
        _docs(summary, paths, docs)
        return _finish(summary, paths, t0, on_summary)
    except BaseException as exc:
        with contextlib.suppress(Exception):
            run.close()
        summary.error = getattr(exc, "message", None) or str(exc) or type(exc).__name__
        if summary.published:  # the new warehouse is out; only bookkeeping after it failed
            raise
        steps.remove(slots.slot(paths, "copy"))  # a standby is kept: the next run catches it up
        summary.status = "interrupted" if isinstance(exc, KeyboardInterrupt) else "failed"
        _finish(summary, paths, t0, on_summary)
        if isinstance(exc, Exception):
            raise RefreshFailed(summary) from exc
        raise
    finally:
        quality.stop_children()
        run.lock.release()


def _docs(summary: RefreshSummary, paths: WarehousePaths, docs: Path | None) -> None:
    """``--docs``: dbt's docs and the Data Docs (``<docs>/dq/``) of the published warehouse."""
    if docs is None or not paths.warehouse.exists():
        return
    from warehouse import transform

    try:  # the data is published; docs are a convenience
        summary.notes.append(f"dbt 文档：{transform.generate_docs(paths.warehouse, docs)}")
    except Exception as exc:
        summary.notes.append(f"dbt 文档生成失败：{exc}")
    try:
        summary.notes.append(f"数据质量报告：{quality.build_docs(paths.warehouse, Path(docs) / 'dq')}")
    except Exception as exc:
        summary.notes.append(f"数据质量报告生成失败：{exc}")


def _finish(summary: RefreshSummary, paths: WarehousePaths, t0: float, on_summary) -> RefreshSummary:
    summary.finished_at = summary.finished_at or datetime.now()
    summary.total_seconds = time.perf_counter() - t0
    record = {k: v for k, v in summary.record().items() if k != "started_at"}
    runlog.end(paths.journal, {**record, "timings": {k: round(v, 3) for k, v in summary.timings.items()},
                               "skipped": summary.skipped[:200], "missing": summary.missing[:200]})  # fmt: skip
    if on_summary:
        on_summary(summary)
    return summary
