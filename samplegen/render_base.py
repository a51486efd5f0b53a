"""The renderer interface. A renderer turns a `DocModel` (samplegen.present)
plus its layout spec into the bytes of one file: text, PDF, Excel (公开 tables
and the 财决 export), HTML, Word, CSV (docs/formats.md). A renderer may also
have `prose = False` (no narrative in the file, so no facts in the truth) and
`adapt_layout(layout)` (a format that forces part of the layout, e.g. 元)."""

from __future__ import annotations

import importlib
from typing import Protocol

from samplegen.doc_model import DocModel
from samplegen.layout import Layout


class Renderer(Protocol):
    format: str  # manifest `format` value: "text", "pdf", ...
    extension: str  # file suffix, with the dot

    def render(self, doc: DocModel, layout: Layout) -> bytes: ...


# format -> "module:Class", imported on first use (reportlab only when PDFs are asked for)
RENDERERS: dict[str, str] = {
    "text": "samplegen.render_text:TextRenderer",
    "pdf": "samplegen.render_pdf:PdfRenderer",
    "xlsx": "samplegen.render_xlsx:XlsxRenderer",
    "caijue": "samplegen.render_xlsx:CaijueRenderer",
    "html": "samplegen.render_html:HtmlRenderer",
    "docx": "samplegen.render_docx:DocxRenderer",
    "csv": "samplegen.render_csv:CsvRenderer",
}

_cache: dict[str, Renderer] = {}


def get_renderer(fmt: str) -> Renderer:
    if fmt not in _cache:
        try:
            target = RENDERERS[fmt]
        except KeyError:
            raise ValueError(f"unknown format {fmt!r}; known: {', '.join(RENDERERS)}") from None
        module, cls = target.split(":")
        _cache[fmt] = getattr(importlib.import_module(module), cls)()
    return _cache[fmt]
