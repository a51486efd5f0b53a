"""Disclosure web pages, parsed with lxml: <table> elements (rowspan/colspan)
and paragraphs in document order; the charset from the meta tag, else UTF-8,
else GB18030. A page that only links to its attachments is not a disclosure:
the message lists the links."""

from __future__ import annotations

import re

from ingest.frontends.tabular import block_rows, clean, expand_spans, prose_row
from ingest.grid import Grid, Row, parse_amount
from ingest.record import ParseError

_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([a-zA-Z0-9_-]+)""", re.I)
_BLOCK = {
    "p", "div", "h1", "h2", "h3", "h4", "h5", "h6", "li", "section", "article", "header",
    "footer", "blockquote", "pre", "caption", "center", "dd", "dt", "ul", "ol", "dl", "form",
    "main", "aside", "nav", "figure", "address", "hr", "br",
}  # fmt: skip
_SKIP = {"script", "style", "noscript", "template", "head", "title", "select", "option", "button"}
_ATTACHMENT = re.compile(r"\.(pdf|docx?|xlsx?|wps|et|zip|rar|7z|ofd)(\?|#|$)", re.I)


def decode(data: bytes, path: str) -> str:
    m = _CHARSET.search(data[:4096])
    declared = m.group(1).decode("ascii").lower() if m else None
    if declared in ("gb2312", "gbk", "gb18030", "x-gbk"):
        declared = "gb18030"  # GB2312 pages use GBK characters all the time
    for enc in [e for e in (declared, "utf-8-sig", "gb18030") if e]:
        try:
            return data.decode(enc)
        except (UnicodeDecodeError, LookupError):
            continue
    raise ParseError(path, "网页编码无法识别，不是 UTF-8 或 GBK")


def _span(cell, attr: str) -> int:
    value = cell.get(attr)
    if value is None:
        return 1
    m = re.match(r"\s*(\d+)", value)
    return min(int(m.group(1)), 1000) if m else 1


def _table_rows(table) -> list[list[tuple[str, int, int]]]:
    rows = []
    for tr in table.xpath("./tr|./thead/tr|./tbody/tr|./tfoot/tr"):
        cells = []
        for td in tr.iterchildren("td", "th"):
            text = td.text_content()
            cells.append((clean(text) if text else "", _span(td, "colspan"), _span(td, "rowspan")))
        rows.append(cells)
    return rows


def _has_block(el) -> bool:
    return any(d.tag in _BLOCK or d.tag == "table" for d in el.iterdescendants() if isinstance(d.tag, str))


class _Walker:
    def __init__(self):
        self.rows: list[Row] = []
        self.tables = 0
        self.y = 0

    def prose(self, text: str | None) -> None:
        row = prose_row(text or "", 1, self.y)
        if row:
            self.rows.append(row)
            self.y += 1

    def table(self, el) -> None:
        block = expand_spans(_table_rows(el))
        rows = block_rows(block, 1, self.y)
        if any(parse_amount(c.text) is not None for r in rows for c in r.cells):
            self.tables += 1
        self.rows += rows
        self.y += len(block.texts) + 1

    def walk(self, el) -> None:
        if not isinstance(el.tag, str) or el.tag in _SKIP or "display:none" in (el.get("style") or ""):
            return
        if el.tag == "table" and el.find(".//table") is not None:
            # A layout table (old sites put the whole page in one): its cells are containers.
            for cell in el.xpath("./tr/td|./tr/th|./*/tr/td|./*/tr/th"):
                self.walk(cell)
            return
        if el.tag == "table":
            for caption in el.xpath("./caption"):
                self.prose(caption.text_content())
            self.table(el)
            return
        if not _has_block(el):
            self.prose(el.text_content())
            return
        self.prose(el.text)
        for child in el:
            self.walk(child)
            self.prose(child.tail)


def _links(doc) -> list[str]:
    out = []
    for a in doc.iter("a"):
        href = (a.get("href") or "").strip()
        text = clean(a.text_content())
        if _ATTACHMENT.search(href) or "附件" in text:
            out.append(f"{text or href}（{href}）" if text and href else text or href)
    return out


def read_html(data: bytes, path: str) -> Grid:
    import lxml.html

    text = decode(data, path)
    text = re.sub(r"^\s*<\?xml[^>]*\?>", "", text)  # lxml refuses str input with an encoding declaration
    try:
        doc = lxml.html.document_fromstring(text)
    except Exception:  # lxml raises ParserError or XMLSyntaxError on empty or broken markup
        raise ParseError(path, "网页内容为空或无法解析") from None
    for br in doc.iter("br"):  # a line break inside a cell or paragraph
        br.tail = "\n" + (br.tail or "")
    walker = _Walker()
    body = doc.find("body")
    walker.walk(body if body is not None else doc)
    if not walker.tables:
        links = _links(doc)
        if links:
            shown = "；".join(links[:8]) + ("；……" if len(links) > 8 else "")
            raise ParseError(path, f"网页中没有决算表，只有附件链接（请下载附件后再读取）：{shown}")
        raise ParseError(path, "网页中没有数据表格，不是部门决算公开页面")
    return Grid("html", [walker.rows])
