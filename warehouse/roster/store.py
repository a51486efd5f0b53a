"""The roster's files under the data directory (next to the warehouse):

    roster/versions/v000003/   one complete version of the roster, never changed
        units.parquet          one row per unit (tree: department_id, parent_unit_id)
        unit_aliases.parquet   former names and aliases from the sheet
        unit_years.parquet     unit x year it must disclose, with the deadline
        decisions.parquet      review decisions on printed names (accepted / rejected)
        changes.parquet        every change so far: version, who, when, what
        version.json           this version's number, author, time, action
    roster/current -> versions/v000003   (a symlink, replaced atomically)
    roster/matches/<build file>.name_matches.parquet   derived by each refresh (sync.py)

A change writes a whole new version directory, then swaps the ``current``
link with ``os.replace``, all under an exclusive ``flock`` on ``roster.lock``:
readers (dbt, the dashboard) see one complete version, a crash leaves the
previous one current, and two writers never interleave. The files live outside
the warehouse file, so refreshes and ``--rebuild`` keep them."""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import shutil
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

S = pa.string()
SCHEMAS: dict[str, pa.Schema] = {
    "units": pa.schema([
        ("unit_id", S), ("unit_name", S), ("credit_code", S), ("budget_code", S), ("department_name", S),
        ("department_id", S), ("parent_unit_id", S), ("unit_level", S), ("unit_type", S), ("region", S),
        ("staff_count", pa.int32()), ("sheet_row", pa.int32()),
    ]),
    "unit_aliases": pa.schema([("unit_id", S), ("alias_name", S)]),
    "unit_years": pa.schema([("unit_id", S), ("fiscal_year", pa.int32()), ("deadline", pa.date32())]),
    "decisions": pa.schema([
        ("printed_name", S), ("unit_id", S), ("decision", S), ("decided_by", S), ("decided_at", S), ("note", S),
    ]),
    "changes": pa.schema([
        ("version_no", pa.int32()), ("changed_at", S), ("changed_by", S), ("change_action", S), ("unit_id", S),
        ("field", S), ("old_value", S), ("new_value", S), ("change_source", S),
    ]),
    "name_matches": pa.schema([
        ("document_id", S), ("printed_name", S), ("name_source", S), ("fiscal_year", pa.int32()),
        ("match_status", S), ("unit_id", S), ("score", pa.float64()), ("second_unit_id", S),
        ("second_score", pa.float64()), ("reason", S),
    ]),
}  # fmt: skip
TABLES = ("units", "unit_aliases", "unit_years", "decisions", "changes")


def roster_dir(warehouse: Path) -> Path:
    return Path(warehouse).parent / "roster"


@dataclass
class Roster:
    version_no: int = 0
    units: list[dict] = field(default_factory=list)
    unit_aliases: list[dict] = field(default_factory=list)
    unit_years: list[dict] = field(default_factory=list)
    decisions: list[dict] = field(default_factory=list)
    changes: list[dict] = field(default_factory=list)
    meta: dict = field(default_factory=dict)

    def latest_decisions(self) -> dict[str, dict]:
        """The last decision per printed name (a later one overrides)."""
        out: dict[str, dict] = {}
        for d in self.decisions:
            out[d["printed_name"]] = d
        return out


def _write_table(path: Path, name: str, rows: list[dict]) -> None:
    schema = SCHEMAS[name]
    table = pa.Table.from_pylist([{k: r.get(k) for k in schema.names} for r in rows], schema=schema)
    tmp = path.with_name(path.name + ".tmp")
    pq.write_table(table, tmp)
    with open(tmp, "rb") as fh:
        os.fsync(fh.fileno())
    os.replace(tmp, path)


def matches_path(root: Path, build_name: str) -> Path:
    """Where dbt reads a build's matches (the source's external_location)."""
    return Path(root) / "matches" / f"{build_name.replace('/', '_')}.name_matches.parquet"


def write_matches(root: Path, rows: list[dict], build_name: str) -> Path:
    """The refresh's derived name matches for one build file (atomic replace)."""
    path = matches_path(root, build_name)
    path.parent.mkdir(parents=True, exist_ok=True)
    _write_table(path, "name_matches", rows)
    return path


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY | os.O_DIRECTORY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


