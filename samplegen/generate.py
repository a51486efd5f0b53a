"""`generate()`: the district → truth → tables/narrative → faults → files,
`manifest.json` and `units.csv`. Deterministic for a seed (same bytes, same
sha256)."""

from __future__ import annotations

import csv
import hashlib
import json
import random
import time
from dataclasses import dataclass
from pathlib import Path

from samplegen import faults as F
from samplegen.district import PREFIX, Unit, build_district, parse_years
from samplegen.identities import check_document
from samplegen.layout import COVERAGE_SLOTS, Layout, coverage_layout, draw_layout
from samplegen.model import simulate
from samplegen.narrative import build_narrative
from samplegen.present import Paragraph, build_document
from samplegen.render_base import get_renderer
from samplegen.tables import TableSet, build_tables, cells
from samplegen.text_faults import apply_text_fault

ROUNDING_RATE = 0.08
MANIFEST_VERSION = 1


@dataclass
class Plan:
    fmt: str
    layouts: dict[int, Layout]


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
    # a cross-year fault needs last year's document readable
    for (uid, y), kind in out.items():
        if kind in F.NEEDS_PRIOR and out.get((uid, y - 1)) == "unreadable":
            out[(uid, y)] = "R-row"
    return out


def _safe(name: str) -> str:
    return "".join(ch for ch in name if ch not in '\\/:*?"<>|')


