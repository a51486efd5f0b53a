"""Parse documents in worker processes (both cores) and turn each outcome into a
plain dict: the parse contract (``ParseResult.to_dict()``) or a quarantine reason.

The parser is named by a ``"module:function"`` spec so worker processes can import
it; the default is the reader, ``ingest.parse:parse_file``. ``$JUESUAN_PARSER``
overrides it (tests use ``warehouse.contract_json:parse_file``, which reads
saved ``juesuan parse --json`` output)."""

from __future__ import annotations

import hashlib
import importlib
import importlib.util
import json
import multiprocessing
import os
import time
from collections.abc import Callable, Iterable
from concurrent.futures import ProcessPoolExecutor, as_completed
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path

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


LINE_KEYS = ("table", "side", "row_label", "subject_code", "column", "amount", "page", "row")
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
    out = {
        "document": result.get("document") or {},
        "lines": cols(lines, LINE_KEYS),
        "facts": cols(facts, FACT_KEYS),
        "problems": cols(result.get("problems") or [], PROBLEM_KEYS),
        "content_hash": content_hash(result),
    }
    out["lines"]["amount"] = [None if v is None else float(v) for v in out["lines"]["amount"]]
    out["facts"]["value"] = [None if v is None else float(v) for v in out["facts"]["value"]]
    return out


def parse_one(path: str, spec: str) -> dict:
    """Run the parser on one file; never raises. A readable document comes back
    as ``records`` (see columnar)."""
    t0 = time.perf_counter()
    try:
        result = load_parser(spec)(path)
        data = result.to_dict() if hasattr(result, "to_dict") else dict(result)
        return {"ok": True, "records": columnar(data), "seconds": time.perf_counter() - t0}
    except Exception as exc:  # the rest of the batch must go on
        if type(exc).__name__ == "ParseError" and hasattr(exc, "reason"):
            return {
                "ok": False,
                "code": "unreadable",
                "reason": str(exc.reason),
                "message": getattr(exc, "message", str(exc)),
                "seconds": time.perf_counter() - t0,
            }
        return {
            "ok": False,
            "code": "parser_error",
            "reason": f"解析程序出错（{type(exc).__name__}：{exc}）",
            "message": f"解析程序出错：{path}（{type(exc).__name__}：{exc}）",
            "seconds": time.perf_counter() - t0,
        }


def _pool(workers: int, spec: str) -> ProcessPoolExecutor:
    # forkserver, not fork: the parent holds the refresh lock and a DuckDB
    # connection with its threads; neither must leak into the workers.
    ctx = multiprocessing.get_context("forkserver")
    ctx.set_forkserver_preload([spec.partition(":")[0]])
    return ProcessPoolExecutor(max_workers=workers, mp_context=ctx)


def parse_many(
    items: Iterable[tuple[str, str]],
    spec: str,
    workers: int = 2,
    on_done: Callable[[str, dict], None] | None = None,
    in_process_below: int = 3,
) -> dict[str, dict]:
    """``items``: (key, path). Returns key -> outcome. Small batches are parsed
    in this process (a worker pool costs more than it saves)."""
    items = list(items)
    out: dict[str, dict] = {}

    def done(key: str, outcome: dict) -> None:
        out[key] = outcome
        if on_done:
            on_done(key, outcome)

    if len(items) < in_process_below or workers <= 1:
        for key, path in items:
            done(key, parse_one(path, spec))
        return out

    pending = dict(items)
    try:
        with _pool(min(workers, len(items)), spec) as pool:
            futures = {pool.submit(parse_one, path, spec): key for key, path in pending.items()}
            for fut in as_completed(futures):
                key = futures[fut]
                done(key, fut.result())
                pending.pop(key, None)
    except BrokenProcessPool:
        # A worker died (e.g. a native crash inside a PDF library). Find the
        # culprit by parsing the rest one at a time, each in a fresh worker.
        for key, path in list(pending.items()):
            try:
                with _pool(1, spec) as pool:
                    done(key, pool.submit(parse_one, path, spec).result())
            except BrokenProcessPool:
                done(
                    key,
                    {
                        "ok": False,
                        "code": "parser_crash",
                        "reason": "解析进程异常退出，文件可能已损坏",
                        "message": f"解析进程异常退出：{path}",
                        "seconds": 0.0,
                    },
                )
    return out
