"""`juesuan sample`: write the bundled sample district. Imports of the generator
happen inside the command so the CLI starts fast."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer


def sample(
    out_dir: Annotated[
        Path, typer.Argument(help="输出目录：每个单位每年一个公开文件，另有 manifest.json 与 units.csv")
    ],
    units: Annotated[int, typer.Option("--units", help="单位数量")] = 40,
    years: Annotated[str, typer.Option("--years", help="年度，如 2021-2024 或 2022,2024")] = "2021-2024",
    formats: Annotated[
        str, typer.Option("--formats", help="文件格式：text,pdf,xlsx,caijue,html,docx,csv")
    ] = "text,pdf",
    faults: Annotated[float, typer.Option("--faults", help="注入错误的文件比例（0–1）")] = 0.0,
    seed: Annotated[int, typer.Option("--seed", help="随机种子（同一种子生成完全相同的文件）")] = 7,
) -> None:
    """生成示例区（滨江市清河区）的部门决算公开文件及其真实数据清单（manifest.json）。"""
    from samplegen.generate import generate

    if units < 1:
        raise typer.BadParameter("--units 至少为 1")
    if not 0.0 <= faults <= 1.0:
        raise typer.BadParameter("--faults 应在 0 到 1 之间")
    try:
        manifest = generate(out_dir, units=units, years=years, formats=formats, faults=faults, seed=seed)
    except ValueError as exc:
        raise typer.BadParameter(str(exc)) from None
    docs = manifest["documents"]
    n_faults = sum(len(d["faults"]) for d in docs)
    kinds: dict[str, int] = {}
    for d in docs:
        kinds[d["kind"]] = kinds.get(d["kind"], 0) + 1
    typer.echo(
        f"已生成 {len(docs)} 个文件（{len(manifest['units'])} 个单位，{', '.join(map(str, manifest['years']))} 年度）"
        f"于 {out_dir}；注入错误 {n_faults} 处；文件类型 {kinds}"
    )