class RosterStore:
    def __init__(self, root: Path) -> None:
        self.root = Path(root)
        self.versions = self.root / "versions"
        self.current_link = self.root / "current"

    @contextlib.contextmanager
    def _locked(self) -> Iterator[None]:
        self.root.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.root / "roster.lock", os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX)
            yield
        finally:
            with contextlib.suppress(OSError):
                fcntl.flock(fd, fcntl.LOCK_UN)
            os.close(fd)

    def fingerprint(self) -> str:
        """Which version is current ('' when there is none): a refresh rebuilds
        the marts when it changes."""
        try:
            return os.readlink(self.current_link)
        except OSError:
            return ""

    def ensure(self) -> None:
        """An empty version 0 when nothing was ever imported (dbt's sources must exist)."""
        if self.fingerprint():
            return
        with self._locked():
            if not self.fingerprint():
                self._commit(Roster(meta={"action": "init", "changed_by": "system"}), 0)

    def load(self) -> Roster:
        target = self.fingerprint()
        if not target:
            return Roster()
        d = self.root / target
        r = Roster(meta=json.loads((d / "version.json").read_text(encoding="utf-8")))
        r.version_no = int(r.meta.get("version_no", 0))
        for name in TABLES:
            setattr(r, name, pq.read_table(d / f"{name}.parquet").to_pylist())
        return r

    def history(self) -> list[dict]:
        """Every version's metadata, oldest first."""
        out = []
        for d in sorted(self.versions.glob("v*")):
            with contextlib.suppress(OSError, ValueError):
                out.append(json.loads((d / "version.json").read_text(encoding="utf-8")))
        return out

    def _commit(self, roster: Roster, version_no: int) -> None:
        self.versions.mkdir(parents=True, exist_ok=True)
        final = self.versions / f"v{version_no:06d}"
        tmp = self.versions / f".v{version_no:06d}.{os.getpid()}.tmp"
        shutil.rmtree(tmp, ignore_errors=True)
        tmp.mkdir()
        for name in TABLES:
            _write_table(tmp / f"{name}.parquet", name, getattr(roster, name))
        meta = {**roster.meta, "version_no": version_no}
        (tmp / "version.json").write_text(json.dumps(meta, ensure_ascii=False, default=str), encoding="utf-8")
        _fsync_dir(tmp)
        if final.exists():  # a crashed writer's leftover with this number
            shutil.rmtree(final)
        os.rename(tmp, final)
        link_tmp = self.root / f".current.{os.getpid()}.tmp"
        link_tmp.unlink(missing_ok=True)
        os.symlink(final.relative_to(self.root), link_tmp)
        os.replace(link_tmp, self.current_link)
        _fsync_dir(self.root)

    def update(
        self, change: Callable[[Roster], list[dict]], action: str, by: str, source: str = ""
    ) -> Roster:
        """Apply ``change(roster) -> list of change rows`` to the current version
        and commit the result as the next version (under the lock)."""
        with self._locked():
            roster = self.load()
            number = (
                max([roster.version_no, *[int(p.name[1:]) for p in self.versions.glob("v*")]], default=0) + 1
            )
            now = datetime.now().isoformat(timespec="seconds")
            rows = change(roster)
            for r in rows:
                r.update(
                    version_no=number,
                    changed_at=now,
                    changed_by=by,
                    change_action=action,
                    change_source=source,
                )
            roster.changes = [*roster.changes, *rows]
            roster.meta = {"action": action, "changed_by": by, "changed_at": now, "source": source,
                           "changes": len(rows)}  # fmt: skip
            self._commit(roster, number)
            roster.version_no = number
            return roster

    def decide(
        self, printed_name: str, unit_id: str | None, decision: str, by: str, note: str = ""
    ) -> Roster:
        """Record an admin's decision on a printed name: ``accepted`` (it is
        ``unit_id``: becomes an alias, its documents move at the next refresh)
        or ``rejected`` (it is not ``unit_id``)."""
        if decision not in ("accepted", "rejected"):
            raise ValueError(f"未知的决定：{decision}")

        def change(roster: Roster) -> list[dict]:
            if decision == "accepted" and unit_id not in {u["unit_id"] for u in roster.units}:
                raise ValueError(f"名录中没有单位 {unit_id}")
            now = datetime.now().isoformat(timespec="seconds")
            roster.decisions.append({"printed_name": printed_name, "unit_id": unit_id, "decision": decision,
                                     "decided_by": by, "decided_at": now, "note": note})  # fmt: skip
            label = "接受为别名" if decision == "accepted" else "驳回对应"
            return [
                {
                    "unit_id": unit_id,
                    "field": "别名",
                    "old_value": None,
                    "new_value": f"{label}：{printed_name}",
                }
            ]

        return self.update(change, f"review_{decision}", by)
