"""Two warehouse files that alternate (blue/green), so a refresh never copies the
published one to build.

    <dir>/<name>                          symlink to the published file (what readers open)
    <dir>/.<name>.slots/blue|green/<name> the two files; the one the link does not
                                          name is the standby, one refresh behind
    <dir>/.<name>.slots/copy/<name>       a copy, when a reader holds the standby

Every build file has the warehouse's own name, so dbt's profile (a relative
path, warehouse/transform.py) and with it its parsed project and compiled tests
are the same for both: alternating names would make dbt parse again. dbt runs
in the build file's directory and reads the raw records and the roster by
paths relative to it, so each slot directory links to them (``raw`` ->
``../../raw``, ``roster`` -> ``../../roster``).

A refresh builds in the standby: the raw records live outside both files
(warehouse/rawfiles.py) and the incremental models are keyed on document state,
so the standby catches up by itself. Publishing replaces the link in one rename
(``os.replace`` of a new symlink). A reader still holding the standby (a
dashboard that has not queried since the last switch) blocks DuckDB's writer:
the refresh waits a little, then builds in a copy of the published file and
moves that onto the standby's name (the reader keeps its open, old file); the
summary says so. A published path that is a regular file (a warehouse from
before, or one ``juesuan check`` replaced) is the published file; the first
refresh copies it into a standby once."""

from __future__ import annotations

import os
import shutil
import time
from dataclasses import dataclass
from pathlib import Path

import duckdb

from warehouse.paths import WarehousePaths
from warehouse.rawfiles import fsync, raw_root

COLOURS = ("blue", "green")
_CONFIG: dict[str, str | bool | int | float | list[str]] = {"autoinstall_known_extensions": False}


def standby_wait() -> float:
    """Seconds to wait for a reader to let go of the standby (``$JUESUAN_STANDBY_WAIT``)."""
    try:
        return float(os.environ.get("JUESUAN_STANDBY_WAIT", "") or 10)
    except ValueError:
        return 10.0


SHARED = ("raw", "roster")  # beside the warehouse; dbt reads them by relative path


def slot(paths: WarehousePaths, colour: str) -> Path:
    """``colour``: blue, green, or copy (a build file that is published under a slot's name)."""
    return paths.dir / f".{paths.warehouse.name}.slots" / colour / paths.warehouse.name


def make_slot(paths: WarehousePaths, colour: str) -> Path:
    """``slot()``, its directory made, with the links to what dbt reads beside the warehouse."""
    db = slot(paths, colour)
    db.parent.mkdir(parents=True, exist_ok=True)
    for name in SHARED:
        link = db.parent / name
        if not link.is_symlink():
            os.symlink(os.path.join("..", "..", name), link)
    return db


def active(paths: WarehousePaths) -> Path | None:
    """The published file: the link's target, the regular file itself, or None."""
    w = paths.warehouse
    if w.is_symlink():
        target = paths.dir / os.readlink(w)
        return target if target.exists() else None
    return w if w.exists() else None


def standby(paths: WarehousePaths) -> Path:
    """The file a refresh builds in: the colour the link does not name."""
    now = active(paths)
    colour = "green" if now is not None and now.parent.name == "blue" else "blue"
    return slot(paths, colour)


def published_meta(paths: WarehousePaths, key: str) -> str | None:
    """A ``warehouse_meta`` value of the published file (read-only, like any reader):
    what ``juesuan units`` decisions changed there without a refresh."""
    published = active(paths)
    if published is None:
        return None
    # attached to a private in-memory database: a connection of this process to the
    # same file with other settings (a test, an embedded dashboard) does not conflict
    with duckdb.connect(config=_CONFIG) as con:
        con.execute(f"attach '{published}' as published (read_only)")
        tables = {r[0] for r in con.execute(
            "select table_name from duckdb_tables() where database_name = 'published'"
        ).fetchall()}  # fmt: skip
        if "warehouse_meta" not in tables:
            return None
        row = con.execute("select value from published.warehouse_meta where key = ?", [key]).fetchone()
        return row[0] if row else None


