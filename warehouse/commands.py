"""``juesuan refresh`` / ``status`` / ``schedule`` / ``serve`` (registered by cli.py).

Module-level imports stay light: the heavy ones (duckdb, dbt, the reader)
happen inside the commands."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from warehouse.paths import default_inbox, default_warehouse

InboxOpt = Annotated[Path, typer.Option("--inbox", help="收件箱目录（待入库的决算公开文件）")]
WarehouseOpt = Annotated[Path, typer.Option("--warehouse", help="数据仓库文件 (DuckDB)")]
DEFAULT_INBOX = default_inbox()
DEFAULT_WAREHOUSE = default_warehouse()
UnitsOpt = Annotated[
    Path | None,
    typer.Option("--units", help="单位名录 units.csv（默认：收件箱中的 units.csv，否则 data/units.csv）"),
]

EXIT_DQ_FAILED, EXIT_LOCKED, EXIT_STUCK = 2, 3, 4

STATUS_ZH = {
    "success": "成功",
    "unchanged": "无变化",
    "failed": "失败",
    "interrupted": "中断",
    "running": "进行中",
    "dq_failed": "已发布，数据质量检查出错",
}


def _console():
    from rich.console import Console

    return Console()


def print_summary(s, console=None) -> None:
    """The end-of-refresh summary, in Chinese."""
    from rich.table import Table

    console = console or _console()
    status = STATUS_ZH.get(s.status, s.status)
    console.print(f"[bold]刷新{status}[/bold]（运行 {s.run_id}，用时 {s.total_seconds:.1f} 秒）")
    t = Table(show_header=False, box=None, padding=(0, 2))
    t.add_row("新文件", str(s.files_new))
    t.add_row("变更文件", str(s.files_changed))
    t.add_row("未变文件", str(s.files_unchanged))
    if s.files_duplicate:
        t.add_row("重复内容（同一文档）", str(s.files_duplicate))
    if s.files_missing:
        t.add_row("收件箱中已移除（文档标记为撤回，数据保留）", str(s.files_missing))
    if s.skipped:
        t.add_row("跳过的非普通文件", str(len(s.skipped)))
    t.add_row("解析文档", str(s.documents_parsed))
    t.add_row("入库文档", str(s.documents_loaded))
    t.add_row("隔离文档", str(s.documents_quarantined))
    if s.documents_superseding:
        t.add_row("更正替换旧版本", str(s.documents_superseding))
    if s.units_flagged:
        t.add_row("待审核的新单位名称", str(s.units_flagged))
    if s.dq_ran:
        t.add_row("数据质量问题", "—" if s.findings is None else str(s.findings))
    elif s.status in ("success", "dq_failed"):
        t.add_row("数据质量问题", "未检查（规则模块不存在或已跳过）")
    console.print(t)
    for name, reason in s.quarantined[:20]:
        console.print(f"  [yellow]隔离[/yellow] {name}：{reason}")
    if len(s.quarantined) > 20:
        console.print(f"  … 另有 {len(s.quarantined) - 20} 个隔离文件（见 juesuan status）")
    for path in s.missing[:20]:
        console.print(f"  [yellow]已移除[/yellow] {path}：其文档标记为撤回（不再是当前版本，数据保留）")
    for path, reason in s.skipped[:20]:
        console.print(f"  [yellow]跳过[/yellow] {path}：{reason}")
    for note in s.notes:
        console.print(note)
    if s.error:
        console.print(f"[red]{s.error}[/red]")
    if s.status in ("failed", "interrupted"):
        console.print("数据仓库保持上一次发布的版本，未受影响。")


def refresh(
    inbox: InboxOpt = DEFAULT_INBOX,
    warehouse: WarehouseOpt = DEFAULT_WAREHOUSE,
    units: UnitsOpt = None,
    reparse: Annotated[bool, typer.Option("--reparse", help="重新解析所有文件（阅读器升级后）")] = False,
    rebuild: Annotated[bool, typer.Option("--rebuild", help="从空库重建（不重新解析）")] = False,
    checks: Annotated[bool, typer.Option("--checks/--no-checks", help="运行数据质量规则")] = True,
    workers: Annotated[int, typer.Option("--workers", help="解析进程数")] = 2,
    docs: Annotated[
        Path | None, typer.Option("--docs", help="发布后生成 dbt 文档（离线可用的单个 HTML）到此目录")
    ] = None,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="不显示进度条")] = False,
    parse_timeout: Annotated[
        float | None, typer.Option("--parse-timeout", help="每个文件的解析时限（秒，默认 300）")
    ] = None,
    parse_memory: Annotated[
        int | None, typer.Option("--parse-memory", help="每个解析进程的内存上限（MB，默认 2048）")
    ] = None,
    max_file_mb: Annotated[
        float | None, typer.Option("--max-file-mb", help="文件大小上限（MB，默认 200；更大的文件不读取）")
    ] = None,
) -> None:
    """刷新数据仓库：入库新增和变更的文件，构建数据集市，检查数据质量，原子发布。

    退出状态：0 已发布或无变化；1 失败（数据仓库保持原样）；2 已发布但数据质量检查出错；
    3 另一个刷新正在进行；4 另一个刷新似乎卡住（长时间没有进展）。"""
    from warehouse.lock import WarehouseLocked
    from warehouse.refresh import RefreshFailed
    from warehouse.refresh import refresh as run
    from warehouse.workers import ParseLimits

    console = _console()
    limits = ParseLimits.from_env(seconds=parse_timeout, memory_mb=parse_memory, max_file_mb=max_file_mb)
    try:
        s = run(inbox, warehouse, units=units, reparse=reparse, rebuild=rebuild, checks=checks, docs=docs,
                workers=workers, progress=not quiet and console.is_terminal, console=console,
                limits=limits)  # fmt: skip
    except WarehouseLocked as exc:
        console.print(f"[red]{exc}[/red]")
        raise typer.Exit(EXIT_STUCK if exc.stuck else EXIT_LOCKED) from None
    except RefreshFailed as exc:
        print_summary(exc.summary, console)
        raise typer.Exit(1) from None
    print_summary(s, console)
    if s.status == "dq_failed":
        raise typer.Exit(EXIT_DQ_FAILED)


def status(
    warehouse: WarehouseOpt = DEFAULT_WAREHOUSE,
    as_json: Annotated[bool, typer.Option("--json", help="以 JSON 输出")] = False,
) -> None:
    """数据仓库状态：最近一次刷新、数据新鲜度、各年度文档数、隔离文件。"""
    import json

    from rich.table import Table

    from warehouse.status import age_text, collect

    info = collect(warehouse)
    if as_json:
        print(json.dumps(info, ensure_ascii=False, default=str, indent=1))
        return
    console = _console()
    run = info["running"]
    if run and run.get("stuck"):
        quiet = run.get("quiet_seconds")
        console.print(
            f"[red]刷新似乎卡住：进程 {run.get('pid', '?')}（开始于 {run.get('started', '?')}）"
            + (f"已 {int(quiet // 60)} 分钟没有进展" if quiet is not None else "没有进展记录")
            + (f"，停在「{run['step']}」" if run.get("step") else "")
            + "[/red]"
        )
    elif run:
        console.print(
            f"[yellow]刷新正在进行（进程 {run.get('pid', '?')}，步骤「{run.get('step') or '—'}」）[/yellow]"
        )
    dead = [r for r in info["recent_runs"] if r.get("status") == "interrupted"]
    if dead and dead[-1] is info["recent_runs"][-1]:
        console.print(
            f"[red]上一次刷新（运行 {dead[-1]['run_id']}）未正常结束（进程已不在）：下次刷新会清理并重做[/red]"
        )
    if not info["exists"]:
        console.print(f"数据仓库 {info['warehouse']} 尚不存在：请先运行 juesuan refresh")
    last = info["last_run"]
    if last:
        st = STATUS_ZH.get(last.get("status"), last.get("status"))
        console.print(f"最近一次刷新：{last.get('started_at', '—')}（{st}）" + (
            f"，错误：{last['error']}" if last.get("error") else ""))  # fmt: skip
    ok = info["last_success"]
    if info["published_at"]:
        console.print(
            f"数据发布于：{info['published_at']:%Y-%m-%d %H:%M}（{age_text(info['published_at'])}）"
        )
    if ok:
        console.print(f"最近一次成功入库：运行 {ok['run_id']}，新增 {ok['files_new']}，变更 {ok['files_changed']}，"
                      f"隔离 {ok['documents_quarantined']}")  # fmt: skip
    if info["documents_by_year"]:
        t = Table(title="各年度文档")
        for col in ("年度", "当前文档", "单位", "被更正的旧版本", "应公开", "未公开", "最近公开日期"):
            t.add_column(col)
        for r in info["documents_by_year"]:
            t.add_row(str(r["fiscal_year"]), str(r["current_documents"]), str(r["units"]), str(r["superseded"]),
                      str(r.get("expected", "—")), str(r.get("missing", "—")),
                      str(r["latest_publication"] or "—"))  # fmt: skip
        console.print(t)
    if info["quarantine_total"]:
        t = Table(title=f"隔离文件（共 {info['quarantine_total']} 个）")
        t.add_column("文件")
        t.add_column("原因")
        for q in info["quarantine"]:
            t.add_row(q["file_name"], q["quarantine_reason"] or "")
        console.print(t)
    else:
        console.print("隔离文件：无")
    if info.get("withdrawn"):
        t = Table(title=f"已从收件箱移除的文档（撤回，数据保留；共 {info['withdrawn_total']} 个）")
        for col in ("文件", "单位", "年度", "移除时间"):
            t.add_column(col)
        for w in info["withdrawn"]:
            t.add_row(
                w["file_name"],
                w["unit_name_printed"] or "",
                str(w["fiscal_year"] or "—"),
                str(w["withdrawn_at"] or "—"),
            )
        console.print(t)
    if info.get("skipped"):
        t = Table(title=f"收件箱中跳过的文件（共 {len(info['skipped'])} 个）")
        t.add_column("路径")
        t.add_column("原因")
        for path, reason in info["skipped"][:50]:
            t.add_row(path, reason)
        console.print(t)
    if info["units_needing_review"]:
        console.print(f"待审核单位名称：{len(info['units_needing_review'])} 个（dim_units.needs_review）")
        for u in info["units_needing_review"][:10]:
            hint = f"，可能是 {u['suggested_unit_id']}" if u["suggested_unit_id"] else ""
            console.print(f"  {u['canonical_name']}（{u['unit_id']}）{hint}")


def schedule(
    cron: Annotated[str, typer.Option("--cron", help="cron 表达式（分 时 日 月 周）")] = "0 2 * * *",
    inbox: InboxOpt = DEFAULT_INBOX,
    warehouse: WarehouseOpt = DEFAULT_WAREHOUSE,
    units: UnitsOpt = None,
    run_now: Annotated[bool, typer.Option("--run-now", help="启动时先刷新一次")] = False,
) -> None:
    """按 cron 计划在本进程内定时刷新（Ctrl-C 退出）。"""
    from datetime import datetime

    from warehouse.schedule import make_scheduler, refresh_job

    console = _console()

    def report(msg: str) -> None:
        console.print(f"[{datetime.now():%Y-%m-%d %H:%M:%S}] {msg}")

    job = refresh_job(inbox, warehouse, units, report)
    try:
        sched = make_scheduler(cron, job)
    except ValueError as exc:
        console.print(f"[red]{exc}[/red]")
        raise typer.Exit(2) from None
    if run_now:
        job()
    report(f"定时刷新已启动：cron「{cron}」，收件箱 {inbox}，数据仓库 {warehouse}（Ctrl-C 退出）")
    try:
        sched.start()
    except (KeyboardInterrupt, SystemExit):
        report("定时刷新已停止")


def serve(
    parquet_dir: Annotated[Path, typer.Argument(help="Spark 构建写出的 Parquet 目录（每个关系一个子目录）")],
    warehouse: WarehouseOpt = DEFAULT_WAREHOUSE,
    checks: Annotated[bool, typer.Option("--checks/--no-checks", help="导入后运行数据质量检查")] = True,
) -> None:
    """由 Spark 构建的 Parquet 文件生成供看板查询的数据仓库文件（导入为表，整体替换）。"""
    from warehouse.serving import ServingError, build

    try:
        result = build(parquet_dir, warehouse, checks=checks)
    except ServingError as exc:
        _console().print(f"[red]{exc}[/red]")
        raise typer.Exit(1) from None
    failed = result["failed"]
    _console().print(
        f"已生成 {warehouse}：{result['relations']} 个表，{result['rows']} 行"
        + (f"；数据质量检查不通过 {failed} 项" if failed else "")
    )
