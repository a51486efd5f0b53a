"""`generate()`: the district → truth → tables/narrative → faults → files,
`manifest.json` and `units.csv`. Deterministic for a seed (same bytes, same
sha256)."""

from __future__ import annotations

import csv
import json
import random
import time
from pathlib import Path

from samplegen import faults as F
from samplegen.district import Unit, build_district, parse_years
from samplegen.layout import COVERAGE_SLOTS, Layout, coverage_layout, draw_layout
from samplegen.model import simulate
from samplegen.publish import Plan, publish_document
from samplegen.render_base import get_renderer
from samplegen.tables import TableSet, build_tables
from samplegen.unit_templates import PREFIX

ROUNDING_RATE = 0.08
MANIFEST_VERSION = 1


def _plans(units: list[Unit], fmts: list[str], seed: int) -> dict[str, Plan]:
    plans = {}
    coverage = COVERAGE_SLOTS * len(fmts)
    for u in units:
        if u.index < coverage:
            fmt = fmts[u.index % len(fmts)]
            lay = coverage_layout(u.index // len(fmts), seed)
            plans[u.unit_id] = Plan(fmt, {y: lay for y in u.expected_years})
            continue
        r = random.Random(f"{seed}/layout/{u.key}")
        fmt = r.choice(fmts)
        lay = draw_layout(r)
        change = r.choice(u.expected_years) if r.random() < 0.2 and len(u.expected_years) > 1 else None
        layouts = {}
        for y in u.expected_years:
            if y == change:
                lay = draw_layout(r)
            layouts[y] = lay
        plans[u.unit_id] = Plan(fmt, layouts)
    return plans


def _plan_faults(units: list[Unit], rate: float, seed: int) -> dict[tuple[str, int], str]:
    """Which document gets which fault: `rate` of the published documents, the
    fault kinds spread evenly over them. Kinds that only some documents can
    show (07/08 data, last year's document) are placed first, on documents
    that can show them."""
    docs = [(u.unit_id, y) for u in units for y in u.published_years]
    if rate <= 0 or not docs:
        return {}
    r = random.Random(f"{seed}/faults")
    k = min(len(docs), round(rate * len(docs)))
    chosen = r.sample(docs, k)
    kinds = list(F.ALL_FAULTS)
    r.shuffle(kinds)
    published = set(docs)
    by_id = {u.unit_id: u for u in units}

    def capable(kind: str, doc: tuple[str, int]) -> bool:
        uid, y = doc
        t = by_id[uid].template
        if kind in F.NEEDS_PRIOR:
            return (uid, y - 1) in published
        if kind == "R-07":
            return bool(t.fund)
        if kind == "X-07":
            return bool(t.fund or t.state_capital)
        return True

    restricted = [x for x in kinds if x in F.NEEDS_PRIOR or x in ("R-07", "X-07")]
    free = [x for x in kinds if x not in restricted]
    share = max(1, len(chosen) // len(kinds))
    out: dict[tuple[str, int], str] = {}
    for kind in restricted:
        cands = [d for d in chosen if d not in out and capable(kind, d)]
        for d in cands[:share]:
            out[d] = kind
    rest = [d for d in chosen if d not in out]
    for i, d in enumerate(rest):
        out[d] = free[i % len(free)]
    # A cross-year fault needs last year's document loaded: readable, and whole (a document
    # without a table its contents or narrative promise is quarantined as incomplete).
    for (uid, y), kind in out.items():
        if kind in F.NEEDS_PRIOR and out.get((uid, y - 1)) in ("unreadable", "table_missing"):
            out[(uid, y)] = "R-row"
    return out


def generate(
    out_dir: Path | str,
    units: int = 40,
    years: str = "2021-2024",
    formats: str = "text,pdf",
    faults: float = 0.0,
    seed: int = 7,
    *,
    rounding_rate: float = ROUNDING_RATE,
    log=None,
) -> dict:
    """Write the corpus into `out_dir`; return the manifest (also written)."""
    t0 = time.perf_counter()
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    years_l = parse_years(years)
    fmts = [f.strip() for f in formats.split(",") if f.strip()]
    for f in fmts:
        get_renderer(f)  # fail early on an unknown format
    district = build_district(units, years_l, seed)
    plans = _plans(district, fmts, seed)
    fault_plan = _plan_faults(district, faults, seed)
    documents: list[dict] = []
    for u in district:
        y01 = {}
        for y in u.published_years:
            if fault_plan.get((u.unit_id, y)) == "Y-01":
                y01[y] = random.Random(f"{seed}/y01/{u.unit_id}/{y}").randint(5, 40) * 100
        sims = simulate(u, years_l, seed, y01)
        true_cache: dict[int, TableSet] = {}

        def truth(y: int, lay: Layout | None, sims=sims, cache=true_cache) -> TableSet:
            if lay is None:  # prior year: only totals are needed
                if y not in cache:
                    cache[y] = build_tables(sims[y])
                return cache[y]
            return build_tables(sims[y], budget_cols=lay.t05_budget_cols, sangong_extra=lay.sangong_extra)

        prior_doc: dict | None = None
        for y in u.expected_years:
            if y not in u.published_years:
                prior_doc = None
                continue
            docs = publish_document(
                u,
                y,
                sims,
                truth,
                plans[u.unit_id],
                fault_plan.get((u.unit_id, y)),
                prior_doc,
                seed,
                rounding_rate,
                out,
            )
            documents += docs
            readable = [d for d in docs if d["kind"] in ("original", "correction")]
            prior_doc = readable[-1] if readable else None
    manifest = {
        "manifest_version": MANIFEST_VERSION,
        "seed": seed,
        "district": PREFIX,
        "years": years_l,
        "formats": fmts,
        "faults_rate": faults,
        "units": [
            {
                "unit_id": u.unit_id,
                "name": u.name,
                "aliases": u.aliases,
                "department": u.department,
                "unit_type": u.unit_type,
                "region": u.region,
                "staff_count": u.staff_count,
                "expected_years": u.expected_years,
            }
            for u in district
        ],
        "documents": documents,
    }
    _write_manifest(out / "manifest.json", manifest)
    with (out / "units.csv").open("w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(
            [
                "unit_id",
                "canonical_name",
                "aliases",
                "department",
                "unit_type",
                "region",
                "staff_count",
                "expected_years",
            ]
        )
        for u in district:
            w.writerow(
                [
                    u.unit_id,
                    u.name,
                    "|".join(u.aliases),
                    u.department,
                    u.unit_type,
                    u.region,
                    u.staff_count,
                    "|".join(str(y) for y in u.expected_years),
                ]
            )
    from samplegen.roster import write_roster  # the bureau's roster sheet (issue 16)

    write_roster(out, manifest)
    if log:
        log(f"{len(documents)} documents, {len(district)} units in {time.perf_counter() - t0:.1f}s")
    return manifest


def _write_manifest(path: Path, manifest: dict) -> None:
    """Plain JSON, one unit / one document per line: readable with `grep`,
    and written by the C encoder (an indented dump is several times slower)."""

    def dumps(x) -> str:
        return json.dumps(x, ensure_ascii=False)

    with path.open("w", encoding="utf-8") as fh:
        fh.write("{\n")
        for k, v in manifest.items():
            if k in ("units", "documents"):
                continue
            fh.write(f"{dumps(k)}: {dumps(v)},\n")
        fh.write('"units": [\n' + ",\n".join(dumps(u) for u in manifest["units"]) + "\n],\n")
        fh.write('"documents": [\n' + ",\n".join(dumps(d) for d in manifest["documents"]) + "\n]\n}\n")
