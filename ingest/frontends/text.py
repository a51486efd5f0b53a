"""Text converted from a PDF: tab-separated rows, rows aligned with runs of
spaces (pdftotext -layout), single-space rows, or one cell per line; UTF-8 or GBK."""

from __future__ import annotations

import re

from ingest.grid import Cell, Grid, Row, normalize
from ingest.record import ParseError

_MULTISPACE = re.compile(r"\S+(?: \S+)*")
_SPACED = re.compile(r" {2,}")


def decode(data: bytes, path: str) -> str:
    if not data.strip():
        raise ParseError(path, "文件为空")
    if b"\x00" in data[:4096]:
        raise ParseError(path, "文件不是文本（含二进制内容），无法识别")
    for enc in ("utf-8-sig", "gb18030"):
        try:
            text = data.decode(enc)
        except UnicodeDecodeError:
            continue
        bad = sum(1 for ch in text[:20000] if ord(ch) < 32 and ch not in "\t\n\r\f")
        if bad > 20:
            break
        return text
    raise ParseError(path, "文件编码无法识别，不是 UTF-8 或 GBK 文本")


def _display_width(s: str) -> int:
    return sum(2 if ord(ch) > 0x2E7F else 1 for ch in s)


def _row(line: str, page: int, y: int) -> Row | None:
    line = normalize(line.rstrip("\r\n"))
    if not line.strip():
        return None
    if "\t" in line:
        cells = [Cell(t.strip(), float(i)) for i, t in enumerate(line.split("\t"))]
        cells = [c for c in cells if c.text]
        return Row(cells, page, y, positional=True, extra={"mode": "tab"}) if cells else None
    if _SPACED.search(line.strip()):
        cells = []
        for m in _MULTISPACE.finditer(line):
            start = _display_width(line[: m.start()])
            width = _display_width(m.group())
            cells.append(Cell(m.group(), start + width / 2, start, start + width))
        return Row(cells, page, y, positional=True, extra={"mode": "layout"})
    tokens = line.split()
    return Row([Cell(t) for t in tokens], page, y, positional=len(tokens) == 1, extra={"mode": "plain"})


def read_text(data: bytes, path: str) -> Grid:
    text = decode(data, path)
    pages, texts = [], text.split("\f")
    for page_no, page_text in enumerate(texts, start=1):
        rows = []
        for y, line in enumerate(page_text.split("\n")):
            row = _row(line, page_no, y)
            if row:
                rows.append(row)
        pages.append(rows)
    return Grid("text", pages, [normalize(t) for t in texts])
