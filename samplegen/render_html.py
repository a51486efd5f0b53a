"""HTML renderer: a disclosure web page, headings and paragraphs, each table a
<table> with colspan/rowspan header cells; some pages split a table into a
header <table> and a body <table>. The charset is declared in a meta tag and
the page is encoded in it (UTF-8 or GBK, from the layout's encoding)."""

from __future__ import annotations

from html import escape

from samplegen.doc_model import DocModel
from samplegen.layout import Layout
from samplegen.render_cells import PageEnd, Para, Table, doc_parts, grid_parts


def _row(cells: list[str], tag: str = "td", indent: frozenset[int] | set[int] = frozenset()) -> str:
    out = []
    for c, text in enumerate(cells):
        pad = "&nbsp;&nbsp;" if c in indent and text else ""
        out.append(f"<{tag}>{pad}{escape(text)}</{tag}>")
    return "<tr>" + "".join(out) + "</tr>"


def _table(t: Table, split: bool) -> list[str]:
    head = []
    for row in t.header_spans:
        cells = []
        for text, cs, rs in row:
            attrs = (f' colspan="{cs}"' if cs > 1 else "") + (f' rowspan="{rs}"' if rs > 1 else "")
            cells.append(f"<th{attrs}>{escape(text)}</th>")
        head.append("<tr>" + "".join(cells) + "</tr>")
    body = [_row(r, indent={c for (i, c) in t.indent if i == n}) for n, r in enumerate(t.body)]
    if not t.header_spans and t.header:
        head = [_row(r, "th") for r in t.header]
    if split and head:
        return ['<table border="1">', *head, "</table>", '<table border="1">', *body, "</table>"]
    return ['<table border="1">', "<thead>", *head, "</thead>", "<tbody>", *body, "</tbody>", "</table>"]


class HtmlRenderer:
    format = "html"
    extension = ".html"
    prose = True

    def render(self, doc: DocModel, layout: Layout | None = None) -> bytes:
        L = layout or doc.layout
        split = not L.ruled  # unruled layouts split each table into a header and a body <table>
        return self.write(doc_parts(doc), doc.title, L.encoding, split)

    def render_grid(self, grid) -> bytes:
        return self.write(grid_parts(grid), "", "utf-8", False)

    def write(self, parts, title: str, encoding: str, split: bool) -> bytes:
        charset = "gbk" if encoding.lower() in ("gbk", "gb18030", "gb2312") else "utf-8"
        out = [
            "<!DOCTYPE html>",
            "<html><head>",
            f'<meta http-equiv="Content-Type" content="text/html; charset={charset}">',
            f"<title>{escape(title)}</title>",
            "<style>td,th{border:1px solid #999}</style>",
            "</head><body>",
            '<div class="article">',
        ]
        for part in parts:
            if isinstance(part, Para):
                tag = f"h{part.level + 1}" if part.level < 3 else "p"
                out.append(f"<{tag}>{escape(part.text)}</{tag}>")
            elif isinstance(part, Table):
                out += _table(part, split)
            elif isinstance(part, PageEnd):
                out.append('<hr class="page">')
        out += ["</div>", "</body></html>", ""]
        return "\n".join(out).encode(charset)
