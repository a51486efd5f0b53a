"""``juesuan refresh``: inbox -> raw records -> dbt marts -> data quality ->
atomic publish.

Publishing: the previous warehouse file is copied to ``.<name>.build`` next to
it, every write of this run goes into that copy, and only a complete, checked
build is moved onto the published path with ``os.replace`` (atomic on one
filesystem). Readers see the old file or the new one, never a half-built one;
a crash at any point leaves the published file untouched and the next run
deletes the leftover build file. Unchanged documents are not parsed again:
their raw records come along with the copied file."""

from __future__ import annotations

import contextlib
import os
import shutil
import time
import uuid
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from datetime import datetime
from pathlib import Path

from warehouse import quality, runlog
from warehouse.lock import RefreshLock
from warehouse.paths import WarehousePaths, default_seed
from warehouse.progress import Progress


class RefreshFailed(RuntimeError):
    def __init__(self, summary: RefreshSummary):
        self.summary = summary
        super().__init__(summary.error or "刷新失败")


@dataclass
class RefreshSummary:
    run_id: str
    started_at: datetime
    inbox: str
    warehouse: str
    status: str = "running"
    finished_at: datetime | None = None
    files_seen: int = 0
    files_new: int = 0
    files_changed: int = 0
    files_unchanged: int = 0
    files_duplicate: int = 0
    files_missing: int = 0
    documents_parsed: int = 0
    documents_loaded: int = 0
    documents_quarantined: int = 0
    documents_superseding: int = 0
    units_flagged: int = 0
    findings: int | None = None
    parse_seconds: float = 0.0
    dbt_seconds: float = 0.0
    dq_seconds: float = 0.0
    total_seconds: float = 0.0
    error: str | None = None
    published: bool = False
    seed_path: str | None = None
    seed_changed: bool = False
    dq_ran: bool = False
    full_rebuild: bool = False
    quarantined: list[tuple[str, str]] = field(default_factory=list)
    skipped: list[tuple[str, str]] = field(default_factory=list)  # (path, reason): not regular files
    missing: list[str] = field(default_factory=list)  # paths gone from the inbox in this run
    notes: list[str] = field(default_factory=list)
    timings: dict[str, float] = field(default_factory=dict)

    def record(self) -> dict:
        d = asdict(self)
        for k in ("published", "seed_path", "seed_changed", "dq_ran", "full_rebuild", "quarantined", "notes",
                  "warehouse", "timings", "skipped", "missing"):  # fmt: skip
            d.pop(k)
        return d


def _checkpoint(name: str) -> None:
    """Test hook: with $JUESUAN_TEST_PAUSE_AT=<name>, announce and sleep here so a
    test can SIGKILL the refresh at a known point. A no-op otherwise."""
    if os.environ.get("JUESUAN_TEST_PAUSE_AT") != name:
        return
    marker = os.environ.get("JUESUAN_TEST_PAUSE_MARKER")
    if marker:
        Path(marker).write_text(name, encoding="utf-8")
    time.sleep(float(os.environ.get("JUESUAN_TEST_PAUSE_SECONDS", "120")))


