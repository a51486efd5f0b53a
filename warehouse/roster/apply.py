"""A review decision (or any new roster version) takes effect at once: the
published warehouse is brought up to the roster's current version without a
refresh of the inbox.

Same guarantees as a refresh, because it is one in small: under the
warehouse's refresh lock (``warehouse/lock.py``; a running refresh turns it
away, and that refresh or the next one applies the decision), into a private
copy of the published file, then ``os.replace``. Only what the roster feeds is
rebuilt: the printed names are matched again (``name_matches``) and dbt builds
the models downstream of the roster sources; the incremental facts move a
re-attributed document's rows (they are keyed on its unit). The data-quality
checks run again when the published warehouse had them (findings name units).
The warehouse then records the roster version it was built with, so the next
refresh has nothing to redo; a ``--rebuild`` reads the same roster files.

Run in its own process (``python -m warehouse.roster.apply WAREHOUSE``, what
the dashboard does): dbt changes the working directory while it runs."""

from __future__ import annotations

import json
import os
import shutil
import sys
import time
from dataclasses import asdict, dataclass
from datetime import datetime
from pathlib import Path

import duckdb

from warehouse import quality, rawfiles, rawstore, slots, transform
from warehouse.lock import RefreshLock
from warehouse.paths import WarehousePaths
from warehouse.roster.store import RosterStore, roster_dir
from warehouse.roster.sync import refresh_matches

# Everything the roster files feed (dbt selectors).
SELECT = ["source:roster+", "source:roster_matches+"]
_DUCKDB: dict[str, str | bool | int | float | list[str]] = {"autoinstall_known_extensions": False}


@dataclass
class Applied:
    status: str  # applied / current (nothing to do) / no_warehouse / needs_refresh
    message: str
    roster_version: str = ""
    seconds: float = 0.0
    checks: bool = False


def _remove(path: Path) -> None:
    for p in (path, WarehousePaths.wal(path)):
        p.unlink(missing_ok=True)


def _had_checks(con: duckdb.DuckDBPyConnection) -> bool:
    return bool(con.execute("select count(*) from information_schema.tables where table_name = 'dq_findings'")
                .fetchone()[0])  # type: ignore[index]  # fmt: skip


def apply_roster(warehouse: Path, checks: bool | None = None) -> Applied:
    """Bring the published ``warehouse`` up to the roster's current version.
    ``checks``: run the data-quality checks (default: when the warehouse has
    findings). Raises WarehouseLocked while a refresh runs; on any failure the
    published file is untouched (the decision stays recorded in the roster)."""
    t0 = time.perf_counter()
    paths = WarehousePaths(Path(warehouse))
    if not paths.warehouse.exists():
        return Applied("no_warehouse", "数据仓库尚未建立：决定已记录，第一次刷新时生效。")
    lock = RefreshLock(paths.lock, what="名录决定生效").acquire()
    build = slots.make_slot(paths, "copy")  # named like the refresh's build files: dbt's parse is reused
    try:
        store = RosterStore(roster_dir(paths.warehouse))
        store.ensure()
        version = store.fingerprint()
        _remove(build)
        shutil.copyfile(paths.warehouse, build)
        if WarehousePaths.wal(paths.warehouse).exists():
            shutil.copyfile(WarehousePaths.wal(paths.warehouse), WarehousePaths.wal(build))
        con = duckdb.connect(str(build), config=_DUCKDB)
        try:
            if rawstore.get_meta(con, "roster_version") == version:
                return Applied("current", "数据仓库已按当前名录版本建立，无需处理。", version)
            if rawstore.get_meta(con, "dbt_fingerprint") != transform.project_fingerprint():
                # the models changed since the last refresh: a partial build would mix versions
                return Applied(
                    "needs_refresh", "程序已更新，需要一次完整刷新：决定已记录，下一次刷新时生效。", version
                )
            run_checks = _had_checks(con) if checks is None else checks
            refresh_matches(con, store.root, build.name)
        finally:
            con.close()
        lock.beat("dbt")
        transform.build(
            build,
            paths.dbt_target,
            paths.dbt_logs,
            select=SELECT,
            raw_dir=rawfiles.relative_root(paths.warehouse),
        )
        lock.beat("dq")
        con = duckdb.connect(str(build), config=_DUCKDB)
        try:
            if run_checks:
                quality.run(con, "roster-" + datetime.now().strftime("%Y%m%dT%H%M%S"))
            rawstore.set_meta(con, "roster_version", version)
            con.execute("checkpoint")
        finally:
            con.close()
        lock.beat("before_publish")
        rawfiles.fsync(build)
        # onto the published file itself (the link's target: the alternating files stay, warehouse/slots.py)
        os.replace(build, slots.active(paths) or paths.warehouse)
        rawfiles.fsync(paths.dir, directory=True)
        return Applied("applied", "已生效：文档已按新的名称对应重新归属。", version,
                       round(time.perf_counter() - t0, 1), run_checks)  # fmt: skip
    finally:
        _remove(build)
        quality.stop_children()
        lock.release()


def main(argv: list[str]) -> int:
    """``python -m warehouse.roster.apply WAREHOUSE``: prints the result as JSON.
    Exit status 0 applied or nothing to do, 3 a refresh holds the lock, 1 failed."""
    from warehouse.lock import WarehouseLocked

    try:
        result = apply_roster(Path(argv[0]))
    except WarehouseLocked as exc:
        print(json.dumps({"status": "locked", "message": exc.message}, ensure_ascii=False))
        return 3
    except Exception as exc:
        print(json.dumps({"status": "failed", "message": f"名录决定生效失败：{exc}"}, ensure_ascii=False))
        return 1
    print(json.dumps(asdict(result), ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
