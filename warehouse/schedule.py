"""``juesuan schedule``: run refresh on a cron schedule inside this process
(APScheduler 3). Keeping one process means dbt is imported and the project
parsed once, so every scheduled refresh after the first is faster. A run that
finds another refresh holding the lock is skipped, not queued."""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path

log = logging.getLogger("juesuan.schedule")


def make_scheduler(cron: str, job: Callable[[], None], blocking: bool = True):
    from apscheduler.schedulers.background import BackgroundScheduler
    from apscheduler.schedulers.blocking import BlockingScheduler
    from apscheduler.triggers.cron import CronTrigger

    try:
        trigger = CronTrigger.from_crontab(cron)
    except ValueError as exc:
        raise ValueError(f"无效的 cron 表达式「{cron}」：{exc}") from None
    sched = (BlockingScheduler if blocking else BackgroundScheduler)()
    sched.add_job(job, trigger, id="refresh", max_instances=1, coalesce=True, misfire_grace_time=3600)
    return sched


def refresh_job(inbox: Path, warehouse: Path, units: Path | None, report: Callable[[str], None], **options):
    """The scheduled job: one refresh, never raising (the scheduler keeps going)."""

    def job() -> None:
        from warehouse.lock import WarehouseLocked
        from warehouse.refresh import RefreshFailed, refresh

        try:
            s = refresh(inbox, warehouse, units=units, **options)
        except WarehouseLocked as exc:
            report(f"跳过：{exc}")
            return
        except RefreshFailed as exc:
            report(f"刷新失败（运行 {exc.summary.run_id}）：{exc}")
            return
        except Exception as exc:  # keep the scheduler alive
            log.exception("refresh crashed")
            report(f"刷新异常：{type(exc).__name__}：{exc}")
            return
        report(
            f"刷新完成（运行 {s.run_id}，{s.status}）：新文件 {s.files_new}，变更 {s.files_changed}，"
            f"未变 {s.files_unchanged}，隔离 {s.documents_quarantined}，"
            f"问题 {'—' if s.findings is None else s.findings}，用时 {s.total_seconds:.1f} 秒"
        )

    return job