def _junk(fmt: str, good: bytes, r: random.Random) -> bytes:
    kind = r.randrange(3)
    if fmt in ("xlsx", "caijue", "docx") and kind == 0:
        return good[: len(good) // 3]  # interrupted download: a truncated zip
    if fmt == "pdf":
        if kind == 0:
            return good[: len(good) // 3]  # interrupted download
        if kind == 1:
            return b"%PDF-1.4\n" + r.randbytes(4000)
        return b"<html><head><title>404 Not Found</title></head><body>404 Not Found</body></html>"
    if kind == 0:
        return r.randbytes(3000)
    if kind == 1:
        return b""
    return "<html><head><title>访问出错</title></head><body>页面不存在或已被删除</body></html>".encode()


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
            docs = _document(
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


def _document(
    u: Unit,
    y: int,
    sims,
    truth,
    plan: Plan,
    fault: str | None,
    prior_doc: dict | None,
    seed: int,
    rounding_rate: float,
    out: Path,
) -> list[dict]:
    fmt = plan.fmt
    renderer = get_renderer(fmt)
    # The finance system's export is always in 元; workbooks and CSV carry no narrative.
    lay = renderer.adapt_layout(plan.layouts[y]) if hasattr(renderer, "adapt_layout") else plan.layouts[y]
    prose = getattr(renderer, "prose", True)
    if not prose and fault in F.NARRATIVE_FAULTS:
        fault = None
    r = random.Random(f"{seed}/doc/{u.unit_id}/{y}")
    uy = sims[y]
    prior = sims.get(y - 1)
    ts_true = truth(y, lay)
    prior_ts = truth(y - 1, None) if prior is not None else None
    t = u.template
    is_dept = u.department == u.name
    names = u.names_for_year(y)
    title_name = names[0] if r.random() < 0.5 or len(names) == 1 else r.choice(names[1:])
    line_name = title_name if r.random() < 0.7 else r.choice(names)
    narr_kw = dict(
        uy=uy,
        prior=prior,
        ts=ts_true,
        prior_ts=prior_ts,
        name=title_name,
        department=u.department,
        duties=t.duties,
        admin=t.admin,
        is_department=is_dept,
        style=lay.narrative_style,
        trim=lay.trim_zeros,
        sangong_extra=lay.sangong_extra,
        seed=str(seed),
    )
    narrative = build_narrative(**narr_kw)
    facts = [f.to_dict() for f in narrative.facts]
    printed = ts_true.copy()
    fault_records: list[F.FaultRecord] = []
    rounding: list[dict] = []
    rounding_kind = None
    fr = random.Random(f"{seed}/fault/{u.unit_id}/{y}")
    if fault in F.TABLE_FAULTS or fault == "correction":
        kinds = [fault] if fault != "correction" else ["R-tree", "X-05", "R-row", "R-econ"]
        for k in [*kinds, *F.TABLE_FAULTS]:
            recs = F.apply_table_fault(k, printed, fr)
            if recs:
                fault_records += recs
                break
    elif fault in F.NARRATIVE_FAULTS:
        if fault == "Y-02":  # the narrative must state last year's total
            facts = [f.to_dict() for f in build_narrative(**narr_kw, state_prior=True).facts]
        planned = F.plan_narrative_fault(fault, facts, fr)
        if planned is None and fault != "N-01":
            planned = F.plan_narrative_fault("N-01", facts, fr)
        if planned:
            overrides, rec = planned
            fault_records.append(rec)
            narrative = build_narrative(**narr_kw, overrides=overrides, state_prior=fault == "Y-02")
            facts = [f.to_dict() for f in narrative.facts]
    elif fault == "table_missing":
        tid = fr.choice(["06", "09", "07", "08", "05"])
        printed.missing.add(tid)
        fault_records.append(
            F.FaultRecord("table_missing", tid, None, None, None, None, None, f"文件缺少{tid}表")
        )
    elif fault == "Y-01":
        opening = printed["01"].find(label="年初结转和结余", side="income").values["amount"]
        d = uy.y01_delta
        fault_records.append(
            F.FaultRecord(
                "Y-01",
                "01",
                "年初结转和结余",
                None,
                "amount",
                round((opening - d) / 100, 2),
                round(opening / 100, 2),
                "01表年初结转和结余与上年年末结转和结余不一致",
            )
        )
    elif fault is None and lay.amount_unit == "万元" and r.random() < rounding_rate:
        # rounding to 0.01 万元 happens only where amounts are printed in 万元
        res = F.apply_rounding(printed, facts, r)
        if res:
            rounding_kind, overrides = res
            if overrides:
                narrative = build_narrative(**narr_kw, overrides=overrides)
                facts = [f.to_dict() for f in narrative.facts]
    date = (y + 1, r.randint(6, 11), r.randint(1, 28))
    doc_seed = f"{seed}/{u.unit_id}/{y}"
    model = build_document(
        ts=printed,
        narrative=narrative,
        layout=lay,
        year=y,
        title_name=title_name,
        line_name=line_name,
        is_department=is_dept,
        date=date,
        seed=doc_seed,
    )
    if fault in F.TEXT_FAULTS:  # what the narrative says (samplegen/text_faults.py)
        rec = apply_text_fault(fault, model, fr)
        if rec is not None:
            fault_records.append(rec)
    data = renderer.render(model, lay)
    stem = _safe(model.title)
    rel = f"{y}/{stem}{renderer.extension}"
    entry = {
        "file": rel,
        "unit_id": u.unit_id,
        "fiscal_year": y,
        "format": fmt,
        "sha256": "",
        "kind": "original",
        "duplicate_of": None,
        "supersedes": None,
        "unit_name_printed": title_name,
        "publication_date": f"{date[0]}-{date[1]:02d}-{date[2]:02d}",
        "amount_unit": lay.amount_unit,
        "tables": sorted(tid for tid in printed.tables if tid not in printed.missing),
        "layout": {**lay.to_dict(), "format": fmt, "font": getattr(renderer, "font_info", None)},
        "cells": cells(printed),
        "facts": facts if prose else [],
        "faults": [],
        "rounding": [],
    }
    if fault_records or rounding_kind:
        found = check_document(entry, prior_doc)
        if rounding_kind:
            rounding = [
                {
                    "rule": v.rule,
                    "table": v.table,
                    "difference": v.difference,
                    "description": f"尾数误差：{v.where}",
                }
                for v in found
            ]
        if fault_records:
            rules = sorted({v.rule for v in found})
            primary = fault_records[0].rule
            for rec in fault_records:  # keep what the recipe knows it breaks (narrative rules)
                rec.also_breaks = sorted({*rec.also_breaks, *(x for x in rules if x != primary)})
    entry["faults"] = [x.to_dict() for x in fault_records]
    entry["rounding"] = rounding
    results = []
    if fault == "unreadable":
        data = _junk(fmt, data, r)
        entry.update(kind="unreadable", cells=[], facts=[], tables=[], rounding=[])
    _write(out, rel, data, entry)
    results.append(entry)
    if fault == "duplicate":
        dup = dict(entry)
        dup["file"] = f"{y}/{stem}(1){renderer.extension}"
        dup.update(kind="duplicate", duplicate_of=rel)
        _write(out, dup["file"], data, dup)
        results.append(dup)
    if fault == "correction":
        fixed = build_document(
            ts=ts_true,
            narrative=build_narrative(**narr_kw),
            layout=lay,
            year=y,
            title_name=title_name,
            line_name=line_name,
            is_department=is_dept,
            date=(date[0], min(12, date[1] + 1), date[2]),
            seed=doc_seed + "/fix",
        )
        fixed.blocks.insert(
            1, Paragraph("更正说明：本文件对原公开文件中决算表的个别数据进行了更正，以本文件为准。")
        )
        fdata = renderer.render(fixed, lay)
        corr = dict(entry)
        corr.update(
            file=f"{y}/{stem}_更正{renderer.extension}",
            kind="correction",
            supersedes=rel,
            publication_date=f"{date[0]}-{min(12, date[1] + 1):02d}-{date[2]:02d}",
            cells=cells(ts_true),
            tables=sorted(ts_true.tables),
            faults=[],
            rounding=[],
        )
        _write(out, corr["file"], fdata, corr)
        results.append(corr)
    return results


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


def _write(out: Path, rel: str, data: bytes, entry: dict) -> None:
    path = out / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    entry["sha256"] = hashlib.sha256(data).hexdigest()
