"""The steps of one refresh, in the order `warehouse.refresh.refresh` calls them:
begin (lock bookkeeping, leftovers, the raw registry), scan (the inbox), plan
(what to parse; seed and roster; is anything new), prepare (the build file: the
standby of two alternating files, warehouse/slots.py), parse, load (record
files, then a new registry generation), build (dbt), check (data quality),
publish (counts, run log, switch the published link, then the registry). Each
step reads and writes the run's state in `Run`; every write goes into the
build file or new raw files, never the published ones."""

from __future__ import annotations

import contextlib
import os
import time
import uuid
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

import duckdb

from warehouse import parsing, quality, rawfiles, rawstore, runlog, scan, seed, slots, transform
from warehouse.lock import RefreshLock
from warehouse.paths import WarehousePaths, default_seed
from warehouse.progress import Progress
from warehouse.roster import sync as roster_sync
from warehouse.roster.store import RosterStore, roster_dir
from warehouse.summary import RefreshSummary
from warehouse.workers import ParseLimits

_DUCKDB: dict[str, str | bool | int | float | list[str]] = {"autoinstall_known_extensions": False}


@dataclass
class Run:
    """One refresh's options and the state its steps hand on."""

    paths: WarehousePaths
    inbox: Path
    summary: RefreshSummary
    lock: RefreshLock
    limits: ParseLimits
    now: datetime
    units: Path | None = None
    parser: str | None = None
    workers: int = 2
    reparse: bool = False
    rebuild: bool = False
    checks: bool = True
    con: duckdb.DuckDBPyConnection | None = None
    prog: Progress | None = None
    spec: str = ""
    fingerprint: str = ""
    dbt_fp: str = ""
    fresh: bool = False
    dbt_changed: bool = False
    scanned: Any = None  # scan.ScanResult
    to_parse: dict[str, str] = field(default_factory=dict)  # sha256 -> inbox path
    abspath: dict[str, str] = field(default_factory=dict)
    limited_fp: str = ""
    seed_rows: list | None = None
    seed_path: Path | None = None
    seed_sha: str | None = None
    roster: RosterStore | None = None
    roster_version: str = ""
    outcomes: dict[str, dict] = field(default_factory=dict)
    files: rawfiles.RawFiles | None = None
    registry: rawfiles.Registry | None = None  # the raw registry, in memory while the run lasts
    target: slots.Target | None = None
    rebuild_models: bool = False  # the build file's models are from another dbt project: --full-refresh

    @property
    def reg(self) -> duckdb.DuckDBPyConnection:
        assert self.registry is not None
        return self.registry.con

    def beat(self, step: str) -> None:
        self.lock.beat(step)
        checkpoint(step)

    def advanced(self, bar: str, step: str) -> None:
        """A unit of work done: the progress bar moves, the lock's heartbeat too."""
        assert self.prog is not None
        self.prog.advance(bar)
        self.beat(step)

    def connect(self) -> duckdb.DuckDBPyConnection:
        assert self.target is not None
        self.con = duckdb.connect(str(self.target.build), config=_DUCKDB)
        return self.con

    def disconnect(self) -> None:
        if self.con is not None:
            self.con.close()
            self.con = None

    def close(self) -> None:
        self.disconnect()
        if self.registry is not None:
            self.registry.close()
            self.registry = None


def checkpoint(name: str) -> None:
    """Test hook: with $JUESUAN_TEST_PAUSE_AT=<name>, announce and sleep here so a
    test can SIGKILL the refresh at a known point. A no-op otherwise."""
    if os.environ.get("JUESUAN_TEST_PAUSE_AT") != name:
        return
    marker = os.environ.get("JUESUAN_TEST_PAUSE_MARKER")
    if marker:
        Path(marker).write_text(name, encoding="utf-8")
    time.sleep(float(os.environ.get("JUESUAN_TEST_PAUSE_SECONDS", "120")))


def new_run_id(now: datetime) -> str:
    return now.strftime("%Y%m%dT%H%M%S") + "-" + uuid.uuid4().hex[:6]


def remove(path: Path) -> None:
    for p in (path, WarehousePaths.wal(path)):
        p.unlink(missing_ok=True)


