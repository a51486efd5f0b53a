"""Round trip: every table cell the reader parsed comes back out of the marts.

For every current document of a generated district (every layout option in
every format the generator has, with faults, corrections, duplicates and
unreadable files), of the real samples and of the hand transcription of the
real 2023 sample, the nine tables rebuilt from the marts (tests/mart_tables.py)
equal the parsed cells, cell for cell: table, side, row, code, row label,
column and amount (to the cent of 万元, the marts' precision). Compared with
both the reader's own result for the file and the loaded raw_lines."""

from __future__ import annotations

import shutil
from collections import Counter
from pathlib import Path

import duckdb
import pytest

from tests.conftest import REAL, need_shared
from tests.mart_tables import Cell, parsed_cells, rebuilt_cells

pytest.importorskip("ingest.parse")
generate_mod = pytest.importorskip("samplegen.generate")

from ingest.parse import parse_file  # noqa: E402
from samplegen.layout import COVERAGE_SLOTS  # noqa: E402
from samplegen.render_base import RENDERERS  # noqa: E402
from warehouse.refresh import refresh  # noqa: E402

FIXTURES = Path(__file__).parent / "fixtures" / "warehouse"
TABLES = [f"{n:02d}" for n in range(1, 10)]


def _differences(got: list[Cell], expected: list[Cell]) -> list[str]:
    g, e = Counter(got), Counter(expected)
    lines = [f"missing from the marts: {c}" for c in sorted(e - g, key=str)]
    lines += [f"not parsed, in the marts: {c}" for c in sorted(g - e, key=str)]
    return lines


def _reader_cells(inbox: Path, con: duckdb.DuckDBPyConnection) -> list[Cell]:
    """The cells the reader returns for the file of each current document."""
    docs = con.execute(
        "select document_id, source_path from dim_documents where is_current order by 1"
    ).fetchall()
    cells = []
    for doc, source_path in docs:
        for ln in parse_file(inbox / source_path).lines:
            cents = round(ln.amount * 100)
            if cents:
                row, label = (None, None) if ln.table == "09" else (ln.row, ln.row_label)
                cells.append((doc, ln.table, ln.side, row, ln.subject_code, label, ln.column, cents))
    return cells


def _built(root: Path, inbox: Path, **kw) -> tuple[Path, duckdb.DuckDBPyConnection]:
    wh = root / "warehouse.duckdb"
    refresh(inbox, wh, checks=False, **kw)
    return inbox, duckdb.connect(str(wh), read_only=True)


@pytest.fixture(scope="module")
def district(tmp_path_factory):
    """COVERAGE_SLOTS units per format: every layout option shows in every format."""
    root = tmp_path_factory.mktemp("roundtrip")
    formats = list(RENDERERS)
    manifest = generate_mod.generate(
        root / "inbox", units=COVERAGE_SLOTS * len(formats), years="2022-2024",
        formats=",".join(formats), faults=1.0, seed=5,
    )  # fmt: skip
    inbox, con = _built(root, root / "inbox")
    yield manifest, inbox, con
    con.close()


@pytest.fixture(scope="module")
def real(tmp_path_factory):
    need_shared(REAL)
    root = tmp_path_factory.mktemp("roundtrip_real")
    shutil.copytree(REAL, root / "inbox")
    inbox, con = _built(root, root / "inbox")
    yield inbox, con
    con.close()


def test_district_covers_every_format_kind_and_table(district):
    """What the round trip below runs over, so that it cannot pass on nothing."""
    manifest, _, con = district
    kinds = {d["kind"] for d in manifest["documents"]}
    assert {"original", "correction", "duplicate", "unreadable"} <= kinds
    current = {r[0] for r in con.execute("select document_id from dim_documents where is_current").fetchall()}
    assert {d["format"] for d in manifest["documents"] if d["sha256"] in current} == set(RENDERERS)
    tables = Counter(c[1] for c in parsed_cells(con))
    assert set(tables) == set(TABLES), tables


def test_district_tables_rebuilt_from_marts_equal_the_reader(district):
    _, inbox, con = district
    diff = _differences(rebuilt_cells(con), _reader_cells(inbox, con))
    assert not diff, f"{len(diff)} differences:\n" + "\n".join(diff[:40])


def test_district_tables_rebuilt_from_marts_equal_raw_lines(district):
    _, _, con = district
    diff = _differences(rebuilt_cells(con), parsed_cells(con))
    assert not diff, f"{len(diff)} differences:\n" + "\n".join(diff[:40])


def test_real_samples_tables_rebuilt_from_marts_equal_the_reader(real):
    inbox, con = real
    expected = _reader_cells(inbox, con)
    # the real samples print 07 and 08 empty (no 政府性基金 / 国有资本经营 money)
    assert {c[1] for c in expected} >= set(TABLES) - {"07", "08"}
    diff = _differences(rebuilt_cells(con), expected)
    assert not diff, f"{len(diff)} differences:\n" + "\n".join(diff[:40])
    assert not _differences(rebuilt_cells(con), parsed_cells(con))


def test_transcribed_real_sample_round_trips(tmp_path):
    """The hand transcription of the real 2023 sample (every printed cell), loaded
    through the contract parser: independent of the reader."""
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    shutil.copy(FIXTURES / "jianghan_2023.json", inbox)
    shutil.copy(FIXTURES / "units.csv", inbox)
    _, con = _built(tmp_path, inbox, parser="warehouse.contract_json:parse_file")
    with con:
        expected = parsed_cells(con)
        assert len(expected) > 100
        diff = _differences(rebuilt_cells(con), expected)
    assert not diff, f"{len(diff)} differences:\n" + "\n".join(diff[:40])
