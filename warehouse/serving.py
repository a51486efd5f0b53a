"""A serving warehouse from the Parquet files a Spark build wrote (docs/scaling.md).

The dashboard and the data-quality rules read a DuckDB file whose connection has
external access disabled, so a file of views over ``read_parquet`` would be
refused: every relation they read is imported into a table. The rules then run
on that file, as the refresh runs them on its build file, and it replaces the
served path in one rename, so readers never see a half-built file.

    <parquet dir>/<relation>/*.parquet   one directory per relation (the marts and
                                         ``SERVED_BESIDES_MARTS``; others are ignored)
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from datetime import datetime
from pathlib import Path

import duckdb

MART_PREFIXES = ("dim_", "fct_")
# What the dashboard's queries and the rules read besides the marts and the tables the
# rules write (dq_*); tests/test_serving.py checks the list against their SQL.
SERVED_BESIDES_MARTS = (
    "raw_documents",
    "raw_lines",
    "raw_facts",
    "raw_problems",
    "int_current_lines",
    "int_current_facts",
    "int_two_sided_rows",
    "int_dq_documents",
    "rule_residuals",
)


class ServingError(RuntimeError):
    """A Parquet directory that cannot become a serving warehouse (message in Chinese)."""


def served(relations: Iterable[str]) -> list[str]:
    """The relations of a build that a serving file holds (not dbt's ``__dbt_tmp``
    relations or the Spark models' ``__built`` side tables)."""
    return sorted(
        r for r in relations if "__" not in r and (r.startswith(MART_PREFIXES) or r in SERVED_BESIDES_MARTS)
    )


def _relations(parquet_dir: Path) -> list[str]:
    if not parquet_dir.is_dir():
        raise ServingError(f"Parquet 目录不存在：{parquet_dir}")
    found = {d.name for d in parquet_dir.iterdir() if d.is_dir() and any(d.glob("*.parquet"))}
    missing = [r for r in SERVED_BESIDES_MARTS if r not in found]
    if missing:
        raise ServingError(f"Parquet 目录 {parquet_dir} 缺少以下关系，无法提供查询：{'、'.join(missing)}")
    if not any(r.startswith(MART_PREFIXES) for r in found):
        raise ServingError(f"Parquet 目录 {parquet_dir} 中没有任何数据集市表（dim_*、fct_*）")
    return served(found)


def _import(con: duckdb.DuckDBPyConnection, name: str, files: Path) -> None:
    """One relation as a table. Spark writes its timestamps as instants (read back
    as ``timestamp with time zone``); the warehouse's are UTC wall-clock times."""
    src = f"read_parquet('{files.as_posix()}/*.parquet')"
    cols = con.execute(f"describe select * from {src}").fetchall()
    select = ", ".join(
        f'timezone(\'UTC\', "{c}") as "{c}"' if t == "TIMESTAMP WITH TIME ZONE" else f'"{c}"'
        for c, t, *_ in cols
    )
    con.execute(f'create table "{name}" as select {select} from {src}')


def build(parquet_dir: Path, target: Path, *, checks: bool = True) -> dict:
    """Import the relations under ``parquet_dir`` into a new DuckDB file, run the
    rules on it (``checks``), and move it onto ``target``. Returns
    {"relations", "rows", "failed"}; nothing is replaced on any error."""
    from warehouse import quality, steps  # the refresh's own pieces, imported only to build

    relations = _relations(parquet_dir)
    target.parent.mkdir(parents=True, exist_ok=True)
    build_file = target.with_name(f".{target.name}.serving-{os.getpid()}")
    steps.remove(build_file)
    try:
        with duckdb.connect(str(build_file), config={"autoinstall_known_extensions": False}) as con:
            con.execute("set timezone = 'UTC'")
            for name in relations:
                _import(con, name, parquet_dir / name)
            rows = sum(con.execute(f'select count(*) from "{n}"').fetchone()[0] for n in relations)  # type: ignore[index]
            failed = None
            if checks:
                _, failed = quality.run(con, steps.new_run_id(datetime.now()))
            con.execute("checkpoint")
        os.replace(build_file, target)
    finally:
        steps.remove(build_file)
    return {"relations": len(relations), "rows": rows, "failed": failed}
