"""Turn each parse into a plain dict: the parse contract (``ParseResult.to_dict()``)
as columns, or a quarantine reason. The parse itself runs in a worker process
(``warehouse.workers``) under a time and memory limit.

The parser is named by a ``"module:function"`` spec so worker processes can import
it; the default is the reader, ``ingest.parse:parse_file``. ``$JUESUAN_PARSER``
overrides it (tests use ``warehouse.contract_json:parse_file``, which reads
saved ``juesuan parse --json`` output)."""

from __future__ import annotations

import hashlib
import importlib
import importlib.util
import json
import os
import time
from collections.abc import Callable, Iterable
from pathlib import Path

from warehouse import completeness

DEFAULT_PARSER = "ingest.parse:parse_file"


def parser_spec(explicit: str | None = None) -> str:
    return explicit or os.environ.get("JUESUAN_PARSER") or DEFAULT_PARSER


def load_parser(spec: str) -> Callable:
    module, _, func = spec.partition(":")
    return getattr(importlib.import_module(module), func or "parse_file")


def parser_fingerprint(spec: str) -> str:
    """Identifies what the parser would produce: its ``PARSER_VERSION`` when the
    parser's module declares one, else a digest of its top-level package's
    sources. When it changes, documents are read again (their records may differ)."""
    module = spec.partition(":")[0]
    try:
        declared = getattr(importlib.import_module(module), "PARSER_VERSION", None)
    except ImportError:
        return "missing:" + spec
    if declared is not None:
        return f"{spec}@{declared}"
    h = hashlib.sha256(spec.encode())
    found = importlib.util.find_spec(module.split(".")[0])
    roots = [Path(r) for r in (found.submodule_search_locations or [])] if found else []
    if not roots and found and found.origin:
        h.update(Path(found.origin).read_bytes())
    for root in roots:
        for p in sorted(root.rglob("*.py")):
            h.update(str(p.relative_to(root)).encode())
            h.update(p.read_bytes())
    return h.hexdigest()[:16]


LINE_KEYS = ("table", "side", "row_label", "subject_code", "column", "amount", "page", "row", "placement")
FACT_KEYS = ("kind", "subject_code", "label", "value", "unit", "page", "text")
PROBLEM_KEYS = ("severity", "table", "code", "message")


def content_hash(result: dict) -> str:
    """Digest of what a document says (cells and facts), whatever file it came in."""
    lines = sorted(
        (x["table"], x.get("side") or "", x.get("row_label") or "", x.get("subject_code") or "",
         x["column"], round(float(x["amount"] or 0), 6))
        for x in result.get("lines") or []
    )  # fmt: skip
    facts = sorted(
        (x["kind"], x.get("subject_code") or "", x.get("label") or "", round(float(x["value"] or 0), 6))
        for x in result.get("facts") or []
    )
    return hashlib.sha256(json.dumps([lines, facts], ensure_ascii=False).encode()).hexdigest()[:32]


def columnar(result: dict) -> dict:
    """The contract dict as column lists, ready for the raw tables (done in the
    worker, so the parent only concatenates)."""

    def cols(rows: list[dict], keys: tuple[str, ...]) -> dict[str, list]:
        return {k: [r.get(k) for r in rows] for k in keys}

    lines = result.get("lines") or []
    facts = result.get("facts") or []
    line_cols, fact_cols = cols(lines, LINE_KEYS), cols(facts, FACT_KEYS)
    line_cols["amount"] = [None if v is None else float(v) for v in line_cols["amount"]]
    fact_cols["value"] = [None if v is None else float(v) for v in fact_cols["value"]]
    return {
        "document": result.get("document") or {},
        "lines": line_cols,
        "facts": fact_cols,
        "problems": cols(result.get("problems") or [], PROBLEM_KEYS),
        "content_hash": content_hash(result),
    }


