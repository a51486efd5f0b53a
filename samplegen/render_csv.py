"""CSV renderer: the tables of a document as one CSV export (title, unit and
amount-unit lines as one-field records, header rows with merged texts printed
once, body rows), UTF-8 with a BOM or GBK. No narrative."""

from __future__ import annotations

import csv
import io

from samplegen.doc_model import DocModel
from samplegen.layout import Layout
from samplegen.render_cells import Para, Table, doc_parts, grid_parts


class CsvRenderer:
    format = "csv"
    extension = ".csv"
    prose = False

    def render(self, doc: DocModel, layout: Layout | None = None) -> bytes:
        L = layout or doc.layout
        return self.write(doc_parts(doc), L.encoding, keep_prose=False)

    def render_grid(self, grid) -> bytes:
        return self.write(grid_parts(grid), "utf-8", keep_prose=True)

    def write(self, parts, encoding: str, keep_prose: bool) -> bytes:
        buf = io.StringIO()
        w = csv.writer(buf, lineterminator="\r\n")
        for part in parts:
            if isinstance(part, Para) and (keep_prose or part.role != "prose"):
                w.writerow([part.text])
            elif isinstance(part, Table):
                w.writerows(part.header)
                w.writerows(part.body)
                w.writerow([])
        text = buf.getvalue()
        return text.encode("utf-8-sig") if encoding.lower().startswith("utf") else text.encode(encoding)
