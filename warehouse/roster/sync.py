"""The roster's two moments: an import (sheet -> new roster version) and a
refresh (printed names of every document -> ``name_matches.parquet``, which
dbt reads for suggestions and to place quarantined files in the coverage)."""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from warehouse.roster.io import SheetResult, diff, read_sheet
from warehouse.roster.match import Candidate, Match, Matcher, strong_key
from warehouse.roster.store import Roster, RosterStore, write_matches

if TYPE_CHECKING:
    from duckdb import DuckDBPyConnection

_YEAR = re.compile(r"(20\d\d)")


def import_sheet(store: RosterStore, path: Path, by: str) -> tuple[Roster, SheetResult]:
    """Replace the roster's units with the sheet's (a new version; decisions
    and history are kept). Raises RosterSheetError before anything is written."""
    current = store.load()
    sheet = read_sheet(Path(path), current)

    def change(roster: Roster) -> list[dict]:
        rows = diff(roster, sheet)
        roster.units, roster.unit_aliases, roster.unit_years = sheet.units, sheet.aliases, sheet.years
        return rows

    roster = store.update(change, "import", by, source=f"{Path(path).name} ({sheet.sha256[:12]})")
    return roster, sheet


def candidates(roster: Roster, seed_rows: Sequence[tuple] = ()) -> list[Candidate]:
    """Names to match against: the roster's (names, aliases, accepted names),
    or, with no roster, the units.csv seed's."""
    if not roster.units:
        out = []
        for uid, name, aliases in seed_rows:
            out.append(Candidate(uid, name))
            out.extend(Candidate(uid, a.strip()) for a in (aliases or "").split("|") if a.strip())
        return out
    level = {u["unit_id"]: u.get("unit_level") for u in roster.units}
    out = [Candidate(u["unit_id"], u["unit_name"], u.get("unit_level")) for u in roster.units]
    out += [Candidate(a["unit_id"], a["alias_name"], level.get(a["unit_id"])) for a in roster.unit_aliases]
    for d in roster.latest_decisions().values():
        if d["decision"] == "accepted" and d["unit_id"] in level:
            out.append(Candidate(d["unit_id"], d["printed_name"], level[d["unit_id"]]))
    return out


def _by_file_name(matcher: Matcher, file_name: str) -> str | None:
    """A quarantined file without a usable printed name: the one roster unit
    whose name (strong key) the file name contains, longest first."""
    stem = _YEAR.sub("", Path(file_name).stem)
    key, _ = strong_key(stem, matcher.prefixes)
    hits = sorted({(len(k), u) for k, u in zip(matcher.keys, matcher.key_units, strict=True) if len(k) >= 3 and k in key},
                  reverse=True)  # fmt: skip
    if not hits or (len(hits) > 1 and hits[1][0] == hits[0][0] and hits[1][1] != hits[0][1]):
        return None
    return hits[0][1]


def refresh_matches(con: DuckDBPyConnection, root: Path, build_name: str) -> dict[str, int]:
    """Match every document's printed name (``con``: the refresh's build
    connection, read here only) and write the build's name matches
    (``build_name``: the build file's name, as dbt sees it). Returns counts
    per match status."""
    store = RosterStore(root)
    store.ensure()
    roster = store.load()
    seed = con.execute("select unit_id, canonical_name, aliases from raw_unit_seed").fetchall()
    rejected = [(d["printed_name"], d["unit_id"]) for d in roster.latest_decisions().values()
                if d["decision"] == "rejected"]  # fmt: skip
    regions = [u["region"] for u in roster.units if u.get("region")]
    matcher = Matcher(candidates(roster, seed), regions, rejected)
    docs = con.execute(
        "select document_id, unit_name, fiscal_year, coalesce(file_name, source_path), status from raw_documents"
    ).fetchall()
    rows: list[dict] = []
    counts: dict[str, int] = {}
    memo: dict[str | None, Match] = {}  # documents share names: match each name once
    for doc_id, printed, year, file_name, status in docs:
        m = memo[printed] if printed in memo else memo.setdefault(printed, matcher.match(printed))
        row = {"document_id": doc_id, "printed_name": printed, "name_source": "printed", "match_status": m.status,
               "unit_id": m.unit_id, "score": m.score, "second_unit_id": m.second_unit_id,
               "second_score": m.second_score, "reason": m.reason}  # fmt: skip
        if status != "loaded" and m.status != "exact" and file_name:
            uid = _by_file_name(matcher, file_name)
            if uid:
                row.update(name_source="file_name", match_status="file_name", unit_id=uid, score=None,
                           reason="按文件名中的单位名称归属")  # fmt: skip
        found = _YEAR.search(file_name or "")
        row["fiscal_year"] = year if year is not None else (int(found[1]) if found else None)
        counts[row["match_status"]] = counts.get(row["match_status"], 0) + 1
        rows.append(row)
    write_matches(root, rows, build_name)
    return counts
