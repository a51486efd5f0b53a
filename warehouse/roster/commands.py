"""``juesuan units``: the unit roster from the command line (registered by
cli.py). Imports stay inside the command so the CLI starts fast."""

from __future__ import annotations

import getpass
from pathlib import Path
from typing import Annotated

import typer

from warehouse.paths import default_warehouse

DEFAULT_WAREHOUSE = default_warehouse()
ACTIONS = ("import", "export", "template", "history", "accept", "reject", "apply")


def _fail(message: str) -> int:
    typer.secho(message, fg="red", err=True)
    return 1


def _required(action: str, file: Path | None) -> Path:
    if file is None:
        raise typer.Exit(_fail(f"{action} 需要给出文件路径"))
    return file


def units(
    action: Annotated[str, typer.Argument(help="import、export、template、history、accept、reject 或 apply")],
    file: Annotated[
        Path | None, typer.Argument(help="名录文件（import：xlsx 或 csv；export/template：xlsx）")
    ] = None,
    warehouse: Annotated[
        Path, typer.Option("--warehouse", help="数据仓库文件（名录保存在其目录的 roster/ 下）")
    ] = (DEFAULT_WAREHOUSE),
    name: Annotated[str | None, typer.Option("--name", help="accept/reject：公开文件上印的单位名称")] = None,
    unit: Annotated[str | None, typer.Option("--unit", help="accept/reject：名录中的单位编码")] = None,
    by: Annotated[str | None, typer.Option("--by", help="操作人（默认当前系统用户）")] = None,
) -> None:
    """单位名录：导入（新版本，保留历史）、导出为 Excel、下载模板、查看修改历史、审核名称对应。

    接受或驳回立即生效（重新归属相关文档）；导入后下一次 juesuan refresh 按新名录归属文档、
    计算公开覆盖情况（或运行 apply 立即生效）。"""
    from warehouse.roster import io
    from warehouse.roster.store import RosterStore, roster_dir
    from warehouse.roster.sync import import_sheet

    who = by or getpass.getuser()
    store = RosterStore(roster_dir(warehouse))
    if action not in ACTIONS:
        raise typer.Exit(_fail(f"未知的操作：{action}（可选 {'、'.join(ACTIONS)}）"))
    if action == "import":
        file = _required(action, file)
        try:
            roster, sheet = import_sheet(store, file, who)
        except (io.RosterSheetError, UnicodeDecodeError) as exc:
            raise typer.Exit(_fail(str(exc))) from None
        typer.echo(f"已导入 {file.name}：{len(roster.units)} 个单位，名录版本 {roster.version_no}，"
                   f"本次修改 {roster.meta.get('changes', 0)} 项")  # fmt: skip
        for w in sheet.warnings:
            typer.secho(f"  注意：{w}", fg="yellow")
        typer.echo("下一次 juesuan refresh 将按新名录归属文档。")
    elif action == "export":
        file = _required(action, file)
        file.write_bytes(io.export_xlsx(store.load()))
        typer.echo(f"已导出名录到 {file}")
    elif action == "template":
        file = _required(action, file)
        file.write_bytes(io.template_xlsx())
        typer.echo(f"已写出名录模板到 {file}")
    elif action == "history":
        for v in store.history():
            typer.echo(f"版本 {v.get('version_no')}\t{v.get('changed_at', '—')}\t{v.get('changed_by', '—')}\t"
                       f"{v.get('action')}\t修改 {v.get('changes', 0)} 项\t{v.get('source') or ''}")  # fmt: skip
    elif action == "apply":
        _apply(warehouse)
    else:
        if not name or (action == "accept" and not unit):
            raise typer.Exit(_fail("请用 --name 给出印在文件上的名称，用 --unit 给出名录中的单位编码"))
        try:
            roster = store.decide(name, unit, "accepted" if action == "accept" else "rejected", who)
        except ValueError as exc:
            raise typer.Exit(_fail(str(exc))) from None
        typer.echo(f"已记录（名录版本 {roster.version_no}）。")
        _apply(warehouse)


def _apply(warehouse: Path) -> None:
    """The roster's current version into the published warehouse, now."""
    from warehouse.lock import WarehouseLocked
    from warehouse.roster.apply import apply_roster

    try:
        result = apply_roster(warehouse)
    except WarehouseLocked as exc:
        raise typer.Exit(_fail(f"{exc.message} 决定已记录，该次刷新或下一次刷新时生效。")) from None
    typer.echo(result.message + (f"（用时 {result.seconds:.1f} 秒）" if result.status == "applied" else ""))
