"""The raw layer on disk, outside the warehouse files (``<dir>/raw/<warehouse stem>/``):

    records/<run id>-<part>.parquet     immutable files of one run's document versions
                                        (up to 1,000 each): their cells, narrative
                                        facts and problems, keyed by document_id
                                        (sha256) and loaded_run_id; the registry row
                                        of a version names its file
    registry/<run id>/<table>.parquet   one generation of the small registry tables
                                        (raw_documents, raw_files, raw_quarantine,
                                        raw_unit_seed, raw_meta)
    registry/current -> <run id>        the generation of the published warehouse
    registry/build -> <run id>          the generation the running build reads
    .tmp/                               files being written (renamed when complete)

Every file is written under ``.tmp/``, fsynced and renamed into place; a registry
generation names only record files that exist, and ``current`` moves only after
the warehouse built from it is published. So a killed run leaves at most files
nobody references (removed by the next run). dbt reads these files (sources with
external locations on DuckDB, tables over the same files on Spark); the refresh
keeps the registry in an in-memory DuckDB while it runs (``Registry.con``)."""

from __future__ import annotations

import ctypes
import os
import shutil
from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq

from warehouse.raw_schema import RECORD_SCHEMA, REGISTRY_DDL

REGISTRY_TABLES = ("raw_documents", "raw_files", "raw_quarantine", "raw_unit_seed", "raw_meta")


def raw_root(warehouse: Path) -> Path:
    """The raw directory of a warehouse, next to it (one per warehouse name)."""
    warehouse = Path(warehouse)
    return warehouse.parent / "raw" / warehouse.name.removesuffix(".duckdb")


def relative_root(warehouse: Path) -> str:
    """The raw directory as dbt sees it: relative to the warehouse's directory
    (each build file's directory links ``raw`` to it, warehouse/slots.py)."""
    return str(raw_root(warehouse).relative_to(Path(warehouse).parent))


def fsync(path: Path, directory: bool = False) -> None:
    fd = os.open(path, (os.O_RDONLY | os.O_DIRECTORY) if directory else os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _syncfs(path: Path) -> None:
    """Flush the filesystem holding ``path`` (syncfs(2); sync(2) where unavailable)."""
    fd = os.open(path, os.O_RDONLY | os.O_DIRECTORY)
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        if getattr(libc, "syncfs", None) is None or libc.syncfs(fd) != 0:
            os.sync()
    finally:
        os.close(fd)


def _link(root: Path, name: str, target: str) -> None:
    """Point ``root/name`` at ``target`` in one atomic rename."""
    tmp = root / f".{name}.{os.getpid()}.link"
    tmp.unlink(missing_ok=True)
    os.symlink(target, tmp)
    os.replace(tmp, root / name)
    fsync(root, directory=True)


class RawFiles:
    """The raw directory of one warehouse."""

    def __init__(self, warehouse: Path):
        self.root = raw_root(warehouse)
        self.records = self.root / "records"
        self.registry = self.root / "registry"
        self.tmp = self.root / ".tmp"

    def ensure(self) -> None:
        for d in (self.records, self.registry, self.tmp):
            d.mkdir(parents=True, exist_ok=True)

    def generation(self, link: str = "current") -> Path | None:
        p = self.registry / link
        return p.resolve() if p.is_symlink() and p.resolve().is_dir() else None

    @staticmethod
    def record_name(run_id: str, part: int) -> str:
        return f"records/{run_id}-{part:05d}.parquet"

    def write_record(self, name: str, table: pa.Table) -> None:
        """One record file: temp name, then rename. Not fsynced one by one:
        ``Registry.stage`` syncs the filesystem once before a generation names
        them, so a power loss can only leave files no generation names (removed
        by the next run)."""
        tmp = self.tmp / Path(name).name
        pq.write_table(table, tmp, compression="zstd")
        os.replace(tmp, self.root / name)

    def open_registry(self, rebuild_from: str = "current") -> Registry:
        return Registry(self, self.generation(rebuild_from))

    def cleanup(self, keep_referenced: set[str] | None = None) -> list[str]:
        """Leftovers of killed runs: temp files, generations other than ``current``
        (and the ``build`` link), record files no generation names. Returns
        what was removed (for the summary)."""
        gone: list[str] = []
        if self.tmp.is_dir():
            for p in self.tmp.iterdir():
                shutil.rmtree(p) if p.is_dir() and not p.is_symlink() else p.unlink()
                gone.append(f"raw/.tmp/{p.name}")
        current = self.generation()
        if self.registry.is_dir():
            for p in self.registry.iterdir():
                if p.name == "current" or (current is not None and p.resolve() == current):
                    continue
                if p.is_symlink() or p.is_file():
                    p.unlink()
                else:
                    shutil.rmtree(p)
                    gone.append(f"raw/registry/{p.name}")
        if keep_referenced is not None and self.records.is_dir():
            for entry in os.scandir(self.records):
                if f"records/{entry.name}" not in keep_referenced:
                    os.unlink(entry.path)
                    gone.append(f"raw/records/{entry.name}")
        return gone


class Registry:
    """The registry tables of one generation, loaded into an in-memory DuckDB
    so that the refresh's bookkeeping SQL runs on them unchanged."""

    def __init__(self, files: RawFiles, generation: Path | None):
        self.files = files
        self.con = duckdb.connect(config={"autoinstall_known_extensions": False})
        for table in REGISTRY_TABLES:
            src = generation / f"{table}.parquet" if generation else None
            if src is not None and src.is_file():
                self.con.execute(f"create table {table} as select * from read_parquet('{src}')")
        self.con.execute(REGISTRY_DDL)  # creates what is missing, adds newer columns

    def get_meta(self, key: str) -> str | None:
        row = self.con.execute("select value from raw_meta where key = ?", [key]).fetchone()
        return row[0] if row else None

    def set_meta(self, key: str, value: str) -> None:
        self.con.execute("delete from raw_meta where key = ?", [key])
        self.con.execute("insert into raw_meta values (?, ?, now())", [key, value])

    def referenced(self) -> set[str]:
        rows = self.con.execute("select records_file from raw_documents where records_file is not null")
        return {r[0] for r in rows.fetchall()}

    def stage(self, run_id: str) -> Path:
        """Write this state as generation ``run_id`` and point ``build`` at it."""
        files = self.files
        tmp = files.tmp / f"registry-{run_id}"
        shutil.rmtree(tmp, ignore_errors=True)
        tmp.mkdir(parents=True)
        for table in REGISTRY_TABLES:
            out = tmp / f"{table}.parquet"
            self.con.execute(f"copy (select * from {table}) to '{out}' (format parquet)")
            fsync(out)
        fsync(tmp, directory=True)
        _syncfs(files.records)  # the record files it names are durable first
        final = files.registry / run_id
        shutil.rmtree(final, ignore_errors=True)
        os.rename(tmp, final)
        _link(files.registry, "build", run_id)
        return final

    def close(self) -> None:
        self.con.close()


def commit(files: RawFiles, run_id: str) -> None:
    """The published warehouse was built from generation ``run_id``: make it current."""
    _link(files.registry, "current", run_id)


def empty_records() -> pa.Table:
    return RECORD_SCHEMA.empty_table()