def _cleanup_leftovers(paths: WarehousePaths, files: rawfiles.RawFiles) -> list[str]:
    """Files a killed refresh or check may leave (under the same lock, so no live
    process owns them now). Returns the names removed. A standby a killed run was
    building is kept: DuckDB recovers it, and its models catch up."""
    gone = []
    for p in (
        paths.build,
        slots.slot(paths, "copy"),
        paths.dir / f".{paths.warehouse.name}.check",
        paths.dir / f".{paths.warehouse.name}.link",
    ):
        for q in (p, WarehousePaths.wal(p)):
            if q.exists() or q.is_symlink():
                q.unlink(missing_ok=True)
                gone.append(str(q.relative_to(paths.dir)))
    return gone + files.cleanup()


def begin(run: Run) -> None:
    """Say a taken-over lock and what a killed run left; fingerprints of reader and dbt."""
    s, lock = run.summary, run.lock
    runlog.start(run.paths.journal, s.run_id, run.now, s.inbox)
    if lock.stale:
        s.notes.append(
            f"上一次刷新（进程 {lock.stale.get('pid', '?')}，开始于 {lock.stale.get('started', '?')}）"
            "未正常结束：已接管其锁"
        )
    run.files = rawfiles.RawFiles(run.paths.warehouse)
    leftovers = _cleanup_leftovers(run.paths, run.files)
    if leftovers:
        s.notes.append(f"已清理上次中断留下的文件：{'、'.join(leftovers[:10])}"
                       + (f" 等 {len(leftovers)} 个" if len(leftovers) > 10 else ""))  # fmt: skip
    run.files.ensure()
    run.registry = run.files.open_registry()
    checkpoint("locked")
    if not run.inbox.is_dir():
        raise FileNotFoundError(f"收件箱目录不存在：{run.inbox}")
    run.spec = parsing.parser_spec(run.parser)
    run.fingerprint = parsing.parser_fingerprint(run.spec)
    run.dbt_fp = transform.project_fingerprint()


def prepare(run: Run) -> None:
    """The file to build in: the standby (one refresh behind), or a fresh or copied one."""
    paths, s = run.paths, run.summary
    run.fresh = run.rebuild or slots.active(paths) is None
    run.target = slots.prepare(paths, run.fresh)
    if run.target.note:
        s.notes.append(run.target.note)
    s.full_rebuild = run.fresh
    s.timings["standby_copied"] = float(run.target.copied)
    checkpoint("copied")
    con = run.connect()
    rawstore.ensure_schema(con)
    schema = rawstore.get_meta(con, "schema_version")
    if schema not in (None, rawstore.SCHEMA_VERSION):
        raise RuntimeError(f"数据仓库结构版本 {schema} 与当前程序不符，请使用 --rebuild 重建")
    run.rebuild_models = run.fresh or rawstore.get_meta(con, "dbt_fingerprint") != run.dbt_fp
    slots.carry_over(con, paths)  # the data-quality state as published (the standby has the run before's)
    run.disconnect()


def scan_inbox(run: Run) -> None:
    s, con, limits = run.summary, run.reg, run.limits
    assert run.prog is not None
    run.prog.start("scan")
    known = rawstore.known_files(con)
    result = scan.scan(run.inbox, known, max_bytes=limits.max_file_bytes if limits.max_file_mb else None)
    run.lock.beat("scan")
    if not result.files and known:
        raise RuntimeError(
            f"收件箱 {run.inbox} 中没有任何文件，而上次有 {len(known)} 个：可能未挂载或路径有误；"
            "为免误把全部文档标为撤回，本次未执行（数据仓库未改动）"
        )
    s.skipped = [(x.path, x.reason) for x in result.skipped]
    s.missing = list(result.missing)
    run.prog.done("scan")
    s.files_seen = len(result.files)
    s.files_new, s.files_changed = result.count("new"), result.count("changed")
    s.files_unchanged, s.files_missing = result.count("unchanged"), len(result.missing)
    run.scanned = result


