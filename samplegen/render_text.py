"""Text renderer: the layout of a PDF converted to text, like the 2023 Wuhan
sample — one line per paragraph, table rows as tab-separated cells (or flowed:
cells by single spaces, blank cells dropped, as many text layers give them),
blank lines between blocks; optional form feeds between pages; UTF-8 or GBK."""

from __future__ import annotations

import random

from samplegen.doc_model import Cover, DocModel, Heading, PageBreak, Paragraph, TableBlock, header_texts
from samplegen.layout import Layout

WRAP_CHARS = 10  # a wrapped name column holds this many characters per line


def _stray(rng: random.Random, text: str, p: float) -> str:
    """A space inside `text`, as PDF-to-text conversion leaves them."""
    if len(text) >= 4 and rng.random() < p and not text[0].isdigit():
        i = rng.randrange(2, len(text) - 1)
        return text[:i] + " " + text[i:]
    return text


def _join(cells: list[str], L: Layout) -> str:
    if L.text_flow == "single":
        return " ".join(c for c in cells if c.strip())
    return "\t".join(cells)


class TextRenderer:
    format = "text"
    extension = ".txt"

    def render(self, doc: DocModel, layout: Layout | None = None) -> bytes:
        L = layout or doc.layout
        rng = random.Random(f"text/{doc.seed}")
        stray = L.stray_spaces
        out: list[str] = []
        for blk in doc.blocks:
            if isinstance(blk, Cover):
                title = _stray(rng, blk.title, 0.7) if stray else blk.title
                out += ["", "", title, "", blk.date, ""]
            elif isinstance(blk, (Heading, Paragraph)):
                out += [blk.text, ""]
            elif isinstance(blk, PageBreak):
                if L.page_breaks:
                    out.append("\f")
            elif isinstance(blk, TableBlock):
                out += self._table(blk, L, rng)
        text = "\n".join(out).replace("\n\f\n", "\n\f")
        return text.encode(L.encoding)

    def _table(self, t: TableBlock, L: Layout, rng: random.Random) -> list[str]:
        out = [t.title, ""]
        meta = {"label": t.label, "unit": t.unit_line, "amount": t.amount_line}
        for key in t.meta_order:
            if text := meta[key]:
                out += [text, ""]
        if t.header:
            for cells in header_texts(t.header, t.ncols):
                if L.stray_spaces:
                    cells = [_stray(rng, txt, 0.3) if txt else txt for txt in cells]
                out.append(_join(cells, L))
        body: list[str] = []
        wrapped: list[bool] = []
        for row in t.body:
            row = list(row)
            cont: list[list[str]] = []
            for c in t.wrap_cols:
                name = row[c]
                if L.stray_spaces and name and t.table_id:
                    name = _stray(rng, name, 0.05)
                if L.wrap_names and len(name) > WRAP_CHARS:
                    pieces = [name[i : i + WRAP_CHARS] for i in range(0, len(name), WRAP_CHARS)]
                    name = pieces[0]
                    for k, piece in enumerate(pieces[1:]):
                        if len(cont) <= k:
                            cont.append([""] * len(row))
                        cont[k][c] = piece
                row[c] = name
            body.append(_join(row, L))
            body += [_join(x, L) for x in cont]
            wrapped.append(bool(cont))
        if L.merge_tail and t.table_id in ("02", "03") and len(t.body) >= 3 and not any(wrapped[-2:]):
            # re-typeset text: the table's last two rows run together on one line
            body[-2:] = [
                f"{body[-2].rstrip()}{' ' if L.text_flow == 'single' else chr(9)}{body[-1].lstrip()}"
            ]
        out += body
        out.append("")
        for note in t.notes:
            out += [note, ""]
        return out
