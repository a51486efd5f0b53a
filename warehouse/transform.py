"""Build the marts with dbt (dbt-duckdb), in process.

What costs time in a small dbt build is dbt itself: importing it (~3 s),
parsing the project (~8 s cold) and ~50 ms of bookkeeping per node, of which
the ~220 schema tests are most. So:

* dbt runs the seeds and models (``dbt build --exclude-resource-type test``);
  the schema tests defined in the yml files are compiled by dbt once per
  project version and then executed directly on the build file, which is the
  same SQL and the same pass/warn/error rule (``fail_calc``, ``warn_if``,
  ``error_if``, severity) without the per-node overhead;
* the parsed manifest is kept in the process (the in-process scheduler reuses
  it: ``dbtRunner(manifest=...)``), and dbt's ``partial_parse.msgpack`` is
  shared between warehouses through a cache directory. For that the profile
  must be identical for every warehouse: dbt is run from the warehouse's
  directory with a relative database path.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import shutil
import tempfile
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, TypedDict

from warehouse.paths import dbt_project_dir

if TYPE_CHECKING:  # dbt is imported lazily: importing it costs ~3 s
    from dbt.contracts.graph.manifest import Manifest

_MANIFESTS: dict[tuple[str, str], Manifest] = {}


class DbtFailed(RuntimeError):
    def __init__(self, failures: list[str], detail: str = ""):
        self.failures = failures
        head = "；".join(failures[:5]) + (f" 等 {len(failures)} 项" if len(failures) > 5 else "")
        super().__init__(f"dbt 构建失败：{head or detail or '原因未知'}")


class CompiledTest(TypedDict):
    """One dbt schema test compiled to SQL (cached as JSON between runs)."""

    name: str
    unique_id: str
    model: str
    sql: str | None
    severity: str
    fail_calc: str
    warn_if: str
    error_if: str
    limit: int | None


@dataclass
class BuildStats:
    seconds: float = 0.0
    parse_seconds: float = 0.0
    run_seconds: float = 0.0
    test_seconds: float = 0.0
    models: int = 0
    tests: int = 0
    warnings: list[str] = field(default_factory=list)
    full_refresh: bool = False


def project_fingerprint(project: Path | None = None) -> str:
    project = Path(project or dbt_project_dir())
    h = hashlib.sha256()
    for sub in ("dbt_project.yml", "profiles.yml", "models", "macros", "seeds", "tests"):
        p = project / sub
        files = [p] if p.is_file() else sorted(x for x in p.rglob("*") if x.is_file()) if p.is_dir() else []
        for f in files:
            h.update(str(f.relative_to(project)).encode())
            h.update(f.read_bytes())
    return h.hexdigest()[:16]


def parse_cache_dir() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(os.environ.get("JUESUAN_DBT_CACHE", os.path.join(base, "juesuan", "dbt")))


def _prune_cache(directory: Path, keep: int = 24) -> None:
    """Drop cache files of old project versions (newest ``keep`` stay)."""
    files = sorted(directory.glob("*"), key=lambda p: p.stat().st_mtime, reverse=True)
    for old in files[keep:]:
        old.unlink(missing_ok=True)


@contextlib.contextmanager
def _dbt_context(db_path: Path, raw_dir: str | None = None) -> Iterator[None]:
    """cwd = the database's directory and JUESUAN_DBT_PATH = its bare name while
    dbt runs (JUESUAN_RAW_DIR: the raw records' directory relative to it, for the
    sources); dbt-duckdb's process-wide DuckDB handle is closed afterwards."""
    db_path = Path(db_path).resolve()
    old_cwd = os.getcwd()
    os.environ["DBT_SEND_ANONYMOUS_USAGE_STATS"] = "False"
    os.environ["DBT_NO_VERSION_CHECK"] = "True"
    os.environ["JUESUAN_DBT_PATH"] = db_path.name
    if raw_dir is not None:
        os.environ["JUESUAN_RAW_DIR"] = raw_dir
    os.chdir(db_path.parent)
    try:
        yield
    finally:
        os.chdir(old_cwd)
        release_connections()


def release_connections() -> None:
    """Close dbt-duckdb's process-wide DuckDB handle. It outlives ``invoke``; left
    open it would keep the build file's old inode after ``os.replace`` (a later
    build in this process would write into the published warehouse) and block
    our own connection."""
    from dbt.adapters.duckdb.connections import DuckDBConnectionManager as manager

    with manager._LOCK:
        env, manager._ENV = manager._ENV, None
        if env is not None:
            env.close()


def _common_args(target: Path, logs: Path) -> list[str]:
    project = str(dbt_project_dir().resolve())
    return [
        "--project-dir", project, "--profiles-dir", project,
        "--target-path", str(Path(target).resolve()), "--log-path", str(Path(logs).resolve()),
        "--log-level", "none", "--log-level-file", "warn",
    ]  # fmt: skip


