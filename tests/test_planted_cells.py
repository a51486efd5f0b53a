"""Planted mistakes in the tables of the real documents: one printed amount changed
by a visible step (its ones digit moved by one), the whole reading afterwards. Each
must be reported — an identity of the verifier or a rule fails that did not fail on
the clean document — never read as a plausible number. The change is made on the
front end's grid, so the PDFs are tested as well as the text."""

from __future__ import annotations

import copy
import hashlib
import re

import pytest

from expectations.engine import doc_from_parse, evaluate
from ingest.grid import Grid
from ingest.parse import FRONTENDS, detect_format, read_grid
from ingest.tables.locate import locate
from tests.conftest import REAL, need_shared

# (document, every n-th amount cell of its tables is planted): about 40 plants each
DOCUMENTS = [("000_d00643376496db49.txt", 5), ("putuo_2024_guihuaziran.pdf", 6),
             ("putuo_2024_shehuigongzuobu.pdf", 4)]  # fmt: skip
AMOUNT = re.compile(r"-?[\d,]*\d\.\d{1,2}")


def _planted(text: str) -> str:
    """The ones digit (the one before the point) moved by one: 524.26 -> 525.26."""
    head, tail = text.split(".")
    return f"{head[:-1]}{(int(head[-1]) + 1) % 10}.{tail}"


def _reported(result) -> tuple[set, set]:
    problems = {(p.table, p.code) for p in result.problems if p.severity in ("error", "warning")}
    fails = {
        (r["rule_id"], r["location"]) for r in evaluate([doc_from_parse(result)]) if r["outcome"] == "fail"
    }
    return problems, fails


def _amount_cells(grid: Grid) -> list[tuple[str, int, int, int]]:
    """(table, page index, row index, cell index) of every non-zero amount in a table."""
    where = {id(row): (p, r) for p, rows in enumerate(grid.pages) for r, row in enumerate(rows)}
    out = []
    for region in locate(grid).regions:
        for row in region.rows:
            for c, cell in enumerate(row.cells):
                text = cell.text.strip()
                if AMOUNT.fullmatch(text) and float(text.replace(",", "")) != 0:
                    out.append((region.table, *where[id(row)], c))
    return out


@pytest.mark.parametrize("name,step", DOCUMENTS, ids=[d[0] for d in DOCUMENTS])
def test_a_planted_amount_in_any_table_is_reported(name, step):
    path = need_shared(REAL / name)
    data = path.read_bytes()
    grid = FRONTENDS[detect_format(data, str(path))](data, str(path))
    sha = hashlib.sha256(data).hexdigest()
    clean_problems, clean_fails = _reported(read_grid(copy.deepcopy(grid), str(path), sha))
    cells = _amount_cells(grid)
    assert len(cells) > 100, f"the tables of {name} hold only {len(cells)} amounts: the locator lost some"
    planted = cells[::step]
    assert {t for t, *_ in planted} >= {"01", "02", "03", "05", "06"}, "the plants must reach most tables"
    silent = []
    for table, p, r, c in planted:
        g = copy.deepcopy(grid)
        cell = g.pages[p][r].cells[c]
        old = cell.text.strip()
        cell.text = cell.text.replace(old, _planted(old))
        problems, fails = _reported(read_grid(g, str(path), sha))
        if not (problems - clean_problems or fails - clean_fails):
            silent.append((table, g.pages[p][r].text[:40], old))
    assert not silent, f"{len(silent)} of {len(planted)} planted amounts not reported: {silent[:5]}"
