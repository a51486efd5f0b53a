"""Default locations. Everything lives under one data directory (``data/`` in the
working directory, or ``$JUESUAN_DATA_DIR``); the dbt project sits next to this
package (or ``$JUESUAN_DBT_PROJECT``)."""

from __future__ import annotations

import os
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[1]


def data_dir() -> Path:
    return Path(os.environ.get("JUESUAN_DATA_DIR", "data"))


def default_warehouse() -> Path:
    return data_dir() / "warehouse.duckdb"


def default_inbox() -> Path:
    return data_dir() / "inbox"


def dbt_project_dir() -> Path:
    return Path(os.environ.get("JUESUAN_DBT_PROJECT", REPO_ROOT / "dbt_project"))


def default_seed(inbox: Path) -> Path | None:
    """The unit registry seed: ``units.csv`` in the inbox (what the sample generator
    writes), else ``units.csv`` in the data directory."""
    for candidate in (inbox / "units.csv", data_dir() / "units.csv"):
        if candidate.is_file():
            return candidate
    return None


class WarehousePaths:
    """The files that belong to one warehouse ``<dir>/<name>.duckdb``."""

    def __init__(self, warehouse: Path):
        self.warehouse = Path(warehouse)
        d, n = self.warehouse.parent, self.warehouse.name
        self.dir = d
        self.build = d / f".{n}.build"  # a build file of before (warehouse/slots.py): removed as a leftover
        self.lock = d / f"{n}.lock"
        self.journal = d / f"{n}.runs.jsonl"
        self.dbt_target = d / f".{n}.dbt" / "target"
        self.dbt_logs = d / f".{n}.dbt" / "logs"

    @staticmethod
    def wal(db: Path) -> Path:
        return db.with_name(db.name + ".wal")
