"""One published disclosure: its printed tables and narrative, the fault or
rounding difference it carries, the document laid out and rendered in the
unit's format, and its manifest entry; plus the duplicate, correction or
unreadable file a structural fault adds. Called by samplegen.generate per
unit-year, in order (the previous readable document is `prior_doc`)."""

from __future__ import annotations

import hashlib
import random
from dataclasses import dataclass
from pathlib import Path

from samplegen import faults as F
from samplegen.district import Unit
from samplegen.doc_model import Paragraph
from samplegen.identities import check_document
from samplegen.layout import Layout
from samplegen.narrative import build_narrative
from samplegen.present import build_document
from samplegen.render_base import get_renderer
from samplegen.table_faults import apply_table_fault
from samplegen.tables import cells
from samplegen.text_faults import apply_text_fault


@dataclass
class Plan:
    fmt: str
    layouts: dict[int, Layout]


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


def publish_document(
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
            recs = apply_table_fault(k, printed, fr)
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
        text_rec = apply_text_fault(fault, model, fr)
        if text_rec is not None:
            fault_records.append(text_rec)
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
        dup_rel = f"{y}/{stem}(1){renderer.extension}"
        dup.update(file=dup_rel, kind="duplicate", duplicate_of=rel)
        _write(out, dup_rel, data, dup)
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
        corr_rel = f"{y}/{stem}_更正{renderer.extension}"
        corr = dict(entry)
        corr.update(
            file=corr_rel,
            kind="correction",
            supersedes=rel,
            publication_date=f"{date[0]}-{min(12, date[1] + 1):02d}-{date[2]:02d}",
            cells=cells(ts_true),
            tables=sorted(ts_true.tables),
            faults=[],
            rounding=[],
        )
        _write(out, corr_rel, fdata, corr)
        results.append(corr)
    return results


def _write(out: Path, rel: str, data: bytes, entry: dict) -> None:
    path = out / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    entry["sha256"] = hashlib.sha256(data).hexdigest()
