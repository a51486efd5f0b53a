"""Word .docx read from its XML with lxml: paragraphs and tables in document
order (merged cells: gridSpan across, vMerge continuations left empty), a new
grid page at each hard page break. Legacy .doc is converted with LibreOffice
when it is installed, else refused with a message saying how to convert it."""

from __future__ import annotations

import io
import shutil
import subprocess
import tempfile
import zipfile
from pathlib import Path

from ingest.frontends.tabular import block_rows, clean, expand_spans, prose_row
from ingest.grid import Grid, Row
from ingest.record import ParseError

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


_NS = {"w": W[1:-1]}
_TEXT = None  # compiled on first use (lxml is imported lazily)


def _text(el) -> str:
    """Text of a paragraph or cell: w:t runs, tabs as spaces, breaks as new lines."""
    global _TEXT
    if _TEXT is None:
        from lxml import etree

        _TEXT = etree.XPath(".//w:t/text() | .//w:tab | .//w:br | .//w:cr | .//w:p", namespaces=_NS)
    parts = []
    for node in _TEXT(el):
        if isinstance(node, str):
            parts.append(node)
        elif node.tag == f"{W}tab":
            parts.append(" ")
        else:
            parts.append("\n")  # a break, or the start of a paragraph inside a cell
    return "".join(parts)


def _val(props, name: str, default: int = 1) -> int:
    found = props.find(name) if props is not None else None
    if found is None:
        return default
    try:
        return int(found.get(f"{W}val", default))
    except ValueError:
        return default


_TR, _TC, _T = f"{W}tr", f"{W}tc", f"{W}t"
_TRPR, _TCPR, _GRID_BEFORE, _GRID_SPAN, _VMERGE = (
    f"{W}{n}" for n in ("trPr", "tcPr", "gridBefore", "gridSpan", "vMerge")
)
_VAL = f"{W}val"


def _table(tbl) -> list[list[tuple[str, int, int]]]:
    """Rows of (text, colspan, 1); vMerge continuations are empty. One pass over
    the elements that matter (a tc's runs, spans and merges) keeps it quick."""
    if tbl.find(f".//{W}tbl") is not None:
        return _table_nested(tbl)
    rows: list[list[tuple[str, int, int]]] = []
    cells: list = []
    cur: list | None = None  # [text parts, span, continued]

    def close() -> None:
        if cur is not None:
            text = "" if cur[2] else "".join(cur[0])
            cells.append((clean(text) if text else "", cur[1], 1))

    for el in tbl.iter(_TR, _TC, _GRID_BEFORE, _GRID_SPAN, _VMERGE, _T):
        tag = el.tag
        if tag == _T and cur is not None:
            cur[0].append(el.text or "")
        elif tag == _TC:
            close()
            cur = [[], 1, False]
        elif tag == _TR:
            close()
            cur = None
            cells = []
            rows.append(cells)
        elif tag == _GRID_SPAN and cur is not None:
            cur[1] = _int(el.get(_VAL), 1)
        elif tag == _VMERGE and cur is not None:
            cur[2] = el.get(_VAL, "continue") == "continue"
        elif tag == _GRID_BEFORE and cells is not None and cur is None and (n := _int(el.get(_VAL), 0)):
            cells.append(("", n, 1))
    close()
    return rows


def _int(value: str | None, default: int) -> int:
    try:
        return int(value) if value is not None else default
    except ValueError:
        return default


def _table_nested(tbl) -> list[list[tuple[str, int, int]]]:
    """A table holding tables: a nested table's text is its cell's text."""
    rows = []
    for tr in tbl.iterchildren(_TR):
        before = _val(tr.find(_TRPR), _GRID_BEFORE, 0)
        cells = [("", before, 1)] if before else []
        for tc in tr.iterchildren(_TC):
            props = tc.find(_TCPR)
            span, continued = 1, False
            if props is not None:
                span = _val(props, _GRID_SPAN)
                vmerge = props.find(_VMERGE)
                continued = vmerge is not None and vmerge.get(_VAL, "continue") == "continue"
            text = "" if continued else "".join(tc.itertext(_T))
            cells.append((clean(text) if text else "", span, 1))
        rows.append(cells)
    return rows


def _page_break(p) -> bool:
    return any(br.get(f"{W}type") == "page" for br in p.iter(f"{W}br"))


def _body_items(body):
    """Top-level paragraphs and tables, looking inside content controls."""
    for el in body:
        if el.tag in (f"{W}p", f"{W}tbl"):
            yield el
        elif el.tag == f"{W}sdt":
            content = el.find(f"{W}sdtContent")
            if content is not None:
                yield from _body_items(content)


def read_docx(data: bytes, path: str, fmt: str = "docx") -> Grid:
    from lxml import etree

    try:
        xml = zipfile.ZipFile(io.BytesIO(data)).read("word/document.xml")
        root = etree.fromstring(xml, etree.XMLParser(resolve_entities=False, huge_tree=True))
    except (zipfile.BadZipFile, KeyError, etree.XMLSyntaxError, ValueError, OSError):
        raise ParseError(path, "Word 文件已损坏或不完整（不是有效的 .docx），无法打开") from None
    body = root.find(f"{W}body")
    pages: list[list[Row]] = [[]]
    y = 0
    for el in _body_items(body if body is not None else root):
        page = len(pages)
        if el.tag == f"{W}tbl":
            block = expand_spans(_table(el))
            pages[-1] += block_rows(block, page, y)
            y += len(block.texts) + 1
            continue
        if el.find(f"{W}pPr/{W}pageBreakBefore") is not None and pages[-1]:
            pages.append([])
            page += 1
        row = prose_row(_text(el), page, y)
        if row:
            pages[-1].append(row)
            y += 1
        if _page_break(el):
            pages.append([])
    pages = [p for p in pages if p]
    if not pages:
        raise ParseError(path, "Word 文件中没有文字内容")
    for no, rows in enumerate(pages, start=1):
        for row in rows:
            row.page = no
    return Grid(fmt, pages)


def read_doc(data: bytes, path: str) -> Grid:
    """Legacy Word: convert to .docx with LibreOffice if the machine has it."""
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None:
        raise ParseError(
            path, "旧版 Word（.doc）文件无法直接读取，请用 Word 或 WPS 另存为 .docx 或 PDF 后再提交"
        )
    with tempfile.TemporaryDirectory() as tmp:
        src = Path(tmp) / "in.doc"
        src.write_bytes(data)
        try:
            subprocess.run(
                [soffice, "--headless", "--convert-to", "docx", "--outdir", tmp, str(src)],
                capture_output=True,
                timeout=120,
                check=True,
                env={"HOME": tmp, "PATH": "/usr/bin:/bin"},
            )
            converted = (Path(tmp) / "in.docx").read_bytes()
        except (subprocess.SubprocessError, OSError):
            raise ParseError(path, "旧版 Word（.doc）文件转换失败，请另存为 .docx 或 PDF 后再提交") from None
    return read_docx(converted, path, fmt="doc")
