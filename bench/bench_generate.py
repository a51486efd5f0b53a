"""Benchmark the sample generator (and, when the reader is there, the round trip).

    uv run python bench/bench_generate.py            # 1,000 text documents + the default demo corpus
    uv run python bench/bench_generate.py --quick    # smaller, for a smoke run

Prints one line per measurement and a JSON summary at the end (the numbers
docs/benchmarks.md quotes). Output goes to bench/out/ (git-ignored)."""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import sys
import time
from collections import Counter, defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from samplegen.generate import generate  # noqa: E402
from samplegen.tables import EXTENSION_COLUMNS  # noqa: E402


def _gen(out: Path, **kw) -> tuple[dict, float]:
    shutil.rmtree(out, ignore_errors=True)
    t0 = time.perf_counter()
    m = generate(out, **kw)
    return m, time.perf_counter() - t0


def _round_trip(out: Path, manifest: dict) -> dict | None:
    """Share of non-zero manifest cells the reader returns exactly, overall,
    per format and per layout option value."""
    try:
        from ingest.parse import parse_file
    except ImportError:
        return None
    per_fmt: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    per_opt: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    per_table: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    errors = Counter()
    seconds: dict[str, float] = defaultdict(float)
    docs: Counter = Counter()
    perfect: Counter = Counter()
    silent: Counter = Counter()
    false_errors: Counter = Counter()
    for d in manifest["documents"]:
        if d["kind"] == "unreadable":
            continue
        fmt = d["format"]
        t0 = time.perf_counter()
        try:
            res = parse_file(out / d["file"])
        except Exception as exc:  # a reader failure is a result, not a crash
            errors[type(exc).__name__] += 1
            continue
        finally:
            seconds[fmt] += time.perf_counter() - t0
        docs[fmt] += 1
        got = Counter(
            (x.table, x.side, x.row_label, x.subject_code, x.column, round(x.amount, 2)) for x in res.lines
        )
        want = Counter(
            (c["table"], c["side"], c["row_label"], c["subject_code"], c["column"], round(c["amount"], 2))
            for c in d["cells"]
            if c["column"] not in EXTENSION_COLUMNS
        )
        hit = sum((want & got).values())
        n = sum(want.values())
        # A wrong cell is silent when its table carries no error: the product would trust it.
        reported = {p.table for p in res.problems if p.severity == "error"}
        wrong = (want - got) + Counter(
            {k: v for k, v in (got - want).items() if k[4] not in EXTENSION_COLUMNS}
        )
        silent[fmt] += sum(v for k, v in wrong.items() if k[0] not in reported)
        if d["faults"] == [] and reported:
            false_errors[fmt] += 1
        if hit == n:
            perfect[fmt] += 1
        per_fmt[fmt][0] += hit
        per_fmt[fmt][1] += n
        for key, value in d["layout"].items():
            if key in ("font",):
                continue
            s = per_opt[f"{key}={value}"]
            s[0] += hit
            s[1] += n
        for k, v in want.items():
            s = per_table[k[0]]
            s[1] += v
            s[0] += min(v, got.get(k, 0))

    def pct(x: list[int]) -> float:
        return round(100 * x[0] / x[1], 2) if x[1] else 100.0

    return {
        "cells_read_pct": {f: pct(v) for f, v in per_fmt.items()},
        "cells": {f: v[1] for f, v in per_fmt.items()},
        "documents": dict(docs),
        "documents_all_cells_read": dict(perfect),
        "silent_wrong_cells": dict(silent),
        "clean_documents_with_errors": dict(false_errors),
        "parse_ms_per_doc": {f: round(1000 * seconds[f] / max(1, docs[f]), 1) for f in seconds},
        "errors": dict(errors),
        "by_table_pct": {t: pct(v) for t, v in sorted(per_table.items())},
        "worst_layout_options": sorted(((pct(v), k) for k, v in per_opt.items()))[:8],
    }


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--quick", action="store_true", help="small sizes")
    ap.add_argument("--skip-parse", action="store_true")
    ap.add_argument("--out", default=str(ROOT / "bench" / "out"))
    args = ap.parse_args()
    out = Path(args.out)
    results: dict = {
        "machine": {
            "python": platform.python_version(),
            "cpus": os.cpu_count(),
            "platform": platform.platform(),
        },
    }
    # 1. 1,000 text documents (260 units x 4 years; a few unit-years are not published)
    units = 60 if args.quick else 260
    m, dt = _gen(out / "text1000", units=units, years="2021-2024", formats="text", faults=0.1, seed=7)
    n = len(m["documents"])
    results["text"] = {
        "units": units,
        "documents": n,
        "seconds": round(dt, 2),
        "ms_per_doc": round(1000 * dt / n, 1),
    }
    print(f"text: {n} documents from {units} units in {dt:.1f}s ({1000 * dt / n:.1f} ms/doc)")
    size = (out / "text1000" / "manifest.json").stat().st_size
    results["text"]["manifest_mb"] = round(size / 1e6, 1)
    # 2. the default demo corpus: 40 units x 4 years, text and PDF
    m2, dt2 = _gen(out / "default", units=12 if args.quick else 40, years="2021-2024", faults=0.1, seed=7)
    by_fmt = Counter(d["format"] for d in m2["documents"])
    results["default"] = {
        "documents": len(m2["documents"]),
        "by_format": dict(by_fmt),
        "seconds": round(dt2, 2),
        "font": next((d["layout"].get("font") for d in m2["documents"] if d["format"] == "pdf"), None),
    }
    print(f"default (text+pdf): {len(m2['documents'])} documents {dict(by_fmt)} in {dt2:.1f}s")
    # 3. round trip through the reader
    if not args.skip_parse:
        for name, man in (("text1000", m), ("default", m2)):
            t0 = time.perf_counter()
            rt = _round_trip(out / name, man)
            if rt is None:
                print("round trip: reader not available")
                break
            rt["seconds"] = round(time.perf_counter() - t0, 1)
            results[f"round_trip_{name}"] = rt
            print(
                f"round trip {name}: cells read {rt['cells_read_pct']} of {rt['cells']}; "
                f"documents fully read {rt['documents_all_cells_read']} of {rt['documents']}; "
                f"parse ms/doc {rt['parse_ms_per_doc']}; errors {rt['errors']}"
            )
            print(f"  by table: {rt['by_table_pct']}")
            print(f"  weakest layout options: {rt['worst_layout_options']}")
    print(json.dumps(results, ensure_ascii=False, indent=1))


if __name__ == "__main__":
    main()
