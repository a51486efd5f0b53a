"""What the cell-based renderers (Excel, HTML, Word, CSV) draw: a document as a
sequence of paragraphs and tables of cell texts with their merges. Built from a
`DocModel` (the generated corpus) or from a text grid (the real sample, whose
layout is kept as the reader sees it)."""

from __future__ import annotations

from dataclasses import dataclass, field

from samplegen.doc_model import (
    Cover,
    DocModel,
    Heading,
    PageBreak,
    Paragraph,
    TableBlock,
    header_grid,
    header_texts,
)


@dataclass
class Para:
    text: str
    level: int = 3  # 0 document title … 2 sub-section, 3 body text
    role: str = "prose"  # prose | cover | title | meta | note: what a workbook keeps


@dataclass
class Table:
    """header + body rows of texts; spans[r] = HTML-style (text, colspan, rowspan)
    cells of header row r; body rows have no spans."""

    table_id: str | None
    title: str
    header_spans: list[list[tuple[str, int, int]]]
    header: list[list[str]]  # the header on the grid: text at a span's top-left only
    body: list[list[str]]
    kinds: list[str]
    indent: set[tuple[int, int]] = field(default_factory=set)
    merges: list[tuple[int, int, int, int]] = field(default_factory=list)  # header, inclusive

    @property
    def ncols(self) -> int:
        return len(self.kinds)


@dataclass
class PageEnd:
    pass


def _table(t: TableBlock) -> Table:
    grid = header_grid(t.header, t.ncols)
    merges = []
    for r, row in enumerate(grid):
        for c, slot in enumerate(row):
            if (
                slot is not None
                and (slot[1], slot[2]) == (r, c)
                and (slot[0].colspan > 1 or slot[0].rowspan > 1)
            ):
                r1, c1 = min(len(grid), r + slot[0].rowspan) - 1, min(t.ncols, c + slot[0].colspan) - 1
                merges.append((r, c, r1, c1))
    header = header_texts(t.header, t.ncols)
    spans = [[(h.text, h.colspan, h.rowspan) for h in row] for row in t.header]
    body = [list(r) for r in t.body]
    return Table(t.table_id, t.title, spans, header, body, list(t.col_kinds), t.indent_rows, merges)


def doc_parts(doc: DocModel) -> list:
    """A DocModel as paragraphs and tables in reading order."""
    out: list = []
    for blk in doc.blocks:
        if isinstance(blk, Cover):
            out += [Para(blk.title, 0, "cover"), Para(blk.date, 3, "cover")]
        elif isinstance(blk, Heading):
            out.append(Para(blk.text, blk.level))
        elif isinstance(blk, Paragraph):
            out.append(Para(blk.text))
        elif isinstance(blk, PageBreak):
            out.append(PageEnd())
        elif isinstance(blk, TableBlock):
            meta = {"label": blk.label, "unit": blk.unit_line, "amount": blk.amount_line}
            out.append(Para(blk.title, 1, "title"))
            out += [Para(text, 3, "meta") for k in blk.meta_order if (text := meta[k])]
            out.append(_table(blk))
            out += [Para(n, 3, "note") for n in blk.notes]
    return out


def grid_parts(grid) -> list:
    """A text grid (the real sample) as parts: runs of tab-separated rows are
    tables, every other line a paragraph; form feeds end pages."""
    out: list = []
    for page in grid.pages:
        run: list = []
        for row in [*page, None]:
            tab_row = row is not None and row.positional and any(c.x is not None for c in row.cells)
            if tab_row:
                run.append(row)
                continue
            if run:
                width = max(int(c.x) for r in run for c in r.cells) + 1
                body = []
                for r in run:
                    cells = [""] * width
                    for c in r.cells:
                        cells[int(c.x)] = c.text
                    body.append(cells)
                out.append(Table(None, "", [], [], body, ["text"] * width))
                run = []
            if row is not None:
                out.append(Para(" ".join(c.text for c in row.cells)))
        out.append(PageEnd())
    return out
