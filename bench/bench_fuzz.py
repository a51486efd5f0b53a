"""Fuzz the reader through the warehouse's worker boundary: ≥ 10,000 seeded
mutations of the real samples (byte flips, truncations, digit and code swaps,
encodings, giant lines, stray lines, PDF damage, bombs), each parsed by the
real workers under their time and memory limits. Counts crashes (an exception
escaping the boundary), hangs (a parse past its limit), silent wrong amounts
and codes (loaded cells that differ from the unmutated sample's with no new
problem on their table), and lists the reader exceptions (turned into
quarantine reasons) with a minimal input where one can be found.

    uv run python bench/bench_fuzz.py                 # 10,000 inputs, seed 15
    uv run python bench/bench_fuzz.py --n 500 --no-write
Writes the "Fuzzing" section of docs/benchmarks.md."""

from __future__ import annotations

import argparse
import importlib.util
import os
import re
import sys
import tempfile
import time
from collections import Counter
from datetime import datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
FIXTURES = ROOT / "tests" / "fixtures" / "warehouse"
REAL = ROOT.parent / "shared" / "samples" / "real"
SAMPLES = [REAL / "000_d00643376496db49.txt", REAL / "putuo_2024_guihuaziran.pdf",
           REAL / "putuo_2024_shehuigongzuobu.pdf", REAL / "template_blank_juesuan.pdf"]  # fmt: skip
DOC = ROOT / "docs" / "benchmarks.md"
HEAD = "## Fuzzing (`bench/bench_fuzz.py`)"

from warehouse import parsing  # noqa: E402
from warehouse.workers import ParseLimits  # noqa: E402


def _load(name: str):
    spec = importlib.util.spec_from_file_location(name, FIXTURES / f"{name}.py")
    mod = importlib.util.module_from_spec(spec)
    sys.modules[name] = mod
    spec.loader.exec_module(mod)
    return mod


mutate, fuzzcheck = _load("mutate"), _load("fuzzcheck")


def reproduce(n: int, seed: int, name: str):
    for m in mutate.mutations(SAMPLES, n, seed):
        if m.name == name:
            return m
    return None


