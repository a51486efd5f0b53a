"""Word renderer: python-docx for headings, paragraphs and page breaks; tables
as WordprocessingML text with header cells merged as printed. The zip entries
get a fixed date so the same seed gives the same bytes."""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from xml.sax.saxutils import escape

from samplegen.doc_model import DocModel
from samplegen.layout import Layout
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


_W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"


def _cell(text: str, span: int, vmerge: str | None) -> str:
    props = (
        f'<w:tcW w:w="{1000 * span}" w:type="dxa"/>'
        + (f'<w:gridSpan w:val="{span}"/>' if span > 1 else "")
        + (f'<w:vMerge w:val="{vmerge}"/>' if vmerge == "restart" else "<w:vMerge/>" if vmerge else "")
    )
    run = f'<w:r><w:t xml:space="preserve">{escape(text)}</w:t></w:r>' if text else ""
    return f"<w:tc><w:tcPr>{props}</w:tcPr><w:p>{run}</w:p></w:tc>"


def _table_xml(t: Table) -> str:
    """The table as WordprocessingML: header merges as gridSpan (across) and
    vMerge (down), as Word stores them. Written as XML text: python-docx's cell
    API costs ~0.5 s per document."""
    origin = {(r0, c0): (r1, c1) for r0, c0, r1, c1 in t.merges}
    covered = {}
    for (r0, c0), (r1, c1) in origin.items():
        for r in range(r0, r1 + 1):
            for c in range(c0, c1 + 1):
                if (r, c) != (r0, c0):
                    covered[(r, c)] = (r0, c0, r1, c1)
    rows = []
    for r, texts in enumerate(t.header + t.body):
        cells, c = [], 0
        while c < t.ncols:
            if (r, c) in origin:
                r1, c1 = origin[(r, c)]
                cells.append(_cell(texts[c], c1 - c + 1, "restart" if r1 > r else None))
                c = c1 + 1
            elif (r, c) in covered:
                r0, c0, _r1, c1 = covered[(r, c)]
                if r0 < r and c == c0:  # a vertical continuation, as wide as the merge
                    cells.append(_cell("", c1 - c0 + 1, "continue"))
                c = c1 + 1 if c == c0 else c + 1
            else:
                cells.append(_cell(texts[c], 1, None))
                c += 1
        rows.append("<w:tr>" + "".join(cells) + "</w:tr>")
    grid = "".join('<w:gridCol w:w="1000"/>' for _ in range(t.ncols))  # LibreOffice needs widths
    return (
        f'<w:tbl xmlns:w="{_W}"><w:tblPr><w:tblStyle w:val="TableGrid"/><w:tblW w:w="0" w:type="auto"/>'
        f"</w:tblPr><w:tblGrid>{grid}</w:tblGrid>{''.join(rows)}</w:tbl>"
    )


def _table(document, t: Table) -> None:
    from docx.oxml import parse_xml

    body = document.element.body
    body.sectPr.addprevious(parse_xml(_table_xml(t)))


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
