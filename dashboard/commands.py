"""``juesuan demo``: sample district → refresh → dashboard. Module-level imports
stay light (the CLI imports every area's commands at start-up)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Annotated

import typer

APP = Path(__file__).resolve().parents[1] / "app.py"


def _inbox_empty(inbox: Path) -> bool:
    return not inbox.is_dir() or not any(p.is_file() and p.name != "units.csv" for p in inbox.rglob("*"))


def _generate_sample(inbox: Path, units: int, years: str) -> None:
    """The bundled sample district, plus the real samples when ../shared is present."""
    import shutil

    from samplegen.generate import generate

    typer.echo(f"生成示例区县到 {inbox} …")
    generate(inbox, units=units, years=years)
    real = APP.parent.parent / "shared" / "samples" / "real"
    if real.is_dir():
        (inbox / "real").mkdir(exist_ok=True)
        for f in sorted(real.iterdir()):
            shutil.copy2(f, inbox / "real" / f.name)
        typer.echo(f"并加入 {real} 中的真实决算公开文件。")


def _fail(msg: str) -> int:
    typer.echo(msg, err=True)
    return 1


def demo(
    inbox: Annotated[Path | None, typer.Option(help="收件箱目录（默认 data/inbox）")] = None,
    warehouse: Annotated[Path | None, typer.Option(help="数据仓库文件（默认 data/warehouse.duckdb）")] = None,
    units: Annotated[int, typer.Option(help="示例区县的单位数（仅在收件箱为空时生成）")] = 12,
    years: Annotated[str, typer.Option(help="示例年度范围")] = "2022-2024",
    port: Annotated[int, typer.Option(help="看板端口")] = 8501,
    no_serve: Annotated[bool, typer.Option("--no-serve", help="只准备数据，不启动看板")] = False,
) -> None:
    """演示：生成示例区县（收件箱为空时）、刷新数据仓库，然后启动看板。"""
    from warehouse.paths import default_inbox, default_warehouse

    inbox = Path(inbox or default_inbox())
    warehouse = Path(warehouse or default_warehouse())
    if _inbox_empty(inbox):
        inbox.mkdir(parents=True, exist_ok=True)
        _generate_sample(inbox, units, years)

    from warehouse.refresh import RefreshFailed, refresh

    typer.echo(f"刷新数据仓库 {warehouse} …")
    try:
        summary = refresh(inbox, warehouse)
        typer.echo(f"刷新完成：{getattr(summary, 'status', '')}")
    except RefreshFailed as exc:
        if not warehouse.exists():
            raise typer.Exit(_fail(f"刷新失败，且没有可用的数据仓库：{exc}")) from None
        typer.echo(f"刷新失败，看板显示上一次发布的数据：{exc}", err=True)
    if no_serve:
        return
    env = {
        **os.environ,
        "STREAMLIT_BROWSER_GATHER_USAGE_STATS": "false",
        "JUESUAN_WAREHOUSE": str(warehouse.resolve()),
    }
    cmd = [
        sys.executable,
        "-m",
        "streamlit",
        "run",
        str(APP),
        "--server.headless",
        "true",
        "--server.port",
        str(port),
        "--client.toolbarMode",
        "viewer",  # no developer menu / Deploy button for finance staff
    ]
    typer.echo(f"看板：http://localhost:{port}")
    raise typer.Exit(subprocess.call(cmd, env=env, cwd=APP.parent))