def _fsync(path: Path, directory: bool = False) -> None:
    fd = os.open(path, (os.O_RDONLY | os.O_DIRECTORY) if directory else os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _remove(path: Path) -> None:
    for p in (path, WarehousePaths.wal(path)):
        p.unlink(missing_ok=True)


def _cleanup_leftovers(paths: WarehousePaths) -> list[str]:
    """Files a killed refresh or check may leave (under the same lock, so no live
    process owns them now). Returns the names removed."""
    gone = []
    for p in (paths.build, paths.dir / f".{paths.warehouse.name}.check"):
        for q in (p, WarehousePaths.wal(p)):
            if q.exists():
                q.unlink(missing_ok=True)
                gone.append(q.name)
    return gone


def _new_run_id(now: datetime) -> str:
    return now.strftime("%Y%m%dT%H%M%S") + "-" + uuid.uuid4().hex[:6]


def refresh(
    inbox: Path,
    warehouse: Path,
    units: Path | None = None,
    parser: str | None = None,
    workers: int = 2,
    reparse: bool = False,
    rebuild: bool = False,
    progress: bool = False,
    checks: bool = True,
    docs: Path | None = None,
    console=None,
    on_summary: Callable[[RefreshSummary], None] | None = None,
    limits=None,
) -> RefreshSummary:
    """Run one refresh. Raises WarehouseLocked when another refresh holds the
    lock and RefreshFailed (carrying the summary) when the run fails; the
    published warehouse is untouched in both cases."""
    import duckdb

    from warehouse import parsing, rawstore, scan, seed, transform
    from warehouse.roster import sync as roster_sync
    from warehouse.roster.store import RosterStore, roster_dir
    from warehouse.workers import ParseLimits

    paths = WarehousePaths(Path(warehouse))
    inbox = Path(inbox)
    t0 = time.perf_counter()
    now = datetime.now()
    summary = RefreshSummary(run_id=_new_run_id(now), started_at=now, inbox=str(inbox.resolve()),
                             warehouse=str(paths.warehouse))  # fmt: skip
    limits = limits or ParseLimits.from_env()
    lock = RefreshLock(paths.lock).acquire()
    con = None

    def beat(step: str) -> None:
        lock.beat(step)
        _checkpoint(step)

    try:
        runlog.start(paths.journal, summary.run_id, now, summary.inbox)
        if lock.stale:
            summary.notes.append(
                f"上一次刷新（进程 {lock.stale.get('pid', '?')}，开始于 {lock.stale.get('started', '?')}）"
                "未正常结束：已接管其锁"
            )
        leftovers = _cleanup_leftovers(paths)
        if leftovers:
            summary.notes.append(f"已清理上次中断留下的文件：{'、'.join(leftovers)}")
        _checkpoint("locked")
        if not inbox.is_dir():
            raise FileNotFoundError(f"收件箱目录不存在：{inbox}")
        spec = parsing.parser_spec(parser)
        fingerprint = parsing.parser_fingerprint(spec)
        dbt_fp = transform.project_fingerprint()

        # 1. a private copy of the published warehouse to build into
        _remove(paths.build)
        fresh = rebuild or not paths.warehouse.exists()
        if not fresh:
            shutil.copyfile(paths.warehouse, paths.build)
            if WarehousePaths.wal(paths.warehouse).exists():
                shutil.copyfile(WarehousePaths.wal(paths.warehouse), WarehousePaths.wal(paths.build))
        summary.full_rebuild = fresh
        _checkpoint("copied")
        con = duckdb.connect(str(paths.build), config={"autoinstall_known_extensions": False})
        rawstore.ensure_schema(con)
        schema = rawstore.get_meta(con, "schema_version")
        if schema not in (None, rawstore.SCHEMA_VERSION):
            raise RuntimeError(f"数据仓库结构版本 {schema} 与当前程序不符，请使用 --rebuild 重建")

        with Progress(progress, console) as prog:
            # 2. scan the inbox
            prog.start("scan")
            known = rawstore.known_files(con)
            result = scan.scan(inbox, known, max_bytes=limits.max_file_bytes if limits.max_file_mb else None)
            files = result.files
            lock.beat("scan")
            if not files and known:
                raise RuntimeError(
                    f"收件箱 {inbox} 中没有任何文件，而上次有 {len(known)} 个：可能未挂载或路径有误；"
                    "为免误把全部文档标为撤回，本次未执行（数据仓库未改动）"
                )
            summary.skipped = [(s.path, s.reason) for s in result.skipped]
            summary.missing = list(result.missing)
            prog.done("scan")
            summary.files_seen = len(files)
            summary.files_new = result.count("new")
            summary.files_changed = result.count("changed")
            summary.files_unchanged = result.count("unchanged")
            summary.files_missing = len(result.missing)

            known_docs = rawstore.known_documents(con)
            first_path: dict[str, str] = {}
            abspath = {f.path: f.abspath for f in files}
            for f in files:
                first_path.setdefault(f.sha256, f.path)
            # a document stopped by a limit is read again once the limits change
            limited_fp = f"{fingerprint}|limits={limits.seconds:g}/{limits.memory_mb}/{limits.max_file_mb:g}"
            to_parse = {
                sha: path
                for sha, path in first_path.items()
                if reparse or sha not in known_docs or known_docs[sha][1] not in (fingerprint, limited_fp)
            }
            moved = [f for f in files if f.state != "unchanged"]
            summary.files_duplicate = sum(
                1 for f in moved if f.sha256 not in to_parse or first_path[f.sha256] != f.path
            )

            # unit seed
            seed_path = Path(units) if units else default_seed(inbox)
            seed_rows = None
            if seed_path is not None:
                if not seed_path.is_file():
                    raise FileNotFoundError(f"单位名录不存在：{seed_path}")
                seed_rows, seed_sha = seed.read_seed(seed_path)
                summary.seed_path = str(seed_path)
                summary.seed_changed = seed_sha != rawstore.get_meta(con, "seed_sha256")
            elif not con.execute("select count(*) from raw_unit_seed").fetchone()[0]:
                summary.notes.append("未找到单位名录 units.csv：所有单位都将标记为待审核")

            dbt_changed = rawstore.get_meta(con, "dbt_fingerprint") != dbt_fp
            # the unit roster: files next to the warehouse (warehouse/roster); a new version rebuilds the marts
            roster = RosterStore(roster_dir(paths.warehouse))
            roster.ensure()
            roster_version = roster.fingerprint()
            roster_changed = rawstore.get_meta(con, "roster_version") != roster_version
            nothing_new = not (
                fresh
                or to_parse
                or moved
                or result.missing
                or summary.seed_changed
                or dbt_changed
                or roster_changed
            )
            if nothing_new:
                con.close()
                con = None
                _remove(paths.build)
                summary.status = "unchanged"
                summary.notes.append("没有新的或变更的文件，数据仓库未改动")
                _docs(summary, paths, docs)  # asked for: built from the published warehouse as it is
                return _finish(summary, paths, t0, on_summary)

            # 3. parse what is new or changed, on both cores
            prog.start("parse", total=len(to_parse))
            t_parse = time.perf_counter()
            first_seen = {sha: (summary.run_id, now) for sha in to_parse}
            for row in con.execute(
                "select document_id, first_seen_run_id, first_seen_at from raw_documents"
            ).fetchall():
                if row[0] in first_seen:
                    first_seen[row[0]] = (row[1], row[2])
            batch = rawstore.RawBatch(summary.run_id, now, spec, fingerprint)
            outcomes = parsing.parse_many(
                [(sha, abspath[rel]) for sha, rel in to_parse.items()], spec, workers=workers, limits=limits,
                on_done=lambda key, out: (prog.advance("parse"), beat("parsing")),
                on_tick=lambda: lock.beat("parsing"), on_page=prog.page,
            )  # fmt: skip
            for out in outcomes.values():
                if out.get("code") in ("timeout", "memory_limit", "too_large"):
                    out["fingerprint"] = limited_fp
            summary.parse_seconds = time.perf_counter() - t_parse
            prog.done("parse")

            # 4. raw records with provenance, file registry, seed
            prog.start("load", total=1)
            for sha in sorted(outcomes, key=lambda s: to_parse[s]):
                status = batch.add(sha, to_parse[sha], outcomes[sha], first_seen[sha])
                summary.documents_parsed += 1
                if status == "loaded":
                    summary.documents_loaded += 1
                else:
                    summary.documents_quarantined += 1
            summary.quarantined = [(Path(q["source_path"]).name, q["reason"]) for q in batch.quarantine]
            con.execute("begin")
            batch.write(con)
            rawstore.upsert_files(con, files, summary.run_id, now, missing=result.missing)
            if seed_rows is not None and summary.seed_changed:
                seed.replace_seed(con, seed_rows, seed_path, seed_sha, summary.run_id)
                rawstore.set_meta(con, "seed_sha256", seed_sha)
            rawstore.set_meta(con, "schema_version", rawstore.SCHEMA_VERSION)
            con.execute("commit")
            proposed = roster_sync.refresh_matches(con, roster.root, paths.build.name).get("proposed", 0)
            if proposed:
                summary.notes.append(f"单位名称：{proposed} 个文档所印名称与名录中的单位高度相似，"
                                     "已列入“单位名录”页待审核（不会自动合并）")  # fmt: skip
            con.close()
            con = None
            prog.done("load")
            beat("loaded")

            # 5. dbt build (the data-quality module may start slow imports meanwhile)
            if checks:
                quality.prepare()
            prog.start("dbt")
            full_refresh = fresh or dbt_changed
            stats = transform.build(
                paths.build, paths.dbt_target, paths.dbt_logs, full_refresh=full_refresh,
                on_start=lambda n: prog.total("dbt", n),
                on_node=lambda name: (prog.advance("dbt"), beat("dbt_running")),
            )  # fmt: skip
            summary.dbt_seconds = stats.seconds
            summary.timings.update(dbt_parse=stats.parse_seconds, dbt_run=stats.run_seconds,
                                   dbt_test=stats.test_seconds)  # fmt: skip
            prog.done("dbt")
            beat("dbt_done")

            con = duckdb.connect(str(paths.build), config={"autoinstall_known_extensions": False})
            # 6. data quality, when the rules exist
            prog.start("dq", total=1)
            t_dq = time.perf_counter()
            try:
                if checks:
                    summary.dq_ran, summary.findings = quality.run(con, summary.run_id)
            except Exception as exc:
                summary.status = "dq_failed"
                summary.error = f"数据质量检查出错（{type(exc).__name__}：{exc}），数据已发布但未经检查"
            summary.dq_seconds = time.perf_counter() - t_dq
            if checks:
                summary.notes.extend(quality.ack_problems(paths))
            prog.done("dq")
            beat("dq_done")

            # 7. counts, run log, publish
            prog.start("publish", total=1)
            summary.documents_superseding = con.execute(
                "select count(*) from dim_documents where loaded_run_id = ? and version_no > 1",
                [summary.run_id],
            ).fetchone()[0]
            summary.units_flagged = con.execute(
                """select count(distinct u.unit_id) from dim_units u join dim_documents d using (unit_id)
                   where u.needs_review and d.loaded_run_id = ?""",
                [summary.run_id],
            ).fetchone()[0]
            if summary.status == "running":
                summary.status = "success"
            summary.finished_at = datetime.now()
            summary.total_seconds = time.perf_counter() - t0
            rawstore.set_meta(con, "dbt_fingerprint", dbt_fp)
            rawstore.set_meta(con, "roster_version", roster_version)
            rawstore.set_meta(con, "last_run_id", summary.run_id)
            runlog.insert_runs(con, [r for r in runlog.read(paths.journal) if r["run_id"] != summary.run_id])
            runlog.insert_runs(con, [summary.record()])
            con.execute("checkpoint")
            con.close()
            con = None
            beat("before_publish")
            _fsync(paths.build)
            os.replace(paths.build, paths.warehouse)
            _fsync(paths.dir, directory=True)
            summary.published = True
            _checkpoint("published")
            prog.done("publish")
        _docs(summary, paths, docs)
        return _finish(summary, paths, t0, on_summary)
    except BaseException as exc:
        if con is not None:
            with contextlib.suppress(Exception):
                con.close()
        summary.error = getattr(exc, "message", None) or str(exc) or type(exc).__name__
        if summary.published:  # the new warehouse is out; only bookkeeping after it failed
            raise
        _remove(paths.build)
        summary.status = "interrupted" if isinstance(exc, KeyboardInterrupt) else "failed"
        _finish(summary, paths, t0, on_summary)
        if isinstance(exc, Exception):
            raise RefreshFailed(summary) from exc
        raise
    finally:
        quality.stop_children()
        lock.release()


def _docs(summary: RefreshSummary, paths: WarehousePaths, docs: Path | None) -> None:
    """``--docs``: dbt's docs and the Data Docs (``<docs>/dq/``) of the published warehouse."""
    if docs is None or not paths.warehouse.exists():
        return
    from warehouse import transform

    try:  # the data is published; docs are a convenience
        summary.notes.append(f"dbt 文档：{transform.generate_docs(paths.warehouse, docs)}")
    except Exception as exc:
        summary.notes.append(f"dbt 文档生成失败：{exc}")
    try:
        summary.notes.append(f"数据质量报告：{quality.build_docs(paths.warehouse, Path(docs) / 'dq')}")
    except Exception as exc:
        summary.notes.append(f"数据质量报告生成失败：{exc}")


def _finish(summary: RefreshSummary, paths: WarehousePaths, t0: float, on_summary) -> RefreshSummary:
    summary.finished_at = summary.finished_at or datetime.now()
    summary.total_seconds = time.perf_counter() - t0
    record = {k: v for k, v in summary.record().items() if k != "started_at"}
    runlog.end(paths.journal, {**record, "timings": {k: round(v, 3) for k, v in summary.timings.items()},
                               "skipped": summary.skipped[:200], "missing": summary.missing[:200]})  # fmt: skip
    if on_summary:
        on_summary(summary)
    return summary
