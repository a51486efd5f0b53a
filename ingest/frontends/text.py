"""Text converted from a PDF: tab-separated rows, rows aligned with runs of
spaces (pdftotext -layout), single-space rows, or one cell per line; UTF-8 or GBK."""

from __future__ import annotations

import codecs
import re

from ingest.grid import Cell, Grid, Row, normalize, parse_amount
from ingest.record import ParseError

_MULTISPACE = re.compile(r"\S+(?: \S+)*")
_SPACED = re.compile(r" {2,}")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f]")


_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)


def decode(data: bytes, path: str) -> str:
    if not data.strip():
        raise ParseError(path, "文件为空")
    for bom, enc in _BOMS:  # UTF-16/32 text says so in its first bytes
        if data.startswith(bom):
            try:
                return data.decode(enc)
            except UnicodeDecodeError:
                raise ParseError(
                    path, f"文件编码无法识别（以 {enc.upper()} 标记开头，但内容不是 {enc.upper()} 文本）"
                ) from None
    if b"\x00" in data[:4096]:
        raise ParseError(path, "文件不是文本（含二进制内容），无法识别")
    for enc in ("utf-8-sig", "gb18030"):
        try:
            text = data.decode(enc)
        except UnicodeDecodeError:
            continue
        bad = len(_CONTROL.findall(text, 0, 20000))
        if bad > 20:
            break
        return text
    raise ParseError(path, "文件编码无法识别，不是 UTF-8 或 GBK 文本")


def _display_width(s: str) -> int:
    return sum(2 if ord(ch) > 0x2E7F else 1 for ch in s)


def _row(line: str, page: int, y: int) -> Row | None:
    line = line.rstrip("\r\n")
    if not line.strip():
        return None
    if "\t" in line:
        cells = [Cell(t.strip(), float(i)) for i, t in enumerate(line.split("\t")) if t and not t.isspace()]
        return Row(cells, page, y, positional=True) if cells else None
    if _SPACED.search(line.strip()):
        cells = []
        start, done = 0, 0  # display width of line[:done], carried along (linear in the line)
        for m in _MULTISPACE.finditer(line):
            start += _display_width(line[done : m.start()])
            width = _display_width(m.group())
            cells.append(Cell(m.group(), start + width / 2, start, start + width))
            start, done = start + width, m.end()
        return Row(cells, page, y, positional=True)
    tokens = line.split()
    return Row([Cell(t) for t in tokens], page, y, positional=len(tokens) == 1)


_CODE = re.compile(r"^\d{3}(\d{2}){0,2}$")
_STANDALONE = re.compile(r"决算.{0,4}表|单位\s*[:：]|^注|^说明|^第.部分|^(公开|财决)?\d{1,2}表$|^表\d{1,2}$")


def _repack_cell_per_line(rows: list[Row]) -> list[Row]:
    """Text with one cell per line: rebuild table rows (a code or a label after
    amounts starts a new row). Positions are lost, so rows are marked packed."""
    singles = [r for r in rows if len(r.cells) == 1]
    amounts = [r for r in singles if parse_amount(r.cells[0].text) is not None]
    if len(amounts) < 10 or len(amounts) < 0.3 * len(rows) or len(singles) < 0.8 * len(rows):
        return rows
    out: list[Row] = []
    current: Row | None = None
    for row in rows:
        text = row.cells[0].text if len(row.cells) == 1 else None
        if text is None or _STANDALONE.search(text):
            out.append(row)
            current = None
            continue
        is_amount = parse_amount(text) is not None and not _CODE.match(text)
        has_amounts = current is not None and any(
            parse_amount(c.text) is not None and not _CODE.match(c.text) for c in current.cells
        )
        starts = (
            current is None
            or (_CODE.match(text) and (has_amounts or len(current.cells) > 1))
            or (not is_amount and not _CODE.match(text) and has_amounts)
        )
        if starts or current is None:
            current = Row([Cell(text)], row.page, row.y, positional=False)
            out.append(current)
        else:
            current.cells.append(Cell(text))
            current.positional = False
    return out


def read_text(data: bytes, path: str) -> Grid:
    text = normalize(decode(data, path))  # once for the whole file, not per line
    pages, texts = [], text.split("\f")
    for page_no, page_text in enumerate(texts, start=1):
        rows = []
        for y, line in enumerate(page_text.split("\n")):
            row = _row(line, page_no, y)
            if row:
                rows.append(row)
        pages.append(_repack_cell_per_line(rows))
    return Grid("text", pages, texts)
