"""`juesuan check` and `juesuan ack` (registered by cli.py). Module-level
imports stay light: duckdb, GX and the engine load inside the commands."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer


def _warehouse(path: Path | None) -> Path:
    from warehouse.paths import default_warehouse

    return Path(path) if path else default_warehouse()


def check(
    warehouse: Annotated[
        Path | None, typer.Option("--warehouse", "-w", help="仓库文件（默认 data/warehouse.duckdb）")
    ] = None,
    gx: Annotated[bool, typer.Option("--gx/--no-gx", help="用 Great Expectations 校验差额")] = True,
    docs: Annotated[
        Path | None, typer.Option("--docs", help="把 GX Data Docs 写到此目录（离线，无样式）")
    ] = None,
    full: Annotated[
        bool, typer.Option("--full/--changed", help="核对全部文件（默认），或只核对上次检查后新增/变更的文件")
    ] = True,
) -> None:
    """对当前仓库运行全部勾稽规则，结果写入 dq_findings / dq_summary。"""
    import os
    import shutil
    from datetime import datetime

    from rich.console import Console
    from rich.table import Table

    from expectations.runner import run_checks
    from warehouse.lock import RefreshLock, WarehouseLocked

    console = Console()
    wh = _warehouse(warehouse)
    if not wh.is_file():
        console.print(f"[red]仓库不存在：{wh}（请先运行 juesuan refresh）[/red]")
        raise typer.Exit(2)
    run_id = "check-" + datetime.now().strftime("%Y%m%dT%H%M%S")
    scratch = wh.with_name(f".{wh.name}.check")
    try:
        with RefreshLock(wh.with_name(f"{wh.name}.lock"), what="检查"):
            shutil.copyfile(wh, scratch)
            result = run_checks(scratch, run_id, use_gx=gx, docs_dir=docs, full=full)
            os.replace(scratch, wh.resolve())  # replaced whole; a published link stays (slots.py)
    except WarehouseLocked as exc:
        console.print(f"[red]{exc.message}[/red]")
        raise typer.Exit(1) from None
    finally:
        if scratch.exists():
            scratch.unlink()
    _print_summary(console, wh, result, Table)
    from expectations.runner import acks_path
    from warehouse.acks import read as read_acks

    path = acks_path(wh)
    for bad in read_acks(path).bad:  # reported, never fatal
        console.print(f"[yellow]{bad.message(path)}[/yellow]")
    raise typer.Exit(1 if result["failed"] else 0)


def _print_summary(console, wh: Path, result: dict, Table) -> None:
    import duckdb

    con = duckdb.connect(str(wh), read_only=True)
    try:
        rows = con.execute(
            """select s.unit_id, s.fiscal_year, s.rules_run, s.passed, s.rounding, s.failed, s.not_run,
                      s.unacknowledged_failures
               from dq_summary s order by s.unit_id, s.fiscal_year"""
        ).fetchall()
        fails = con.execute(
            """select finding_id, rule_id, unit_id, fiscal_year, table_id, location, expected, actual,
                      difference, page_no, acknowledged
               from dq_findings where outcome = 'fail' order by unit_id, fiscal_year, rule_id limit 50"""
        ).fetchall()
    finally:
        con.close()
    t = Table(title="按单位-年度汇总")
    for c in ("单位", "年度", "运行", "通过", "尾差", "不通过", "未运行", "未确认"):
        t.add_column(c)
    for r in rows:
        t.add_row(*[str(x) for x in r])
    console.print(t)
    if fails:
        f = Table(title="不通过的核对（前 50 条）")
        for c in ("编号", "规则", "单位", "年度", "表", "位置", "应为", "实为", "差额", "页", "已确认"):
            f.add_column(c, no_wrap=c in ("编号", "规则", "年度"))
        for r in fails:
            f.add_row(*["" if x is None else str(x) for x in r])
        console.print(f)
    console.print(
        f"共 {result['documents']} 份文件、{result['checks']} 项核对：通过 {result['passed']}，"
        f"尾差 {result['rounding']}，不通过 {result['failed']}，不适用 {result['not_applicable']}，"
        f"数据不足 {result['insufficient_data']}（{result['seconds']:.2f} 秒）"
    )


def ack(
    finding: Annotated[str, typer.Argument(help="dq_findings.finding_id（juesuan check 列出）")],
    note: Annotated[str, typer.Option("--note", "-n", help="确认说明（为什么可以接受）")],
    by: Annotated[str | None, typer.Option("--by", help="确认人（默认当前用户）")] = None,
    warehouse: Annotated[
        Path | None, typer.Option("--warehouse", "-w", help="仓库文件（默认 data/warehouse.duckdb）")
    ] = None,
) -> None:
    """确认一条核对结果：记录谁、何时、为什么；文件未变时刷新后仍保持确认。"""
    import getpass

    import duckdb

    from expectations.runner import acks_path
    from warehouse import acks

    wh = _warehouse(warehouse)
    if not wh.is_file():
        typer.echo(f"仓库不存在：{wh}", err=True)
        raise typer.Exit(2)
    con = duckdb.connect(str(wh), read_only=True)
    try:
        rows = con.execute(
            """select finding_id, document_id, rule_id, table_id, location, outcome
               from dq_findings where finding_id = ?""",
            [finding],
        ).fetchall()
    except duckdb.Error:
        rows = []
    finally:
        con.close()
    if not rows:
        typer.echo(f"找不到核对结果 {finding}（请用 juesuan check 查看编号）", err=True)
        raise typer.Exit(1)
    fid, doc, rule, table, location, outcome = rows[0]
    row = {"finding_id": fid, "document_id": doc, "rule_id": rule, "table_id": table, "location": location}
    acks.acknowledge(acks_path(wh), row, note, by=by or getpass.getuser())  # locked, durable append
    typer.echo(f"已确认 {fid}（{rule} {location}，{outcome}）：{note}；下次 check/refresh 时写入仓库")
