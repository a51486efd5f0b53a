"""Data-quality rules benchmark (issue 5): all rules over 1,000 documents (target
<= 10 s) and recall / precision on a 1,000-document faulted corpus read by the
real reader.

    uv run python bench/bench_rules.py                  # timing + faulted corpus (a few minutes)
    uv run python bench/bench_rules.py --no-faulted     # timing on copies of the 2023 sample only
    uv run python bench/bench_rules.py --units 250 --faults 0.3 --formats text,pdf

Timings:
- ``engine``: ``expectations.engine.evaluate`` on 1,000 documents (copies of the
  real 2023 text sample, ~290 checks each): the rules alone, no I/O;
- ``run_checks``: on the faulted corpus's warehouse (about 1,000 documents read
  by the reader), a full check (``juesuan check``) without and with Great
  Expectations: read from DuckDB + the engine's rules + dbt's residuals
  (``rule_residuals``, built by the refresh) + one GX suite per rule (GX's
  import starts in a helper when the check starts) + writing ``dq_*`` and the
  Data Docs page.

Recall / precision: samplegen ``--faults`` corpus -> ``warehouse.refresh``
(reader, dbt, rules) -> ``dq_findings`` scored against the manifest with
``expectations.scoring`` (the same scoring as the CI test). The corpus is
cached under bench/out/. Prints Markdown rows on stdout."""

from __future__ import annotations

import argparse
import hashlib
import json
import shutil
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
OUT = ROOT / "bench" / "out"
TEXT_SAMPLE = (ROOT / ".." / "shared" / "samples" / "real" / "000_d00643376496db49.txt").resolve()


def engine_timing(n_docs: int) -> tuple[float, int, int] | None:
    """Seconds for all rules over n copies of the real 2023 sample, checks, fails."""
    if not TEXT_SAMPLE.exists():
        print(f"{TEXT_SAMPLE} absent: engine timing skipped", file=sys.stderr)
        return None
    from expectations.engine import doc_from_parse, evaluate
    from ingest.parse import parse_file

    base = parse_file(str(TEXT_SAMPLE)).to_dict()
    docs = []
    for i in range(n_docs):
        meta = {**base["document"], "sha256": f"doc{i}", "unit_name": f"unit{i % 250}",
                "fiscal_year": 2020 + i // 250}  # fmt: skip
        docs.append(doc_from_parse({**base, "document": meta}))
    t0 = time.perf_counter()
    rows = evaluate(docs)
    return time.perf_counter() - t0, len(rows), sum(r["outcome"] == "fail" for r in rows)


def faulted_warehouse(
    units: int, years: str, formats: str, faults: float, seed: int
) -> tuple[dict, Path, dict]:
    """Generate (cached) the faulted corpus and refresh it into a fresh warehouse."""
    from samplegen.generate import generate
    from warehouse.refresh import refresh

    # the cache is keyed by the generator's code too: a changed fault recipe makes a new corpus
    gen = hashlib.sha256(b"".join(p.read_bytes() for p in sorted((ROOT / "samplegen").glob("*.py"))))
    inbox = OUT / f"faulted{units}-{years}-{formats.replace(',', '_')}-{faults}-{seed}-{gen.hexdigest()[:8]}"
    timings: dict[str, float] = {}
    if not (inbox / "manifest.json").exists():
        shutil.rmtree(inbox, ignore_errors=True)
        t = time.perf_counter()
        generate(inbox, units=units, years=years, formats=formats, faults=faults, seed=seed)
        timings["generate"] = time.perf_counter() - t
    manifest = json.loads((inbox / "manifest.json").read_text(encoding="utf-8"))
    work = OUT / "wh-rules"
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    wh = work / "warehouse.duckdb"
    t = time.perf_counter()
    s = refresh(inbox, wh)
    timings.update(refresh=time.perf_counter() - t, parse=s.parse_seconds, dbt=s.dbt_seconds, dq=s.dq_seconds)
    if s.status != "success":
        raise SystemExit(f"refresh {s.status}: {s.error}")
    return manifest, wh, timings


def check_timing(wh: Path, use_gx: bool) -> dict:
    from expectations.runner import run_checks

    scratch = wh.with_name(f"scratch-{int(use_gx)}.duckdb")
    shutil.copyfile(wh, scratch)
    t = time.perf_counter()
    res = run_checks(scratch, f"bench-{int(use_gx)}", use_gx=use_gx, full=True)
    res["wall"] = time.perf_counter() - t
    scratch.unlink()
    return res


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--docs", type=int, default=1000, help="engine timing: number of documents")
    ap.add_argument("--no-faulted", dest="faulted", action="store_false", help="skip the faulted corpus")
    ap.add_argument("--units", type=int, default=250, help="faulted corpus: units (x years = documents)")
    ap.add_argument("--years", default="2021-2024")
    ap.add_argument("--formats", default="text,pdf")
    ap.add_argument("--faults", type=float, default=0.3)
    ap.add_argument("--seed", type=int, default=11)
    ap.add_argument("--problems", type=int, default=20, help="print at most this many scoring problems")
    args = ap.parse_args()

    print("| measurement | documents | checks | seconds | target | notes |")
    print("|---|---:|---:|---:|---:|---|")
    eng = engine_timing(args.docs)
    if eng:
        secs, checks, fails = eng
        print(f"| all rules, engine only (2023 sample × {args.docs}) | {args.docs} | {checks} | {secs:.1f} | ≤ 10 "
              f"| {fails} fails (N-08 in every copy) |", flush=True)  # fmt: skip
    if not args.faulted:
        return

    import duckdb

    from expectations.scoring import read_findings, score

    manifest, wh, tm = faulted_warehouse(args.units, args.years, args.formats, args.faults, args.seed)
    for use_gx in (False, True):
        r = check_timing(wh, use_gx)
        what = "with Great Expectations" if use_gx else "without GX"
        gx = (f" + GX's validation (overlapped; {r['gx_rules']} suites, route {r['gx_route']}, "
              f"{r['gx_changed']} outcomes changed by GX)") if use_gx else ""  # fmt: skip
        print(f"| run_checks full, {what} (faulted corpus, read by the reader) | {r['documents']} | {r['checks']} "
              f"| {r['wall']:.1f} | ≤ 10 | plan {r['load_seconds']:.1f} s, load + engine + dbt residuals"
              f"{gx} {r['eval_seconds']:.1f} s |", flush=True)  # fmt: skip
    with duckdb.connect(str(wh), read_only=True) as con:
        findings, current = read_findings(con)
    print()
    print("| corpus | documents scored | not loaded | faults | found | recall | fails | explained | precision | "
          "rounding records ok | refresh s (parse / dbt / dq) |")  # fmt: skip
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|")
    problems = []
    for fmt in [f.strip() for f in args.formats.split(",")] + [None]:
        s = score(manifest, findings, current, fmt)
        problems += s.problems if fmt is not None else []
        label = fmt or "all"
        print(f"| {label} | {s.faulted_documents + s.clean_documents} | {s.unread_documents} | {s.faults} | {s.found} | {s.recall:.1%} "
              f"| {s.fails} | {s.explained_fails} | {s.precision:.1%} | {s.rounding_ok}/{s.rounding_records} "
              f"| {tm['refresh']:.0f} ({tm['parse']:.0f} / {tm['dbt']:.0f} / {tm['dq']:.0f}) |")  # fmt: skip
    if problems:
        print(f"\n{len(problems)} scoring problems (first {args.problems}):")
        for p in problems[: args.problems]:
            print(f"- {p}")


if __name__ == "__main__":
    main()
