"""Refresh benchmark: a full refresh of N documents, then adding one document,
then a refresh with nothing new. Each refresh runs as its own process
(``python -m warehouse refresh``), as a user or cron would run it, so import
and dbt start-up are included.

    python bench/bench_refresh.py synth --docs 10000   # synthetic parse results, no reader
    python bench/bench_refresh.py sample --docs 1000   # samplegen corpus + the real reader
    python bench/bench_refresh.py synth --docs 10000 --adds 3 --baseline /tmp/main-checkout

``--baseline DIR``: a checkout of another commit (e.g. ``git worktree add DIR
main``); every step runs with its code (same interpreter, its own warehouse)
and with this one, alternately (which goes first flips each step), so both
see the same machine load. ``--reuse --first-tag K``: no new warehouses, no full refresh: add to the
warehouses the last run left (tags K, K+1, ...: each a new document).
``--adds N``: add one document N times (the
refresh alternates two warehouse files: the first add after a full refresh
copies the published file once, later ones build in the standby).

``synth`` writes contract JSON files (``tests/fixtures/warehouse/synth.py``)
and reads them with ``warehouse.contract_json`` (measures the warehouse alone);
``sample`` generates the sample district and parses it with the reader.
Corpora are cached under bench/out/. Results go to stdout (markdown)."""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "bench" / "out"


