"""Word renderer (python-docx): headings, paragraphs and tables in document
order, header cells merged as printed, a page break where the document has
one. The zip entries get a fixed date so the same seed gives the same bytes."""

from __future__ import annotations

import datetime as dt
import io
import zipfile

from samplegen.layout import Layout
from samplegen.present import DocModel
from samplegen.render_cells import PageEnd, Para, Table, doc_parts, grid_parts

_FIXED = dt.datetime(2024, 1, 1)


def _fixed_zip(data: bytes) -> bytes:
    src = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            entry = zipfile.ZipInfo(info.filename, (1980, 1, 1, 0, 0, 0))
            entry.compress_type = zipfile.ZIP_DEFLATED
            dst.writestr(entry, src.read(info.filename))
    return out.getvalue()


def _table(document, t: Table) -> None:
    rows = t.header + t.body
    table = document.add_table(rows=len(rows), cols=t.ncols)
    table.style = "Table Grid"
    for tr, texts in zip(table.rows, rows, strict=True):
        for cell, text in zip(tr.cells, texts, strict=True):
            if text:
                cell.text = text
    for r0, c0, r1, c1 in t.merges:
        table.cell(r0, c0).merge(table.cell(r1, c1))
        table.cell(r0, c0).text = t.header[r0][c0]


class DocxRenderer:
    format = "docx"
    extension = ".docx"
    prose = True

    def render(self, doc: DocModel, layout: Layout | None = None) -> bytes:
        return self.write(doc_parts(doc))

    def render_grid(self, grid) -> bytes:
        return self.write(grid_parts(grid))

    def write(self, parts) -> bytes:
        import docx

        document = docx.Document()
        props = document.core_properties
        props.created = props.modified = _FIXED
        props.author = props.last_modified_by = ""
        for n, part in enumerate(parts):
            if isinstance(part, Para):
                if part.level < 3:
                    document.add_heading(part.text, level=min(part.level + 1, 3))
                else:
                    document.add_paragraph(part.text)
            elif isinstance(part, Table):
                _table(document, part)
            elif isinstance(part, PageEnd) and n + 1 < len(parts):
                document.add_page_break()
        buf = io.BytesIO()
        document.save(buf)
        return _fixed_zip(buf.getvalue())
