"""The bureau's roster sheet for the sample district, and the coverage truth
it implies (issue 16).

The sheet is what a bureau would keep: full names, former names and genuine
short names as aliases, but *not* the region-prefix variants the documents
also print (清河区财政局 for 滨江市清河区财政局): those must be found by the
matcher and proposed for review. Each year's deadline is the median of that
year's publication dates, so about half of the disclosures are late.

Written next to the documents in a hidden directory (the inbox scan skips it):
``<out>/.roster/单位名录.csv``."""

from __future__ import annotations

import csv
import io
from pathlib import Path

from warehouse.roster.io import HEADERS
from warehouse.roster.match import region_prefixes, strong_key

READABLE = ("original", "correction")


def deadlines(manifest: dict) -> dict[int, str]:
    """Year -> deadline (ISO date): the median publication date of the year's originals."""
    out = {}
    for y in manifest["years"]:
        dates = sorted(d["publication_date"] for d in manifest["documents"] if d["fiscal_year"] == y
                       and d["kind"] == "original" and d.get("publication_date"))  # fmt: skip
        if dates:
            out[y] = dates[(len(dates) - 1) // 2]
    return out


def sheet(manifest: dict) -> tuple[list[str], list[list]]:
    units = manifest["units"]
    prefixes = region_prefixes([u["name"] for u in units], [manifest["district"]])
    due = deadlines(manifest)
    years = sorted(due)
    header = [*HEADERS, *[f"{y}年公开截止日期" for y in years]]
    rows = []
    for u in units:
        own_key = strong_key(u["name"], prefixes)[0]
        aliases = [a for a in u["aliases"] if strong_key(a, prefixes)[0] != own_key]
        level = "部门" if u["department"] == u["name"] else "下属单位"
        rows.append([
            u["unit_id"], u["name"], "", "", u["department"], u["unit_type"], level, u["region"], u["staff_count"],
            "|".join(aliases), "、".join(str(y) for y in u["expected_years"]),
            *[due[y] if y in u["expected_years"] else "" for y in years],
        ])  # fmt: skip
    return header, rows


def printed_date(doc: dict) -> str | None:
    """The full date the document prints, if any: layouts of narrative style 1
    print only the month (samplegen/present.py), which is not a full date."""
    if doc.get("layout", {}).get("narrative_style") == 1:
        return None
    return doc.get("publication_date")


def truth(
    manifest: dict, due: dict[int, str] | None = None, received_on: str | None = None
) -> dict[tuple[str, int], str]:
    """(unit_id, year) -> the coverage status the warehouse must show once the
    matcher's proposals are accepted: on_time / late (the earliest readable
    version's printed date -- or, without a full printed date, the day it was
    received, ``received_on``, default today -- against the deadline) /
    quarantined (only unreadable files) / missing. ``due``: the sheet's
    deadlines (default: this manifest's)."""
    import datetime as dt

    due = deadlines(manifest) if due is None else due
    received_on = received_on or dt.date.today().isoformat()
    out = {}
    for u in manifest["units"]:
        for y in u["expected_years"]:
            docs = [
                d for d in manifest["documents"] if d["unit_id"] == u["unit_id"] and d["fiscal_year"] == y
            ]
            readable = [printed_date(d) or received_on for d in docs if d["kind"] in READABLE]
            if readable:
                out[(u["unit_id"], y)] = "late" if y in due and min(readable) > due[y] else "on_time"
            elif docs:
                out[(u["unit_id"], y)] = "quarantined"
            else:
                out[(u["unit_id"], y)] = "missing"
    return out


def write_roster(out: Path, manifest: dict) -> Path:
    """Write ``<out>/.roster/单位名录.csv`` (UTF-8 with BOM, so Excel opens it;
    CSV keeps the generator's output byte-for-byte deterministic)."""
    header, rows = sheet(manifest)
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(header)
    w.writerows(rows)
    path = Path(out) / ".roster" / "单位名录.csv"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\ufeff" + buf.getvalue(), encoding="utf-8")
    return path
