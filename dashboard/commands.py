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
    generate(inbox, units=units, years=years, faults=DEMO_FAULTS)
    add_demo_extras(inbox)
    real = APP.parent.parent / "shared" / "samples" / "real"
    if real.is_dir():
        (inbox / "real").mkdir(exist_ok=True)
        for f in sorted(real.iterdir()):
            shutil.copy2(f, inbox / "real" / f.name)
        typer.echo(f"并加入 {real} 中的真实决算公开文件。")


DEMO_FAULTS = 0.15  # share of documents with a seeded fault, so 数据质量 has findings
MISSING_UNIT = "U900,滨江市清河区档案馆,清河区档案馆,滨江市清河区档案馆,institution,滨江市清河区,12,{years}"


def add_demo_extras(inbox: Path) -> None:
    """What a newcomer should see on every page: a damaged file that is
    quarantined, and a registered unit that has published nothing."""
    years = sorted(p.name for p in inbox.iterdir() if p.is_dir() and p.name.isdigit())
    if years:
        (inbox / years[-1] / "损坏的决算公开文件.pdf").write_bytes(b"%PDF-1.4\n% damaged on purpose\n")
    registry = inbox / "units.csv"
    if registry.is_file() and "U900," not in registry.read_text(encoding="utf-8"):
        with registry.open("a", encoding="utf-8") as fh:
            fh.write(MISSING_UNIT.format(years="|".join(years)) + "\n")


def _fail(msg: str) -> int:
    typer.echo(msg, err=True)
    return 1


def demo(
    inbox: Annotated[Path | None, typer.Option(help="收件箱目录（默认 data/inbox）")] = None,
    warehouse: Annotated[Path | None, typer.Option(help="数据仓库文件（默认 data/warehouse.duckdb）")] = None,
    units: Annotated[int, typer.Option(help="示例区县的单位数（仅在收件箱为空时生成）")] = 12,
    years: Annotated[str, typer.Option(help="示例年度范围")] = "2022-2024",
    port: Annotated[int, typer.Option(help="看板端口")] = 8501,
    address: Annotated[
        str, typer.Option(help="看板监听地址（默认仅本机；对外开放时必须配置用户，见 juesuan users）")
    ] = "127.0.0.1",
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
    from dashboard import auth

    if address not in auth.LOOPBACK and not auth.load_users() and not auth.open_allowed():
        raise typer.Exit(
            _fail(
                f"拒绝以无登录方式对外开放看板（{address}）：请先用 juesuan users add 创建用户"
                f"（用户文件 {auth.users_file()}），或确需开放时设置 JUESUAN_ALLOW_OPEN=1。"
            )
        )
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
        "--server.address",
        address,
        "--client.toolbarMode",
        "viewer",  # no developer menu / Deploy button for finance staff
    ]
    typer.echo(f"看板：http://{address}:{port}")
    raise typer.Exit(subprocess.call(cmd, env=env, cwd=APP.parent))


def users(
    action: Annotated[str, typer.Argument(help="add（添加或重设密码）、remove 或 list")],
    name: Annotated[str | None, typer.Argument(help="用户名")] = None,
    role: Annotated[
        str, typer.Option(help="角色：viewer（查看）、reviewer（可确认检查结果）、admin")
    ] = "viewer",
) -> None:
    """管理看板用户（用户文件在仓库之外：$JUESUAN_USERS_FILE，默认 ~/.config/juesuan/users.json）。"""
    from dashboard import auth

    if action == "list":
        for n, u in sorted(auth.load_users().items()):
            typer.echo(f"{n}\t{u.get('role', 'viewer')}")
        return
    if not name:
        raise typer.Exit(_fail("请给出用户名。"))
    if action == "remove":
        found = auth.load_users()
        if found.pop(name, None) is None:
            raise typer.Exit(_fail(f"没有用户 {name}。"))
        auth.save_users(found)
        typer.echo(f"已删除用户 {name}。")
        return
    if action != "add":
        raise typer.Exit(_fail(f"未知的操作：{action}（可选 add、remove、list）"))
    password = typer.prompt("密码", hide_input=True, confirmation_prompt="再次输入密码")
    try:
        path = auth.add_user(name, password, role)
    except ValueError as exc:
        raise typer.Exit(_fail(str(exc))) from None
    typer.echo(f"已保存用户 {name}（{auth.ROLES[role]}）到 {path}。")