def parse_one(path: str, spec: str) -> dict:
    """Run the parser on one file; never raises (this is the worker boundary:
    any exception becomes a quarantine reason). A readable document comes back
    as ``records`` (see columnar)."""
    t0 = time.perf_counter()
    try:
        result = load_parser(spec)(path)
        data = result.to_dict() if hasattr(result, "to_dict") else dict(result)
        records = columnar(data)
        missing = completeness.missing_tables(data)
    except MemoryError:
        return memory_outcome(path, None, time.perf_counter() - t0)
    except BaseException as exc:  # the rest of the batch must go on
        if isinstance(exc, KeyboardInterrupt):
            raise
        return _error_outcome(path, exc, time.perf_counter() - t0)
    seconds = time.perf_counter() - t0
    if missing:
        reason = completeness.reason(missing)
        return _outcome("incomplete", reason, f"{Path(path).name}：{reason}", seconds)
    return {"ok": True, "records": records, "seconds": seconds}


def _outcome(code: str, reason: str, message: str, seconds: float = 0.0) -> dict:
    return {"ok": False, "code": code, "reason": reason, "message": message, "seconds": seconds}


def _error_outcome(path: str, exc: BaseException, seconds: float) -> dict:
    if type(exc).__name__ == "ParseError" and hasattr(exc, "reason"):
        return _outcome("unreadable", str(exc.reason), getattr(exc, "message", str(exc)), seconds)
    where = ""
    tb = exc.__traceback__
    while tb is not None and tb.tb_next is not None:
        tb = tb.tb_next
    if tb is not None:
        where = f"，位置 {Path(tb.tb_frame.f_code.co_filename).name}:{tb.tb_lineno}"
    text = str(exc)[:200]
    return _outcome(
        "parser_error",
        f"解析程序出错（{type(exc).__name__}：{text}），文件未入库",
        f"解析程序出错：{path}（{type(exc).__name__}：{text}{where}）",
        seconds,
    )


def _mb(n: int) -> str:
    return f"{n / (1024 * 1024):.0f} MB"


def timeout_outcome(path: str, limit: float, elapsed: float) -> dict:
    reason = f"超时：解析超过 {limit:g} 秒仍未完成，已中止（文件可能过于复杂或已损坏）"
    return _outcome("timeout", reason, f"{Path(path).name}：{reason}", elapsed)


def memory_outcome(path: str, limit: int | None, elapsed: float = 0.0) -> dict:
    limit_text = f"超过 {_mb(limit)}" if limit else "超过上限"
    reason = f"内存超限：解析占用内存{limit_text}，已中止（文件可能已损坏或是压缩炸弹）"
    return _outcome("memory_limit", reason, f"{Path(path).name}：{reason}", elapsed)


def too_large_outcome(path: str, size: int, limit: int) -> dict:
    reason = f"文件过大：{_mb(size)}，超过上限 {_mb(limit)}，未读取"
    return _outcome("too_large", reason, f"{Path(path).name}：{reason}")


def crash_outcome(path: str, returncode: int | None) -> dict:
    how = f"（信号 {-returncode}）" if returncode is not None and returncode < 0 else ""
    reason = f"解析进程异常退出{how}，文件可能已损坏"
    return _outcome("parser_crash", reason, f"解析进程异常退出：{path}{how}")


def parse_many(
    items: Iterable[tuple[str, str]],
    spec: str,
    workers: int = 2,
    on_done: Callable[[str, dict], None] | None = None,
    limits=None,
    on_tick: Callable[[], None] | None = None,
    on_page: Callable[[str, int, int], None] | None = None,
) -> dict[str, dict]:
    """``items``: (key, path). Returns key -> outcome. Every document is read in
    a worker process under ``limits`` (``warehouse.workers.ParseLimits``)."""
    from warehouse.workers import WorkerPool

    out: dict[str, dict] = {}
    items = list(items)
    if not items:
        return out
    with WorkerPool(spec, workers=min(workers, len(items)), limits=limits) as pool:
        for key, outcome in pool.run(items, on_tick=on_tick, on_page=on_page):
            out[key] = outcome
            if on_done:
                on_done(key, outcome)
    return out
