"""Find the nine tables in a grid: by title keywords (not by order), with the
amount unit and the rows up to the table's note or the next table. A table that
continues on the next page (续表, or simply more rows) stays one region."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from ingest.grid import Grid, Row
from ingest.tables.catalog import TITLE_PATTERNS

_UNIT = re.compile(r"单位\s*[:：]?\s*(万元|元)")
_HEADER_HINT = re.compile(r"项目|科目|预算数|决算数|人员经费|收入|支出")
_END = re.compile(r"^(注\s*[:：]|注\d|说明\s*[:：]|第[一二三四五六七八九十]+部分)")
_PAGE_NUMBER = re.compile(r"^[-—\s]*(第\s*)?\d{1,3}(\s*页)?[-—\s]*$")
# Unmistakable page numbers (`- 12 -`, `—12—`, `第 12 页`, `第12页 共30页`, `12/30`): dropped
# wherever they stand, since text layers without form feeds put them inside tables.
_PAGE_MARK = re.compile(
    r"^\s*(?:[-—–]+\s*\d{1,3}\s*[-—–]+|第\s*\d{1,3}\s*页(?:\s*[,，/]?\s*共\s*\d{1,3}\s*页)?"
    r"|\d{1,3}\s*/\s*\d{1,3}|共\s*\d{1,3}\s*页\s*第\s*\d{1,3}\s*页)\s*$"
)
_EMPTY_NOTE = re.compile(r"无.{0,30}(支出|收入|经费|数据)|本表无数据|为空表|空表")
_UNIT_LINE = re.compile(r"^(部门|单位名称|编制单位|预算单位)\s*[:：]")
_NOT_TITLE = re.compile(r"说明|情况|目录|反映|注[:：]")


@dataclass
class Region:
    table: str
    title_row: Row
    rows: list[Row] = field(default_factory=list)
    unit: str | None = None
    notes: list[str] = field(default_factory=list)

    @property
    def empty_note(self) -> bool:
        return any(_EMPTY_NOTE.search(n) for n in self.notes)


def _title_of(row: Row) -> str | None:
    text = row.text
    if "表" not in text or "决算" not in text:
        return None
    text = text.replace(" ", "")
    if len(text) > 60 or _NOT_TITLE.search(text):
        return None
    for table, pattern in TITLE_PATTERNS:
        if pattern.search(text):
            return table
    return None


def _content_rows(grid: Grid) -> list[Row]:
    rows = []
    for page in grid.pages:
        for i, row in enumerate(page):
            edge = i < 2 or i >= len(page) - 2
            text = " ".join(c.text for c in row.cells)
            if (edge and _PAGE_NUMBER.match(row.text)) or _PAGE_MARK.match(text):
                continue  # page numbers in headers/footers
            rows.append(row)
    return rows


def locate(grid: Grid) -> tuple[list[Region], str | None]:
    """Return the table regions and the document-level amount unit."""
    rows = _content_rows(grid)
    titles = [(i, t) for i, row in enumerate(rows) if (t := _title_of(row))]
    doc_unit = None
    regions: dict[str, Region] = {}
    for n, (start, table) in enumerate(titles):
        stop = titles[n + 1][0] if n + 1 < len(titles) else len(rows)
        window = rows[start + 1 : min(stop, start + 12)]
        if not any(_UNIT.search(r.text) or _HEADER_HINT.search(r.text) for r in window):
            continue  # a table-of-contents entry, not a table
        body, unit, notes = [], None, []
        ended = False
        for row in rows[start + 1 : stop]:
            text = row.text.replace(" ", "")
            if ended:
                notes.append(text)
                continue
            m = _UNIT.search(text)
            if m and len(text) < 40 and len(body) <= 3:  # the unit line sits above the table
                unit = m.group(1)
                rest = _UNIT.sub("", text)
                if re.search(r"\d", rest) is None:
                    continue
            if _END.match(text):
                ended = True
                notes.append(text)
                continue
            if re.fullmatch(r"(公开|财决)?\d{1,2}表|表\d{1,2}|续表\d*", text) or _UNIT_LINE.match(text):
                continue
            body.append(row)
        if table in regions and regions[table].rows:
            # Same title again: a continuation (续表) of the table; its header is repeated.
            regions[table].rows.extend(_without_header(body))
            regions[table].notes.extend(notes)
            continue
        regions[table] = Region(table, rows[start], body, unit, notes)
        doc_unit = doc_unit or unit
    return list(regions.values()), doc_unit


_BODY_CELL = re.compile(r"^(\d{3}(\d{2}){0,2}|[-\d,]+\.\d+|[一二三四五六七八九十]+、.*|合计|总计)$")


def _without_header(rows: list[Row]) -> list[Row]:
    """Drop a continuation's repeated header: rows before the first one holding a
    code, an amount, an ordinal item label or a total."""
    for i, row in enumerate(rows):
        if any(_BODY_CELL.match(c.text.replace(" ", "")) for c in row.cells):
            return rows[i:]
    return rows
