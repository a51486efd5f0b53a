"""`juesuan parse FILE [--json]`."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated

import typer


def parse(
    file: Annotated[Path, typer.Argument(help="决算公开文件（txt / pdf / xlsx / xls / html / docx / csv）")],
    as_json: Annotated[bool, typer.Option("--json", help="按契约输出 JSON")] = False,
) -> None:
    """读取一份决算公开文件，输出九张表的数字、情况说明中的事实和发现的问题。"""
    from ingest.parse import parse_file
    from ingest.record import ParseError

    try:
        result = parse_file(file)
    except ParseError as exc:
        print(exc.message, file=sys.stderr)
        raise typer.Exit(2) from None
    except Exception as exc:  # never a traceback for the user; name the file and the problem
        print(f"无法读取文件 {file}：解析时出现意外错误（{type(exc).__name__}: {exc}）", file=sys.stderr)
        raise typer.Exit(3) from None
    if as_json:
        sys.stdout.write(json.dumps(result.to_dict(), ensure_ascii=False, indent=1) + "\n")
        return
    doc = result.document
    errors = sum(p.severity == "error" for p in result.problems)
    warnings = len(result.problems) - errors
    print(f"文件：{file}")
    print(
        f"单位：{doc.unit_name or '未识别'}　年度：{doc.fiscal_year or '未识别'}　格式：{doc.format}　金额单位：{doc.amount_unit or '未注明'}"
    )
    print(f"找到的表：{', '.join(doc.tables) or '无'}（共 {len(doc.tables)} 张）")
    print(
        f"读取数字：{len(result.lines)} 个；叙述事实：{len(result.facts)} 条；核对勾稽关系：{result.identities_checked} 项"
    )
    balanced, with_numbers = result.balance()
    print(f"勾稽相符：{with_numbers} 张有数字的表中 {balanced} 张平衡")
    if doc.cells_unchecked:
        print(f"未参与任何勾稽关系的数字：{doc.cells_unchecked} 个（改动不会被核对发现，请对照原件）")
    for p in result.problems:
        where = f"公开{p.table}表 " if p.table else ""
        print(f"  [{'错误' if p.severity == 'error' else '提示'}] {where}{p.message}")
    print(f"问题：{errors} 个错误，{warnings} 个提示")
