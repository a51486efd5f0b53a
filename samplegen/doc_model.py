"""The document model every renderer draws: blocks (cover, headings, paragraphs,
tables with header grids and formatted cell strings, page breaks) in reading
order. Format-neutral on purpose: a renderer (samplegen.render_base) takes a
`DocModel` and only decides how to put blocks on a page; samplegen.present
builds it."""

from __future__ import annotations

from dataclasses import dataclass, field

from samplegen.layout import Layout


@dataclass
class HCell:
    text: str
    colspan: int = 1
    rowspan: int = 1


@dataclass
class TableBlock:
    table_id: str | None  # national numbering, None for attachment tables
    title: str
    label: str | None
    unit_line: str | None
    amount_line: str | None
    header: list[list[HCell]]
    body: list[list[str]]
    col_kinds: list[str]  # 'code' | 'name' | 'num' | 'rowno' | 'text'
    notes: list[str] = field(default_factory=list)
    meta_order: tuple[str, ...] = ("label", "unit", "amount")
    wrap_cols: tuple[int, ...] = ()  # name columns that may wrap onto a next line
    indent_rows: set[tuple[int, int]] = field(default_factory=set)  # (row, col) printed indented

    @property
    def ncols(self) -> int:
        return len(self.col_kinds)


@dataclass
class Heading:
    text: str
    level: int = 1  # 0 part / document title, 1 section, 2 sub-section


@dataclass
class Paragraph:
    text: str


@dataclass
class PageBreak:
    pass


@dataclass
class Cover:
    title: str
    date: str


@dataclass
class DocModel:
    title: str
    unit_name: str  # as printed in the title
    year: int
    date: str
    layout: Layout
    blocks: list = field(default_factory=list)
    seed: str = ""


def header_grid(header: list[list[HCell]], ncols: int) -> list[list[tuple[HCell, int, int] | None]]:
    """Place header cells (HTML-style spans) on a grid: grid[r][c] is
    (cell, origin_row, origin_col) for the cell covering (r, c)."""
    rows = len(header)
    grid: list[list[tuple[HCell, int, int] | None]] = [[None] * ncols for _ in range(rows)]
    for r, cells in enumerate(header):
        c = 0
        for cell in cells:
            while c < ncols and grid[r][c] is not None:
                c += 1
            if c >= ncols:
                break
            for dr in range(cell.rowspan):
                for dc in range(cell.colspan):
                    if r + dr < rows and c + dc < ncols:
                        grid[r + dr][c + dc] = (cell, r, c)
            c += cell.colspan
    return grid


def header_texts(header: list[list[HCell]], ncols: int) -> list[list[str]]:
    """The header as printed on a grid: a spanning cell's text at its top-left, blanks elsewhere."""
    return [
        ["" if slot is None or (slot[1], slot[2]) != (r, c) else slot[0].text for c, slot in enumerate(row)]
        for r, row in enumerate(header_grid(header, ncols))
    ]