def _manifest(db_name: str, target: Path, logs: Path, fingerprint: str) -> Manifest:
    """The parsed project: from this process's cache, else parsed by dbt (fast
    when a partial-parse file for this project version is in the cache dir)."""
    from dbt.cli.main import dbtRunner
    from dbt.contracts.graph.manifest import Manifest

    key = (fingerprint, db_name)
    if key in _MANIFESTS:
        return _MANIFESTS[key]
    cached = parse_cache_dir() / f"{fingerprint}-{db_name}.msgpack"
    local = Path(target) / "partial_parse.msgpack"
    if cached.is_file():  # always: the alternating build files share one target dir, not one profile
        local.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(cached, local)
    res = dbtRunner().invoke(["parse", "--no-write-json", *_common_args(target, logs)])
    if not res.success or not isinstance(res.result, Manifest):
        raise DbtFailed([], f"dbt 项目解析失败（{res.exception or '见 dbt 日志'}）")
    if local.is_file() and not cached.is_file():
        cached.parent.mkdir(parents=True, exist_ok=True)
        tmp = cached.with_suffix(f".{os.getpid()}.tmp")
        shutil.copyfile(local, tmp)
        os.replace(tmp, cached)
        _prune_cache(cached.parent)
    for old in [k for k in _MANIFESTS if k[0] != fingerprint]:
        del _MANIFESTS[old]  # the two alternating build files (and a copy) keep theirs
    _MANIFESTS[key] = res.result
    return res.result


def _compiled_tests(
    manifest: Manifest, db_name: str, target: Path, logs: Path, fingerprint: str
) -> list[CompiledTest]:
    """Schema tests compiled to SQL by dbt, cached per project version (the SQL
    names relations by the database file's name, hence db_name in the key)."""
    from dbt.artifacts.resources import TestConfig
    from dbt.artifacts.schemas.run import RunExecutionResult
    from dbt.cli.main import dbtRunner
    from dbt.contracts.graph.nodes import GenericTestNode, SingularTestNode

    cache = parse_cache_dir() / f"{fingerprint}-{db_name}.tests.json"
    key = f"{fingerprint}:{db_name}"
    try:
        data = json.loads(cache.read_text(encoding="utf-8"))
        if data.get("key") == key:
            return data["tests"]
    except (OSError, ValueError):
        pass
    res = dbtRunner(manifest=manifest).invoke(
        ["compile", "--select", "resource_type:test", "--no-write-json", *_common_args(target, logs)]
    )
    if not res.success:
        raise DbtFailed([], f"dbt 测试编译失败（{res.exception or '见 dbt 日志'}）")
    if not isinstance(res.result, RunExecutionResult):
        raise DbtFailed([], f"dbt 测试编译返回了意外的结果（{type(res.result).__name__}）")
    tests: list[CompiledTest] = []
    for r in res.result.results:
        node = r.node
        cfg = node.config
        # --select resource_type:test yields only data tests, configured by TestConfig
        assert isinstance(node, GenericTestNode | SingularTestNode) and isinstance(cfg, TestConfig)
        attached = node.attached_node if isinstance(node, GenericTestNode) else None
        tests.append({
            "name": node.name,
            "unique_id": node.unique_id,
            "model": (attached or "").split(".")[-1],
            "sql": node.compiled_code,
            "severity": str(cfg.severity).lower(),
            "fail_calc": cfg.fail_calc,
            "warn_if": cfg.warn_if,
            "error_if": cfg.error_if,
            "limit": cfg.limit,
        })  # fmt: skip
    tests.sort(key=lambda t: t["unique_id"])
    cache.parent.mkdir(parents=True, exist_ok=True)
    tmp = cache.with_suffix(f".{os.getpid()}.tmp")
    tmp.write_text(json.dumps({"key": key, "tests": tests}, ensure_ascii=False), encoding="utf-8")
    os.replace(tmp, cache)
    return tests


def run_tests(
    db_path: Path, tests: list[CompiledTest], on_test: Callable[[str], None] | None = None
) -> tuple[list[str], list[str]]:
    """Execute compiled dbt tests the way dbt's test materialization does.
    Returns (errors, warnings) as Chinese-labelled strings."""
    import duckdb

    errors: list[str] = []
    warnings: list[str] = []
    with duckdb.connect(str(db_path), config={"autoinstall_known_extensions": False}) as con:
        for t in tests:
            limit = f" limit {t['limit']}" if t.get("limit") else ""
            sql = (
                f"select {t['fail_calc']} as failures, {t['fail_calc']} {t['warn_if']} as should_warn, "
                f"{t['fail_calc']} {t['error_if']} as should_error from ({t['sql']}{limit}) as dbt_internal_test"
            )
            row = con.execute(sql).fetchone()
            assert row is not None, "an aggregate query returns exactly one row"
            failures, should_warn, should_error = row
            label = f"{t['name']}（{failures} 行不符合）"
            if t["severity"] == "error" and should_error:
                errors.append(label)
            elif should_warn:
                warnings.append(label)
            if on_test:
                on_test(t["name"])
    return errors, warnings


