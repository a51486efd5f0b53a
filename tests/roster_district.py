"""A small district with a roster whose truth is known (issue 16), built from
synthetic parse results: shared by tests/test_roster_refresh.py and
tests/test_roster_app.py."""

from __future__ import annotations

import json
from pathlib import Path

from fixtures.warehouse import synth

from warehouse.refresh import refresh
from warehouse.roster.store import RosterStore, roster_dir
from warehouse.roster.sync import import_sheet

ROOT = Path(__file__).resolve().parents[1]
PARSER = "warehouse.contract_json:parse_file"

ROSTER = """单位编码,单位名称,主管部门,级次,单位类型,人数,曾用名及别名,应公开年度,2023年公开截止日期,2026年公开截止日期
FIN,示范区财政局,示范区财政局,部门,行政单位,30,,2023、2026,2024-09-30,2099-09-30
FIN0,示范区财政局本级,示范区财政局,本级,行政单位,20,,2023,2024-09-30,
EDU,示范区教育局,,部门,行政单位,20,,2023,2024-09-30,
SCH1,示范区第一中学,示范区教育局,下属单位,事业单位,100,,2023,2024-09-30,
SCH2,示范区第二中学,示范区教育局,下属单位,事业单位,90,,2023,2024-09-30,
NR,示范区自然资源和规划局,,部门,行政单位,25,示范区规划局,2023,2024-09-30,
CIV,示范区民政局,,部门,行政单位,15,,2023,2024-09-30,
GYM,示范区体育中心,示范区教育局,下属单位,事业单位,12,,2023,2024-09-30,
"""
# printed name -> (publication date or None, the truth)
DOCUMENTS = {
    "示范区财政局": ("2024-09-01", "FIN on time"),
    "示范区财政局（本级）": ("2024-09-10", "FIN0 after review: bracketed 本级"),
    "示范区教育局": ("2024-10-20", "EDU late by 20 days"),
    "第一中学": ("2024-09-02", "SCH1 after review: region prefix dropped"),
    "示范区第二中学": (None, "SCH2 undated: first received today, late"),
    "示范区规划局": ("2024-06-30", "NR by its former name, on time"),
    "示范区第三中学": ("2024-09-01", "not in the roster; similar to 第一/第二中学, never merged"),
}


def build(base: Path) -> tuple[Path, Path]:
    """(inbox, warehouse) after importing the roster and one refresh."""
    inbox = base / "inbox"
    inbox.mkdir(parents=True)
    for k, (name, (date, _)) in enumerate(DOCUMENTS.items()):
        doc = synth.make_document(name, 2023, 100 + k, publication_date=date)
        if date is None:
            doc["document"]["publication_date"] = None
        (inbox / f"doc{k}.json").write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    (inbox / "示范区民政局2023年部门决算.json").write_text("{ 不是完整的 JSON", encoding="utf-8")
    # the generator's units.csv is superseded by the roster (no double units)
    synth.write_units_csv(inbox / "units.csv", [{**synth.unit_rows(1)[0], "canonical_name": "示范区财政局"}])
    wh = base / "data" / "warehouse.duckdb"
    sheet = base / "名录.csv"
    sheet.write_text(ROSTER, encoding="utf-8")
    import_sheet(RosterStore(roster_dir(wh)), sheet, "科员甲")
    run(inbox, wh)
    return inbox, wh


def run(inbox: Path, wh: Path, **kw):
    return refresh(inbox, wh, parser=PARSER, checks=False, **kw)