@dataclass
class Target:
    """Where this refresh builds and how it publishes."""

    build: Path  # the file dbt and the refresh write
    slot: Path  # the name it is published under (link target)
    note: str | None = None  # said in the summary (a copy was needed)
    copied: bool = False


def _remove(db: Path) -> None:
    for p in (db, WarehousePaths.wal(db)):
        p.unlink(missing_ok=True)


def _copy(src: Path, dst: Path) -> None:
    _remove(dst)
    shutil.copyfile(src, dst)
    if WarehousePaths.wal(src).exists():
        shutil.copyfile(WarehousePaths.wal(src), WarehousePaths.wal(dst))


def _free(db: Path, wait: float) -> bool:
    """True once ``db`` opens read-write (no reader holds it), within ``wait`` seconds."""
    deadline = time.monotonic() + wait
    while True:
        try:
            duckdb.connect(str(db), config=_CONFIG).close()
            return True
        except duckdb.IOException as exc:
            if "lock" not in str(exc).lower() or time.monotonic() >= deadline:
                return False
            time.sleep(0.2)


def prepare(paths: WarehousePaths, fresh: bool) -> Target:
    """Choose the build file: the standby (waiting for a reader to let go of it),
    a fresh one (``fresh``: first run or --rebuild), or a copy of the published file."""
    published, spare, copy = active(paths), standby(paths), make_slot(paths, "copy")
    make_slot(paths, spare.parent.name)
    if fresh or published is None:
        if _free(spare, standby_wait()):
            _remove(spare)
            return Target(spare, spare)
        _remove(copy)
        return Target(copy, spare)
    if spare.exists() and _free(spare, standby_wait()):
        return Target(spare, spare)
    if spare.exists():
        note = (f"备用数据仓库文件 {spare.name} 正被其他程序（如看板）占用，"
                "本次改为复制当前数据仓库后构建")  # fmt: skip
        _copy(published, copy)
        return Target(copy, spare, note, copied=True)
    _copy(published, spare)  # the first refresh after a single file: one copy, then they alternate
    return Target(spare, spare, copied=True)


def carry_over(build: duckdb.DuckDBPyConnection, paths: WarehousePaths) -> None:
    """What the data-quality step keeps across runs (``dq_*`` tables: findings it
    carries over, acknowledgements, state) as the published file has them: the
    standby holds those of the run before."""
    published = active(paths)
    if published is None:
        return
    build.execute(f"attach '{published}' as published (read_only)")
    try:
        tables = build.execute(
            "select table_name, sql from duckdb_tables() where database_name = 'published' "
            "and schema_name = 'main' and starts_with(table_name, 'dq_')"
        ).fetchall()
        for t, ddl in tables:
            # the published table's own DDL: its keys too (insert or replace needs them)
            build.execute(f'drop table if exists main."{t}"')
            build.execute(ddl)
            build.execute(f'insert into main."{t}" select * from published.main."{t}"')
    finally:
        build.execute("detach published")


def publish(paths: WarehousePaths, target: Target) -> None:
    """The finished build under its slot name, then the link onto it (atomic)."""
    fsync(target.build)
    if target.build != target.slot:
        os.replace(target.build, target.slot)
        fsync(target.slot.parent, directory=True)
    link = paths.dir / f".{paths.warehouse.name}.link"
    link.unlink(missing_ok=True)
    os.symlink(os.path.relpath(target.slot, paths.dir), link)
    os.replace(link, paths.warehouse)
    fsync(paths.dir, directory=True)


def copy_warehouse(src: Path, dst: Path) -> None:
    """A copy of a published warehouse elsewhere (a backup, a test): the file the
    link names, and the raw records and roster beside it that the next refresh
    reads (without them it would read every document again)."""
    src, dst = Path(src), Path(dst)
    dst.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(src, dst)  # follows the link
    for a, b in ((raw_root(src), raw_root(dst)), (src.parent / "roster", dst.parent / "roster")):
        if a.is_dir():
            shutil.copytree(a, b, symlinks=True, dirs_exist_ok=True)