def minimize(data: bytes, suffix: str, signature: str, limits: ParseLimits, budget: int = 150) -> bytes:
    """Line-wise delta debugging: the smallest input (within ``budget`` parses)
    that still raises the same exception at the same place."""

    def same(candidate: bytes) -> bool:
        with tempfile.NamedTemporaryFile(suffix=suffix) as fh:
            fh.write(candidate)
            fh.flush()
            o = parsing.parse_many([("x", fh.name)], parsing.DEFAULT_PARSER, workers=1, limits=limits)["x"]
        return o.get("code") == "parser_error" and signature in (o.get("message") or "")

    if suffix != ".txt":
        return data
    lines = data.split(b"\n")
    chunk = len(lines) // 2
    while chunk >= 1 and budget > 0:
        i, shrunk = 0, False
        while i < len(lines) and budget > 0:
            cand = lines[:i] + lines[i + chunk :]
            budget -= 1
            if cand and same(b"\n".join(cand)):
                lines, shrunk = cand, True
            else:
                i += chunk
        if not shrunk:
            chunk //= 2
    return b"\n".join(lines)


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--n", type=int, default=10_000)
    ap.add_argument("--seed", type=int, default=15)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--timeout", type=float, default=20.0)
    ap.add_argument("--memory-mb", type=int, default=1024)
    ap.add_argument("--no-write", action="store_true")
    args = ap.parse_args()
    missing = [p for p in SAMPLES if not p.is_file()]
    if missing:
        print(f"real samples missing: {missing}")
        return 2
    limits = ParseLimits(seconds=args.timeout, memory_mb=args.memory_mb, max_file_mb=20)
    load0 = os.getloadavg()
    t0 = time.perf_counter()

    def progress(rep) -> None:
        print(f"\r{len(rep.verdicts)}/{args.n}  {time.perf_counter() - t0:.0f} s", end="", flush=True)

    rep = fuzzcheck.run(mutate.mutations(SAMPLES, args.n, args.seed), SAMPLES, limits, args.workers, progress)
    print()
    load1 = os.getloadavg()
    outcomes = Counter(v.outcome for v in rep.verdicts)
    kinds = Counter(v.kind for v in rep.verdicts)
    bugs = rep.reader_bugs()
    lines = [
        HEAD,
        "",
        f"Run {datetime.now():%Y-%m-%d %H:%M}: `uv run python bench/bench_fuzz.py --n {args.n} --seed {args.seed}`, "
        f"{args.workers} workers, limits {limits.seconds:g} s / {limits.memory_mb} MB / {limits.max_file_mb:g} MB "
        f"per document; {rep.seconds:.0f} s wall; load average {load0[0]:.1f} at start, {load1[0]:.1f} at end "
        "(say what else was running).",
        "",
        "| measure | count |",
        "|---|---|",
        f"| inputs | {len(rep.verdicts)} |",
        f"| crashes (exception escaping the worker boundary, or no outcome) | {rep.crashes} |",
        f"| hangs (a parse past its limit) | {rep.hangs} |",
        f"| silent wrong amounts | {rep.silent_amounts} |",
        f"| silent wrong codes | {rep.silent_codes} |",
        f"| loaded with changed cells, flagged by a new problem | "
        f"{rep.count(lambda v: v.changed and not (v.silent_amount or v.silent_code))} |",
        f"| reader exceptions turned into quarantine reasons (reader bugs below) | "
        f"{outcomes.get('quarantined:parser_error', 0)} |",
        "",
        "Inputs by mutation: " + ", ".join(f"{k} {n}" for k, n in sorted(kinds.items())) + ".",
        "",
        "Outcomes: " + ", ".join(f"{k} {n}" for k, n in sorted(outcomes.items())) + ".",
        "",
        "A *silent* wrong number is one the warehouse would load (unit and year read)",
        "whose cells differ from the unmutated sample's — an amount changed, added or",
        "lost, or a subject code changed — with no new problem on that table from",
        "the reader. Examples:",
        "",
    ]
    silent = [v for v in rep.verdicts if v.silent_amount or v.silent_code]
    small = sum(
        1
        for v in silent
        if v.kind == "digit_swap" and _delta(v.detail) is not None and _delta(v.detail) <= 0.011
    )
    at = next(i for i, x in enumerate(lines) if x.startswith("| silent wrong amounts"))
    lines.insert(at + 1, f"| … of which a 0.01 change (inside the 万元 rounding tolerance) | {small} |")
    for v in silent[:15]:
        what = "amount" if v.silent_amount else "code"
        lines.append(f"- `{v.name}` ({v.kind}: {v.detail}): silent wrong {what}")
    stopped = [v for v in rep.verdicts if v.outcome in ("quarantined:timeout", "quarantined:memory_limit")]
    lines += ["", "Stopped by a limit (killed worker, document quarantined, refresh goes on):", ""]
    lines += [f"- `{v.name}` ({v.kind}: {v.detail}): {v.outcome.split(':')[1]} after {v.seconds:.1f} s"
              for v in stopped[:20]] or ["- none"]  # fmt: skip
    lines += [
        "",
        "Reader exceptions (each became a quarantine reason; type, raising line, count, minimal input):",
        "",
    ]
    if not bugs:
        lines.append("- none")
    for key, vs in sorted(bugs.items(), key=lambda kv: -len(kv[1])):
        v = vs[0]
        m = reproduce(args.n, args.seed, v.name)
        sig = key.split(" at ")[0]
        how = f"`{v.name}` ({v.kind}: {v.detail})"
        if m is not None and m.suffix == ".txt":
            small_input = minimize(m.data, m.suffix, sig, limits)
            preview = small_input[:300].decode("utf-8", "replace").replace("\n", "⏎").replace("|", "¦")
            how += f"; minimal input ({len(small_input)} bytes): `{preview}`"
        else:
            how += "; reproduce: `mutate.mutations(SAMPLES, n, seed)` by name"
        lines.append(f"- {key}: {len(vs)} inputs, e.g. {how}")
    section = "\n".join(lines) + "\n"
    print(section)
    if not args.no_write:
        text = DOC.read_text(encoding="utf-8") if DOC.exists() else "# Benchmarks\n"
        if HEAD in text:
            start = text.index(HEAD)
            nxt = text.find("\n## ", start + len(HEAD))
            text = text[:start] + section + (text[nxt + 1 :] if nxt >= 0 else "")
        else:
            text = text.rstrip("\n") + "\n\n" + section
        DOC.write_text(text, encoding="utf-8")
    return 0 if rep.crashes == 0 and rep.hangs == 0 else 1


def _delta(detail: str) -> float | None:
    m = re.match(r"([\d,.]+)→([\d,.]+)", detail)
    if not m:
        return None
    try:
        return abs(float(m.group(1).replace(",", "")) - float(m.group(2).replace(",", "")))
    except ValueError:
        return None


if __name__ == "__main__":
    sys.exit(main())