def build(
    db_path: Path,
    target: Path,
    logs: Path,
    full_refresh: bool = False,
    on_start: Callable[[int], None] | None = None,
    on_node: Callable[[str], None] | None = None,
    select: list[str] | None = None,
    raw_dir: str | None = None,
) -> BuildStats:
    """Build seeds + models into ``db_path``, then run the schema tests; raises
    DbtFailed on any model error or error-severity test failure. ``select``:
    only these dbt selectors (e.g. ``source:roster+``; the tests all run)."""
    t0 = time.perf_counter()
    stats = BuildStats(full_refresh=full_refresh)
    db_path = Path(db_path).resolve()
    target, logs = Path(target).resolve(), Path(logs).resolve()
    target.mkdir(parents=True, exist_ok=True)
    logs.mkdir(parents=True, exist_ok=True)
    fingerprint = project_fingerprint()
    with _dbt_context(db_path, raw_dir):
        from dbt.cli.main import dbtRunner

        manifest = _manifest(db_path.name, target, logs, fingerprint)
        stats.parse_seconds = time.perf_counter() - t0
        tests = _compiled_tests(manifest, db_path.name, target, logs, fingerprint)
        nodes = [n for n in manifest.nodes.values() if n.resource_type in ("model", "seed")]
        if on_start:
            on_start(len(nodes) + len(tests))

        def callback(event) -> None:
            if on_node and event.info.name == "NodeFinished":
                on_node(event.data.node_info.node_name)

        args = ["build", "--exclude-resource-type", "test", "--exclude-resource-type", "unit_test",
                "--no-write-json", "--threads", os.environ.get("JUESUAN_DBT_THREADS", "4"),
                *_common_args(target, logs)]  # fmt: skip
        if full_refresh:
            args.append("--full-refresh")
        if select:
            args += ["--select", *select]
        t_run = time.perf_counter()
        res = dbtRunner(manifest=manifest, callbacks=[callback]).invoke(args)
        stats.run_seconds = time.perf_counter() - t_run
    failures = []
    for r in getattr(res.result, "results", None) or []:
        status = str(getattr(r, "status", "")).lower()
        stats.models += 1
        if status in ("error", "fail", "runtimeerr"):
            name = getattr(getattr(r, "node", None), "name", "?")
            failures.append(f"{name}（{(getattr(r, 'message', '') or status).strip()[:300]}）")
    if failures or not res.success:
        raise DbtFailed(failures, str(res.exception or ""))
    t_test = time.perf_counter()
    errors, stats.warnings = run_tests(db_path, tests, on_node)
    stats.tests = len(tests)
    stats.test_seconds = time.perf_counter() - t_test
    stats.seconds = time.perf_counter() - t0
    if errors:
        raise DbtFailed([f"数据测试未通过：{e}" for e in errors])
    return stats


def generate_docs(warehouse: Path, out_dir: Path) -> Path:
    """``dbt docs generate --static`` against a scratch copy of the published
    warehouse (the catalog needs a database; the published file is never opened
    for writing), named like the refresh's build files so the cached parse is
    reused. Returns the single-file ``static_index.html``, which works offline
    (no CDN assets)."""
    from dbt.cli.main import dbtRunner

    from warehouse.rawfiles import relative_root

    warehouse = Path(warehouse)
    out_dir = Path(out_dir).resolve()
    out_dir.mkdir(parents=True, exist_ok=True)
    fingerprint = project_fingerprint()
    with tempfile.TemporaryDirectory(prefix="juesuan-docs-") as tmp:
        scratch = Path(tmp) / warehouse.name
        shutil.copyfile(warehouse, scratch)
        if (warehouse.parent / "raw").is_dir():  # compiling the landing models reads the registry
            os.symlink((warehouse.parent / "raw").resolve(), Path(tmp) / "raw")
        logs = Path(tmp) / "logs"
        with _dbt_context(scratch, relative_root(warehouse)):
            manifest = _manifest(scratch.name, out_dir, logs, fingerprint)
            res = dbtRunner(manifest=manifest).invoke(
                ["docs", "generate", "--static", *_common_args(out_dir, logs)]
            )
        if not res.success:
            raise DbtFailed([], f"dbt docs generate 失败（{res.exception or '见日志'}）")
    return out_dir / "static_index.html"
