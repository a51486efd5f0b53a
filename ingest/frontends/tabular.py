"""Shared by the front ends of formats that carry tables as cells (Excel, HTML,
Word, CSV): a rectangle of cell texts becomes grid rows the way the text front
end builds tab-separated rows, so the table readers see one shape whatever the
source. A cell's x is its column index; a merged cell keeps its text at its
top-left slot only (as a PDF prints it once)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from ingest.grid import Cell, Row, normalize
from ingest.tables.catalog import COLUMNS, TITLE_PATTERNS

# Columns of the finance system's export that no contract key stands for
# (其中：教育收费, 其中：人员经费 ...): left out of the grid, so they never reach a line.
_EXTRA_COLUMN = re.compile(r"^其中[:：]")
_HAS_AMOUNT = re.compile(r"\d\.\d|^\d{4,}$")
_TITLE = re.compile(r"决算.{0,4}表")
_SPACES = re.compile(r"\s+")
_WIDE = re.compile("[０-９．－％\u3000\xa0\r]")  # what grid.normalize rewrites


@dataclass
class Block:
    """One source table (a sheet, an HTML/Word table, a CSV file): texts[r][c],
    '' where empty; merges as (r0, c0, r1, c1), inclusive."""

    texts: list[list[str]]
    merges: list[tuple[int, int, int, int]] = field(default_factory=list)


def _number(value: float, as_integer: bool) -> str:
    if as_integer and float(value).is_integer():
        return str(int(value))
    cents = round(value, 2)
    if abs(value - cents) < 1e-7:  # formula results carry binary noise: 524.2600000000001
        return f"{cents:.2f}"
    return f"{value:.6f}".rstrip("0").rstrip(".")


def values_block(raw: list[list], merges: list[tuple[int, int, int, int]]) -> Block:
    """Spreadsheet values as printed. Integers stay integers where a table prints
    them so: codes (before the row's first text), 行次 columns and the 栏次 row
    (1 2 3 ...); every other number is an amount with two decimals, as the
    table readers expect of amounts."""
    ordinal_cols = {c for row in raw if "行次" in row for c, v in enumerate(row) if v == "行次"}
    texts = []
    for row in raw:
        out = []
        seen_text = False
        column_numbers = None
        for c, v in enumerate(row):
            kind = type(v)
            if kind is str:
                text = clean(v) if v else ""
                out.append(text)
                seen_text = seen_text or bool(text)
            elif kind is float or kind is int:
                if column_numbers is None:
                    numbers = [x for x in row if type(x) in (float, int)]
                    column_numbers = len(numbers) >= 2 and numbers == list(range(1, len(numbers) + 1))
                out.append(_number(v, not seen_text or column_numbers or c in ordinal_cols))
            elif v is None:
                out.append("")
            else:  # dates, times, booleans: as Excel shows them, roughly
                out.append(str(v))
        texts.append(out)
    return Block(texts, list(merges))


def clean(text: str) -> str:
    """Cell text: full-width digits to ASCII; a name wrapped inside its cell is one name."""
    if _WIDE.search(text):
        text = normalize(text)
    text = text.strip()
    if "\n" in text or "\r" in text:
        text = "".join(part.strip() for part in text.splitlines())
    if "  " in text or "\t" in text:
        text = _SPACES.sub(" ", text)
    return text


def extra_columns(block: Block) -> dict[int, set[int]]:
    """Rows → columns to leave out: a header cell 其中：… (and the columns its
    merge covers) drops that column from its row down to the next table title,
    unless it is the only header naming one of the table's contract columns."""
    spans = {(r0, c0): (c0, c1) for r0, c0, _r1, c1 in block.merges}
    out: dict[int, set[int]] = {}
    active: set[int] = set()
    start, table = 0, None  # the current table's title row and number
    for r, row in enumerate(block.texts):
        filled = [t for t in row if t]
        if len(filled) == 1 and _TITLE.search(filled[0].replace(" ", "")):
            active, start, table = set(), r, _table_of(filled[0])
        starts = [c for c, text in enumerate(row) if text.startswith("其中") and _EXTRA_COLUMN.match(text)]
        if starts and not any(_HAS_AMOUNT.search(t) for t in filled):
            header = [
                t for row2 in block.texts[start : r + 4] for t in row2 if t and not t.startswith("其中")
            ]
            for c in starts:
                if _names_missing_column(row[c], table, header):
                    continue
                c0, c1 = spans.get((r, c), (c, c))
                active |= set(range(c0, c1 + 1))
        if active:
            out[r] = set(active)
    return out


def _table_of(title: str) -> str | None:
    squashed = title.replace(" ", "")
    return next((t for t, pattern in TITLE_PATTERNS if pattern.search(squashed)), None)


def _names_missing_column(text: str, table: str | None, header: list[str]) -> bool:
    """其中：一般公共预算财政拨款 in a table whose header names that column nowhere else
    is the column itself, not a breakdown."""
    name = _EXTRA_COLUMN.sub("", text)
    for col in COLUMNS.get(table or "", ()):
        for kw in col.keywords:
            if kw in name:
                return not any(kw in h for h in header)
    return False


def block_rows(block: Block, page: int, y0: int = 0) -> list[Row]:
    """Grid rows of a block: empty cells skipped, x = column index."""
    drop = extra_columns(block)
    rows = []
    for r, texts in enumerate(block.texts):
        skip = drop.get(r, ())
        cells = [Cell(t, float(c)) for c, t in enumerate(texts) if t and c not in skip]
        if cells:
            rows.append(Row(cells, page, float(y0 + r), positional=True))
    return rows


def prose_row(text: str, page: int, y: float) -> Row | None:
    """A paragraph: one cell without a position (the narrative reads its text)."""
    text = clean(text)
    return Row([Cell(text)], page, y, positional=False) if text else None


def expand_spans(rows: list[list[tuple[str, int, int]]]) -> Block:
    """HTML/Word rows of (text, colspan, rowspan) → a Block: each cell at its
    slot, slots covered by a span left empty, spans recorded as merges."""
    taken: set[tuple[int, int]] = set()
    placed: dict[tuple[int, int], str] = {}
    merges = []
    width = 0
    for r, cells in enumerate(rows):
        c = 0
        for text, colspan, rowspan in cells:
            while (r, c) in taken:
                c += 1
            # Bounded: a page may claim colspan="1000" or a rowspan past its last row.
            colspan, rowspan = min(max(1, colspan), 256), min(max(1, rowspan), len(rows) - r)
            for dr in range(rowspan):
                for dc in range(colspan):
                    taken.add((r + dr, c + dc))
            placed[(r, c)] = text
            if colspan > 1 or rowspan > 1:
                merges.append((r, c, r + rowspan - 1, c + colspan - 1))
            c += colspan
            width = max(width, c)
    texts = [[placed.get((r, c), "") for c in range(width)] for r in range(len(rows))]
    return Block(texts, merges)