def _synth():
    spec = importlib.util.spec_from_file_location("synth", ROOT / "tests/fixtures/warehouse/synth.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def make_synth(n_docs: int) -> Path:
    inbox = OUT / f"synth{n_docs}"
    if (inbox / "units.csv").exists() and len(list(inbox.glob("*.json"))) >= n_docs:
        return inbox
    shutil.rmtree(inbox, ignore_errors=True)
    t = time.perf_counter()
    _synth().write_corpus(inbox, n_units=n_docs // 2, years=(2022, 2023))
    print(f"generated {n_docs} synthetic documents in {time.perf_counter() - t:.1f}s", file=sys.stderr)
    return inbox


def make_sample(n_docs: int, formats: str) -> Path:
    inbox = OUT / f"sample{n_docs}-{formats.replace(',', '_')}"
    if (inbox / "manifest.json").exists():
        return inbox
    sys.path.insert(0, str(ROOT))
    from samplegen.generate import generate

    shutil.rmtree(inbox, ignore_errors=True)
    t = time.perf_counter()
    m = generate(inbox, units=max(1, n_docs // 4), years="2021-2024", formats=formats, faults=0.0, seed=11)
    print(
        f"generated {len(m['documents'])} sample documents in {time.perf_counter() - t:.1f}s", file=sys.stderr
    )
    return inbox


def one_more(inbox: Path, mode: str, tag: int = 1) -> Path:
    """Add one document the warehouse has not seen (``tag``: the how-many-th)."""
    if mode == "synth":
        synth = _synth()
        doc = synth.make_document("示范区第1" + "局", 2024 + tag, seed=424242 + tag)
        doc["document"]["unit_name"] = synth.unit_rows(1)[0]["canonical_name"]
        p = inbox / f"extra_U0001_{2024 + tag}.json"
        p.write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
        return p
    src = sorted(p for p in inbox.rglob("*") if p.is_file() and p.suffix in (".txt", ".pdf"))[0]
    dst = inbox / "extra" / f"{tag}_{src.name}"
    dst.parent.mkdir(exist_ok=True)
    data = src.read_bytes()
    pad = b"\n" * tag if src.suffix == ".txt" else b"\n%extra\n" * tag
    dst.write_bytes(data + pad)  # new bytes, same unit-year
    return dst


def run_refresh(inbox: Path, warehouse: Path, env: dict, checks: bool, code: Path = ROOT) -> dict:
    cmd = [sys.executable, "-m", "warehouse", "refresh", "--inbox", str(inbox), "--warehouse", str(warehouse),
           "--quiet"] + ([] if checks else ["--no-checks"])  # fmt: skip
    t = time.perf_counter()
    proc = subprocess.run(cmd, cwd=code, env=env, capture_output=True, text=True)
    wall = time.perf_counter() - t
    if proc.returncode != 0:
        print(proc.stdout, proc.stderr, file=sys.stderr)
        raise SystemExit(f"refresh failed ({proc.returncode})")
    import duckdb

    with duckdb.connect(str(warehouse), read_only=True) as con:
        row = con.execute(
            "select run_id, status, documents_parsed, documents_loaded, parse_seconds, dbt_seconds, dq_seconds, "
            "total_seconds from refresh_runs order by started_at desc limit 1"
        ).fetchone()
        docs = con.execute("select count(*) from dim_documents").fetchone()[0]
        lines = con.execute("select count(*) from raw_lines").fetchone()[0]
    journal = [
        json.loads(x) for x in (warehouse.parent / f"{warehouse.name}.runs.jsonl").read_text().splitlines()
    ]
    last = journal[-1]
    copied = (last.get("timings") or {}).get("standby_copied")
    return {"wall": wall, "status": last.get("status"), "parsed": last.get("documents_parsed"),
            "copied": None if copied is None else bool(copied),
            "parse": last.get("parse_seconds"), "dbt": last.get("dbt_seconds"), "dq": last.get("dq_seconds"),
            "total": last.get("total_seconds"), "timings": last.get("timings"), "documents": docs, "lines": lines,
            "size_mb": warehouse.stat().st_size / 1e6, "run_in_warehouse": row[0]}  # fmt: skip


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("mode", choices=["synth", "sample"])
    ap.add_argument("--docs", type=int, default=1000)
    ap.add_argument("--formats", default="text,pdf", help="sample mode: samplegen formats")
    ap.add_argument("--checks", action="store_true", help="also run the data-quality rules")
    ap.add_argument("--adds", type=int, default=1, help="add one document this many times")
    ap.add_argument("--baseline", type=Path, help="a checkout of the commit to compare with, run alternately")
    ap.add_argument(
        "--reuse", action="store_true", help="keep the warehouses of the last run: no full refresh"
    )
    ap.add_argument("--first-tag", type=int, default=1, help="--reuse: the first added document's tag")
    args = ap.parse_args()
    # dbt's parse cache of its own: other processes' projects do not evict it mid-run
    env = dict(os.environ, DBT_SEND_ANONYMOUS_USAGE_STATS="False", JUESUAN_DBT_CACHE=str(OUT / "dbt-cache"))
    if args.mode == "synth":
        env["JUESUAN_PARSER"] = "warehouse.contract_json:parse_file"
    inbox = (
        None
        if args.reuse
        else make_synth(args.docs)
        if args.mode == "synth"
        else make_sample(args.docs, args.formats)
    )
    codes = {"this": ROOT} | ({"baseline": args.baseline.resolve()} if args.baseline else {})
    trees = {}
    for name in codes:
        work = OUT / f"wh-{args.mode}{args.docs}-{name}"
        if inbox is not None:
            shutil.rmtree(work, ignore_errors=True)
            work.mkdir(parents=True)
            shutil.copytree(inbox, work / "inbox")  # one_more() writes into it
        trees[name] = (work / "inbox", work / "warehouse.duckdb")
    first = args.first_tag if args.reuse else 1
    steps = [] if args.reuse else [("full refresh", None)]
    steps += [(f"add one document ({k})", "add") for k in range(first, first + args.adds)]
    rows = []
    for n, (label, prep) in enumerate([*steps, ("nothing new", None)]):
        order = list(codes) if n % 2 == 0 else list(reversed(codes))
        for name in order:
            inbox_copy, warehouse = trees[name]
            if prep == "add":
                one_more(inbox_copy, args.mode, tag=int(label.split("(")[1].rstrip(")")))
            load = os.getloadavg()[0]
            r = run_refresh(inbox_copy, warehouse, env, args.checks, codes[name])
            rows.append((label, name, load, r))
            print(f"{label} [{name}, load {load:.1f}]: {r}", file=sys.stderr)
    print(f"\n### {args.mode}, {args.docs} documents{' (with data-quality rules)' if args.checks else ''}\n")
    print(
        "| step | code | load | wall s | parsed | parse s | dbt s | dq s | standby copied | documents | raw lines | file MB |"
    )
    print("|---|---|---:|---:|---:|---:|---:|---:|---|---:|---:|---:|")
    for label, name, load, r in rows:
        fmt = lambda v: "—" if v is None else f"{v:.1f}"  # noqa: E731
        copied = "—" if r["copied"] is None else ("yes" if r["copied"] else "no")
        print(f"| {label} | {name} | {load:.1f} | {r['wall']:.1f} | {r['parsed']} | {fmt(r['parse'])} | {fmt(r['dbt'])} "
              f"| {fmt(r['dq'])} | {copied} | {r['documents']} | {r['lines']} | {r['size_mb']:.0f} |")  # fmt: skip


if __name__ == "__main__":
    main()
