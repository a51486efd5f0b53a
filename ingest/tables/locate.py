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
_EMPTY_SUBJECT = {
    "04": "财政拨款",
    "05": "一般公共预算|财政拨款",
    "06": "一般公共预算|财政拨款|基本支出",
    "07": "政府性基金",
    "08": "国有资本",
    "09": "三公",
}
_ANY_SUBJECT = re.compile("|".join(sorted(set("|".join(_EMPTY_SUBJECT.values()).split("|")))))
_NOT_TITLE = re.compile(r"说明|情况|目录|反映|注[:：]")


@dataclass
class Region:
    table: str
    title_row: Row
    rows: list[Row] = field(default_factory=list)
    unit: str | None = None
    notes: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)  # what the locator left out, said on the table
    title_text: str = ""

    @property
    def empty_note(self) -> bool:
        """A note that this table has nothing to show: about its own funds (a note on
        三公 under 01 is not one); 01–03 never are empty for a unit that exists."""
        own = _EMPTY_SUBJECT.get(self.table)
        if own is None:
            return False
        other = [w for t, w in _EMPTY_SUBJECT.items() if t in ("07", "08", "09") and t != self.table]
        return any(
            _EMPTY_NOTE.search(n)
            and not any(re.search(w, n) for w in other)
            and (re.search(own, n) or not _ANY_SUBJECT.search(n))
            for n in self.notes
        )


def _title_of(row: Row) -> str | None:
    return _title_of_text(row.text)


def _title_of_text(text: str) -> str | None:
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


_SPECIFICITY = {t: i for i, (t, _p) in enumerate(TITLE_PATTERNS)}
_FRAGMENT = re.compile(r"^(\d{4}\s*年度?)?[^\d]{0,24}$")


def _titles(rows: list[Row]) -> list[tuple[int, str]]:
    """(row index, table) of each title; a title wrapped onto two lines (`2023年度一般公共`
    / `预算财政拨款支出决算表`) is read joined, where the join names a more specific table."""
    out: list[tuple[int, str]] = []
    for i, row in enumerate(rows):
        alone = _title_of(row)
        prev = rows[i - 1] if i else None
        if prev is not None and prev.page == row.page and (not out or out[-1][0] < i - 2):
            text = prev.text.replace(" ", "")
            if text and _FRAGMENT.match(text) and _title_of(prev) is None:
                joined = _title_of_text(prev.text + row.text)
                if joined and (alone is None or _SPECIFICITY[joined] < _SPECIFICITY[alone]):
                    out.append((i - 1, joined))
                    continue
        if alone:
            out.append((i, alone))
    return out


def _same_title(a: str, b: str) -> bool:
    """A repeated title continues its table: the same words (year, 续表 and spaces aside)."""

    def norm(t: str) -> str:
        return re.sub(r"\s|\d{4}\s*年度?|[（(]?续表?\d*[)）]?", "", t)

    return norm(a) == norm(b) or "续" in b


@dataclass
class Located:
    regions: list[Region]
    unit: str | None  # the document's amount unit
    promised: list[str]  # tables its table of contents lists


def locate(grid: Grid) -> Located:
    """The table regions, the document-level amount unit, and the tables the
    document's own table of contents promises."""
    rows = _content_rows(grid)
    titles = _titles(rows)
    doc_unit = None
    regions: dict[str, Region] = {}
    promised: set[str] = set()
    for n, (start, table) in enumerate(titles):
        stop = titles[n + 1][0] if n + 1 < len(titles) else len(rows)
        window = rows[start + 1 : min(stop, start + 12)]
        if not any(_UNIT.search(r.text) or _HEADER_HINT.search(r.text) for r in window):
            promised.add(table)
            continue  # a table-of-contents entry, not a table
        body: list[Row] = []
        unit, notes = None, []
        ended = False
        first = start + 2 if _title_of_text(rows[start].text) != table else start + 1  # a wrapped title
        for row in rows[first:stop]:
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
            title = rows[start].text + (rows[start + 1].text if first == start + 2 else "")
            if not _same_title(regions[table].title_text, title):
                regions[table].warnings.append(
                    f"第 {rows[start].page} 页另有一张表“{title.strip()[:40]}”，标题与本表相近但不同，未读取，请核对原件"
                )
                continue
            # Same title again: a continuation (续表) of the table; its header is repeated.
            regions[table].rows.extend(_without_header(body))
            regions[table].notes.extend(notes)
            continue
        if table in regions:
            promised.add(table)  # the first one had no rows: a table-of-contents entry
        title = rows[start].text + (rows[start + 1].text if first == start + 2 else "")
        regions[table] = Region(table, rows[start], body, unit, notes, title_text=title)
        doc_unit = doc_unit or unit
    return Located(list(regions.values()), doc_unit, sorted(promised))


_BODY_CELL = re.compile(r"^(\d{3}(\d{2}){0,2}|[-\d,]+\.\d+|[一二三四五六七八九十]+、.*|合计|总计)$")


def _without_header(rows: list[Row]) -> list[Row]:
    """Drop a continuation's repeated header: rows before the first one holding a
    code, an amount, an ordinal item label or a total."""
    for i, row in enumerate(rows):
        if any(_BODY_CELL.match(c.text.replace(" ", "")) for c in row.cells):
            return rows[i:]
    return rows