def plan(run: Run) -> bool:
    """What to parse (new content, or read by another reader or other limits), the
    unit seed and roster; False when nothing is new (the published file stays)."""
    s, con, files = run.summary, run.reg, run.scanned.files
    known_docs = rawstore.known_documents(con)
    first_path: dict[str, str] = {}
    for f in files:
        first_path.setdefault(f.sha256, f.path)
    run.abspath = {f.path: f.abspath for f in files}
    # a document stopped by a limit is read again once the limits change
    lim = run.limits
    run.limited_fp = f"{run.fingerprint}|limits={lim.seconds:g}/{lim.memory_mb}/{lim.max_file_mb:g}"
    run.to_parse = {
        sha: path
        for sha, path in first_path.items()
        if run.reparse or sha not in known_docs or known_docs[sha][1] not in (run.fingerprint, run.limited_fp)
    }
    moved = [f for f in files if f.state != "unchanged"]
    s.files_duplicate = sum(
        1 for f in moved if f.sha256 not in run.to_parse or first_path[f.sha256] != f.path
    )
    run.seed_path = Path(run.units) if run.units else default_seed(run.inbox)
    if run.seed_path is not None:
        if not run.seed_path.is_file():
            raise FileNotFoundError(f"单位名录不存在：{run.seed_path}")
        run.seed_rows, run.seed_sha = seed.read_seed(run.seed_path)
        s.seed_path = str(run.seed_path)
        s.seed_changed = run.seed_sha != rawstore.get_meta(con, "seed_sha256", "raw_meta")
    elif not con.execute("select count(*) from raw_unit_seed").fetchone()[0]:  # type: ignore[index]
        s.notes.append("未找到单位名录 units.csv：所有单位都将标记为待审核")
    run.dbt_changed = rawstore.get_meta(con, "dbt_fingerprint", "raw_meta") != run.dbt_fp
    # the unit roster: files next to the warehouse (warehouse/roster); a new version rebuilds the marts
    run.roster = RosterStore(roster_dir(run.paths.warehouse))
    run.roster.ensure()
    run.roster_version = run.roster.fingerprint()
    # a roster decision (warehouse/roster/apply.py) brings the published file up to date by itself
    roster_changed = slots.published_meta(run.paths, "roster_version") != run.roster_version
    return bool(run.rebuild or not slots.active(run.paths) or run.to_parse or moved or run.scanned.missing or s.seed_changed
                or run.dbt_changed or roster_changed)  # fmt: skip


def parse(run: Run) -> None:
    """Parse what is new or changed, on both cores, each under its limits."""
    prog = run.prog
    assert prog is not None
    prog.start("parse", total=len(run.to_parse))
    t = time.perf_counter()
    run.outcomes = parsing.parse_many(
        [(sha, run.abspath[rel]) for sha, rel in run.to_parse.items()], run.spec, workers=run.workers,
        limits=run.limits, on_done=lambda key, out: run.advanced("parse", "parsing"),
        on_tick=lambda: run.lock.beat("parsing"), on_page=prog.page,
    )  # fmt: skip
    for out in run.outcomes.values():
        if out.get("code") in ("timeout", "memory_limit", "too_large"):
            out["fingerprint"] = run.limited_fp
    run.summary.parse_seconds = time.perf_counter() - t
    prog.done("parse")


def load(run: Run) -> None:
    """Raw records with provenance (one file per document version), then file
    registry, seed and meta as a new registry generation the build reads; then
    the printed names matched to the roster."""
    s, con, prog = run.summary, run.reg, run.prog
    assert prog is not None and run.roster is not None and run.files is not None and run.registry is not None
    assert run.target is not None
    prog.start("load", total=1)
    first_seen = {sha: (s.run_id, run.now) for sha in run.to_parse}
    for doc_id, run_id, at in con.execute(
        "select document_id, first_seen_run_id, first_seen_at from raw_documents"
    ).fetchall():
        if doc_id in first_seen:
            first_seen[doc_id] = (run_id, at)
    batch = rawstore.RawBatch(s.run_id, run.now, run.spec, run.fingerprint)
    for sha in sorted(run.outcomes, key=lambda x: run.to_parse[x]):
        status = batch.add(sha, run.to_parse[sha], run.outcomes[sha], first_seen[sha])
        s.documents_parsed += 1
        if status == "loaded":
            s.documents_loaded += 1
        else:
            s.documents_quarantined += 1
    s.quarantined = [(Path(q["source_path"]).name, q["reason"]) for q in batch.quarantine]
    batch.write_records(run.files)
    con.execute("begin")
    batch.write(con)
    rawstore.upsert_files(con, run.scanned.files, s.run_id, run.now, missing=run.scanned.missing)
    if run.seed_rows is not None and s.seed_changed:
        assert run.seed_path is not None and run.seed_sha is not None
        seed.replace_seed(con, run.seed_rows, run.seed_path, run.seed_sha, s.run_id)
        rawstore.set_meta(con, "seed_sha256", run.seed_sha, "raw_meta")
    for key, value in (("schema_version", rawstore.SCHEMA_VERSION), ("dbt_fingerprint", run.dbt_fp),
                       ("roster_version", run.roster_version), ("last_run_id", s.run_id)):  # fmt: skip
        rawstore.set_meta(con, key, value, "raw_meta")
    con.execute("commit")
    run.registry.stage(s.run_id)
    proposed = roster_sync.refresh_matches(con, run.roster.root, run.target.build.name).get("proposed", 0)
    if proposed:
        s.notes.append(f"单位名称：{proposed} 个文档所印名称与名录中的单位高度相似，"
                       "已列入“单位名录”页待审核（不会自动合并）")  # fmt: skip
    prog.done("load")
    run.beat("loaded")


