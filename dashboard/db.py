"""The dashboard's one way into the warehouse.

- Values are always bound parameters (``?``), never formatted into the text.
  The few identifiers that vary (a measure column, a subject level, a table to
  show) are picked from closed dictionaries in ``dashboard.queries``.
- A read-only connection with external access disabled: no ``COPY … TO``, no
  ``read_csv('/etc/passwd')``, no extension downloads. It is reopened whenever
  the published file's identity (inode, mtime, size) changes: a refresh
  replaces the file with ``os.replace`` and the next query sees it.
- Results are polars frames (DuckDB's ``.pl()``), DECIMAL columns as Float64
  (万元 amounts) or Int64 (sums of integers), as the pages compute with them.
  They are cached with Streamlit's ``st.cache_data`` keyed on (statement,
  parameters, path, file identity), so the cache never serves a replaced
  file's data, and every caller gets its own copy.
- ``duckdb.IOException`` (the file briefly locked or being replaced) is
  retried with a short back-off.
- An idle connection is closed after ``IDLE_SECONDS``: the refresh builds in
  the file that is not published, which this connection may still hold from
  before the last switch (warehouse/slots.py).
"""

from __future__ import annotations

import os
import threading
import time
from pathlib import Path

import duckdb
import polars as pl
import streamlit as st

# No extension loading or installing, no files or network beyond the warehouse.
CONNECT_CONFIG: dict[str, str | bool | int | float | list[str]] = {
    "autoinstall_known_extensions": False,
    "autoload_known_extensions": False,
    "enable_external_access": False,
}


# let go of the file when unused, so a refresh can build in it once it is no longer published
IDLE_SECONDS = float(os.environ.get("JUESUAN_DB_IDLE_SECONDS", "5"))


class WarehouseMissing(RuntimeError):
    pass


def warehouse_path() -> Path:
    """``$JUESUAN_WAREHOUSE``, else the warehouse package's default
    (``$JUESUAN_DATA_DIR/warehouse.duckdb``, ``data/warehouse.duckdb``)."""
    env = os.environ.get("JUESUAN_WAREHOUSE")
    if env:
        return Path(env)
    try:
        from warehouse.paths import default_warehouse

        return default_warehouse()
    except ImportError:  # pragma: no cover - the warehouse package is part of the repo
        return Path(os.environ.get("JUESUAN_DATA_DIR", "data")) / "warehouse.duckdb"


def _stamp(path: Path) -> tuple[int, int, int]:
    """Identity of the published file: a refresh replaces it (new inode, mtime)."""
    try:
        s = path.stat()
    except FileNotFoundError:
        raise WarehouseMissing(f"数据仓库文件不存在：{path}（请先运行 juesuan refresh）") from None
    return s.st_ino, s.st_mtime_ns, s.st_size


def _freeze(value):
    if isinstance(value, (list, tuple)):
        return tuple(_freeze(v) for v in value)
    return value


class _Connection:
    """One read-only connection per published file version. Queries are
    serialised on it (DuckDB connections are not thread-safe; Streamlit runs
    each session in its own thread). The old connection is closed before the
    new file is opened, so DuckDB's per-path instance cache never hands back
    the replaced file. Refresh never writes the published file in place, so
    holding it open does not block a refresh."""

    def __init__(self) -> None:
        self.lock = threading.RLock()
        self.con: duckdb.DuckDBPyConnection | None = None
        self.key: tuple | None = None
        self.used = 0.0
        self.timer: threading.Timer | None = None

    def _close_if_idle(self) -> None:
        with self.lock:
            if self.con is not None and time.monotonic() - self.used >= IDLE_SECONDS:
                self.close()

    def close(self) -> None:
        with self.lock:
            if self.con is not None:
                try:
                    self.con.close()
                finally:
                    self.con, self.key = None, None

    def execute(self, path: str, stamp: tuple, sql: str, params: list) -> pl.DataFrame:
        key = (path, stamp)
        with self.lock:
            if self.key != key:
                self.close()
                self.con = duckdb.connect(path, read_only=True, config=CONNECT_CONFIG)
                self.key = key
            con = self.con
            assert con is not None  # opened together with self.key
            self.used = time.monotonic()
            if self.timer is None or not self.timer.is_alive():
                self.timer = threading.Timer(IDLE_SECONDS + 0.1, self._idle_check)
                self.timer.daemon = True
                self.timer.start()
            try:
                rel = con.sql(sql, params=params)
                assert rel is not None  # every statement here is a query
                return _plain_numbers(rel.pl())
            except duckdb.IOException:
                self.close()
                raise

    def _idle_check(self) -> None:
        """Close when idle, else look again when it could be."""
        self._close_if_idle()
        with self.lock:
            if self.con is not None:
                wait = max(0.1, IDLE_SECONDS - (time.monotonic() - self.used) + 0.1)
                self.timer = threading.Timer(wait, self._idle_check)
                self.timer.daemon = True
                self.timer.start()


def _plain_numbers(frame: pl.DataFrame) -> pl.DataFrame:
    """DECIMAL amounts as Float64, DECIMAL(…, 0) (DuckDB's HUGEINT sums) as Int64."""
    casts = [
        pl.col(name).cast(pl.Int64 if dtype.scale == 0 else pl.Float64)
        for name, dtype in frame.schema.items()
        if isinstance(dtype, pl.Decimal)
    ]
    return frame.with_columns(casts) if casts else frame


_conn = _Connection()


def close() -> None:
    """Release the warehouse file (tests; shutting down)."""
    _conn.close()


@st.cache_data(max_entries=512, show_spinner=False)
def _cached(sql: str, params: tuple, path: str, stamp: tuple) -> pl.DataFrame:
    return _conn.execute(path, stamp, sql, list(params))


def clear_cache() -> None:
    _cached.clear()


def run(sql: str, params: list | tuple = (), path: Path | None = None, cached: bool = True) -> pl.DataFrame:
    """Run one statement against the published warehouse, read-only."""
    path = Path(path or warehouse_path())
    delay = 0.05
    for attempt in range(8):
        stamp = _stamp(path)
        resolved = str(path.resolve())
        try:
            if cached:
                return _cached(sql, _freeze(tuple(params)), resolved, stamp)
            return _conn.execute(resolved, stamp, sql, list(params))
        except duckdb.IOException:
            if attempt == 7:
                raise
            time.sleep(delay)
            delay = min(delay * 2, 1.0)
    raise AssertionError("unreachable")  # pragma: no cover


def scalar(sql: str, params: list | tuple = ()):
    df = run(sql, params)
    return None if df.is_empty() else df.item(0, 0)


SQL_TABLES = "select table_name from information_schema.tables where table_schema = 'main'"
SQL_COLUMNS = (
    "select column_name from information_schema.columns where table_schema = 'main' and table_name = ?"
)


def tables() -> set[str]:
    return set(run(SQL_TABLES)["table_name"].to_list())


def has_table(name: str) -> bool:
    return name in tables()


def columns(table: str) -> list[str]:
    return run(SQL_COLUMNS, [table])["column_name"].to_list()


def warehouse_info() -> dict:
    path = warehouse_path()
    s = path.stat()
    return {"path": str(path), "mtime": s.st_mtime, "size": s.st_size}
