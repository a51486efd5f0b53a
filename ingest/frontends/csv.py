"""CSV/TSV exports of one or more tables (UTF-8 with or without BOM, GBK): each
record is a grid row with its fields at their column index, like a sheet."""

from __future__ import annotations

import csv
import io
from pathlib import PurePath

from ingest.frontends.tabular import Block, block_rows, clean
from ingest.frontends.text import decode
from ingest.grid import Grid
from ingest.record import ParseError


def _delimiter(text: str, path: str) -> str:
    """Tab for .tsv, else the most frequent of , TAB ; in the first lines
    (csv.Sniffer costs more than reading the whole file)."""
    if PurePath(path).suffix.lower() == ".tsv":
        return "\t"
    sample = text[:8000]
    return max((",", "\t", ";"), key=sample.count)


def read_csv(data: bytes, path: str) -> Grid:
    text = decode(data, path)
    try:
        records = list(csv.reader(io.StringIO(text, newline=""), delimiter=_delimiter(text, path)))
    except csv.Error:
        raise ParseError(path, "CSV 文件格式不正确（引号不配对），无法读取") from None
    block = Block([[clean(field) if field else "" for field in record] for record in records])
    rows = block_rows(block, 1)
    if not rows:
        raise ParseError(path, "CSV 文件中没有内容")
    return Grid("csv", [rows])