def build(run: Run) -> None:
    """dbt build (the data-quality module may start its slow imports meanwhile)."""
    s, prog = run.summary, run.prog
    assert prog is not None
    if run.checks:
        quality.prepare()
    prog.start("dbt")
    assert run.target is not None
    stats = transform.build(
        run.target.build, run.paths.dbt_target, run.paths.dbt_logs, full_refresh=run.rebuild_models,
        raw_dir=rawfiles.relative_root(run.paths.warehouse),
        on_start=lambda n: prog.total("dbt", n), on_node=lambda name: run.advanced("dbt", "dbt_running"),
    )  # fmt: skip
    s.dbt_seconds = stats.seconds
    s.timings.update(dbt_parse=stats.parse_seconds, dbt_run=stats.run_seconds, dbt_test=stats.test_seconds)
    prog.done("dbt")
    run.beat("dbt_done")


def check(run: Run) -> None:
    """Data quality on the build; a failing check still publishes, said as dq_failed."""
    s, prog = run.summary, run.prog
    assert prog is not None
    con = run.connect()
    prog.start("dq", total=1)
    t = time.perf_counter()
    try:
        if run.checks:
            s.dq_ran, s.findings = quality.run(con, s.run_id)
    except Exception as exc:
        s.status = "dq_failed"
        s.error = f"数据质量检查出错（{type(exc).__name__}：{exc}），数据已发布但未经检查"
    s.dq_seconds = time.perf_counter() - t
    if run.checks:
        s.notes.extend(quality.ack_problems(run.paths))
    prog.done("dq")
    run.beat("dq_done")


def publish(run: Run, t0: float) -> None:
    """Counts and run log into the build, then the build onto the published path."""
    s, con, prog, paths = run.summary, run.con, run.prog, run.paths
    assert con is not None and prog is not None
    prog.start("publish", total=1)
    s.documents_superseding = con.execute(
        "select count(*) from dim_documents where loaded_run_id = ? and version_no > 1", [s.run_id]
    ).fetchone()[0]  # type: ignore[index]
    s.units_flagged = con.execute(
        """select count(distinct u.unit_id) from dim_units u join dim_documents d using (unit_id)
           where u.needs_review and d.loaded_run_id = ?""",
        [s.run_id],
    ).fetchone()[0]  # type: ignore[index]
    if s.status == "running":
        s.status = "success"
    s.finished_at = datetime.now()
    s.total_seconds = time.perf_counter() - t0
    for key, value in (("schema_version", rawstore.SCHEMA_VERSION), ("dbt_fingerprint", run.dbt_fp),
                       ("roster_version", run.roster_version), ("last_run_id", s.run_id)):  # fmt: skip
        rawstore.set_meta(con, key, value)
    runlog.insert_runs(con, [r for r in runlog.read(paths.journal) if r["run_id"] != s.run_id], replace=True)
    runlog.insert_runs(con, [s.record()])
    con.execute("checkpoint")
    run.disconnect()
    run.beat("before_publish")
    assert run.target is not None and run.files is not None and run.registry is not None
    slots.publish(paths, run.target)
    s.published = True
    # after the warehouse: a kill in between only makes the next run read this run's documents again
    rawfiles.commit(run.files, s.run_id)
    checkpoint("published")
    with contextlib.suppress(OSError):  # unreferenced files are harmless; the next run tries again
        run.files.cleanup(keep_referenced=run.registry.referenced())
    prog.done("publish")
