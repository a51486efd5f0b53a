"""`parse_file`: file → grid (format front end) → tables → verified canonical
record. The only entry point other parts of the product use."""

from __future__ import annotations

import hashlib
from pathlib import Path

from ingest.frontends import detect
from ingest.frontends.csv import read_csv
from ingest.frontends.docx import read_doc, read_docx
from ingest.frontends.excel import read_excel
from ingest.frontends.html import read_html
from ingest.frontends.ocr import read_image
from ingest.frontends.pdf import read_pdf
from ingest.frontends.text import read_text
from ingest.grid import Grid
from ingest.meta import looks_like_budget, publication_date, unit_and_year
from ingest.ocrfix import fix_ocr, ocr_pages_problem
from ingest.record import TABLE_IDS, Document, Line, ParseError, ParseResult, Problem
from ingest.tables.base import TableReading
from ingest.tables.economic import read_economic
from ingest.tables.locate import Region, locate
from ingest.tables.sangong import read_sangong
from ingest.tables.subject import read_subject_table
from ingest.tables.two_sided import read_two_sided
from ingest.verify import (
    TABLE_NAMES,
    VERIFIERS,
    code_consistency,
    code_problems,
    rounding_residuals,
    settle_sangong,
    shape_problems,
    unchecked_rows,
    uncovered,
    wrap_doubts,
)

VERIFY_ORDER = ["01", "04", "02", "03", "05", "07", "08", "06", "09"]
READERS = {
    "01": read_two_sided,
    "04": read_two_sided,
    "06": read_economic,
    "09": read_sangong,
    **{t: read_subject_table for t in ("02", "03", "05", "07", "08")},
}


def detect_format(data: bytes, path: str = "") -> str:
    return detect.detect_format(data, path)


FRONTENDS = {
    "text": read_text,
    "pdf": read_pdf,
    "xlsx": read_excel,
    "xls": read_excel,
    "ods": read_excel,
    "html": read_html,
    "docx": read_docx,
    "doc": read_doc,
    "csv": read_csv,
    "image": read_image,
}


def parse_file(path: str | Path) -> ParseResult:
    path = str(path)
    try:
        data = Path(path).read_bytes()
    except OSError as exc:
        raise ParseError(path, f"文件无法打开（{exc.strerror or exc}）") from None
    return parse_bytes(data, path)


def parse_bytes(data: bytes, path: str) -> ParseResult:
    fmt = detect_format(data, path)
    frontend = FRONTENDS.get(fmt)
    if frontend is None:
        raise ParseError(path, detect.UNSUPPORTED.get(fmt, f"暂不支持该文件格式（{fmt}）"))
    grid = frontend(data, path)
    return read_grid(grid, path, hashlib.sha256(data).hexdigest())


def read_grid(grid: Grid, path: str, sha256: str) -> ParseResult:
    pages = grid.page_texts()
    located = locate(grid)
    regions, doc_unit = located.regions, located.unit
    if not regions:
        if looks_like_budget(pages):
            raise ParseError(path, "这是部门预算文件，不是部门决算公开，未读取")
        raise ParseError(path, "未找到部门决算表，不是部门决算公开文件")
    unit_name, year = unit_and_year(pages)
    readings, problems, checked = _read_and_verify(regions, doc_unit)
    if grid.ocr_pages:  # a scan: confusions the identities confirm are corrected, and said
        readings, problems, checked = fix_ocr(
            regions,
            lambda: _read_and_verify(regions, doc_unit),
            lambda region, trusted: _check_table(region, doc_unit, trusted),
            (readings, problems, checked),
        )
        problems.insert(0, ocr_pages_problem(grid.ocr_pages))
    if grid.unreadable_pages:
        pages_said = "、".join(str(n) for n in grid.unreadable_pages)
        problems.insert(  # document-level problems first
            0,
            Problem(
                "error", None, "page_unreadable", f"第 {pages_said} 页已损坏，无法读取，其中的内容未计入"
            ),
        )
    problems.extend(rounding_residuals(readings, problems))
    problems.extend(_empty_tables(regions, readings, unit_name))
    for t in TABLE_IDS:
        if t not in readings:
            problems.append(Problem("warning", t, "table_missing", f"未找到公开{t}表（{TABLE_NAMES[t]}）"))
    _fill_codes(readings)
    problems.extend(unchecked_rows(readings))
    problems.extend(code_problems(readings))
    problems.extend(code_consistency(readings))
    problems.extend(wrap_doubts(readings))
    problems.extend(shape_problems(readings))
    try:
        facts = _facts(pages, readings)
    except Exception as exc:  # the tables stand on their own; say the narrative was not read
        facts = []
        problems.append(
            Problem("warning", None, "narrative_unreadable", f"情况说明部分未能读取（{type(exc).__name__}）")
        )
    if "09" in readings and any(p.table == "09" and p.code == "placement_uncertain" for p in problems):
        settled = settle_sangong(readings["09"], facts)
        if settled is not None:
            problems = [p for p in problems if not (p.table == "09" and p.code == "placement_uncertain")]
            problems.append(settled)
    unchecked = sum(len(uncovered(r)) for r in readings.values())
    for reading in readings.values():
        if reading.unit == "元":
            _to_wanyuan(reading)  # the contract is in 万元; checks ran in the printed unit
    lines = [line for t in TABLE_IDS if t in readings for line in _lines(readings[t])]
    doc = Document(
        unit_name=unit_name,
        fiscal_year=year,
        amount_unit=doc_unit,
        format=grid.format,
        sha256=sha256,
        tables=[t for t in TABLE_IDS if t in readings],
        tables_promised=located.promised,
        cells_unchecked=unchecked,
        publication_date=publication_date(pages),
        source_path=path,
    )
    return ParseResult(doc, lines, facts, problems, checked)


def _read_tables(regions, doc_unit: str | None) -> tuple[dict[str, TableReading], list[Problem]]:
    readings: dict[str, TableReading] = {}
    problems: list[Problem] = []
    for region in regions:
        reading = READERS[region.table](region)
        reading.unit = region.unit or doc_unit or "万元"
        readings[region.table] = reading
        name = f"公开{region.table}表（{TABLE_NAMES[region.table]}）"
        problems.extend(Problem("warning", region.table, "reader_note", name + n) for n in reading.notes)
        problems.extend(Problem("error", region.table, "table_unclear", name + w) for w in region.warnings)
    return readings, problems


def _read_and_verify(
    regions: list[Region], doc_unit: str | None
) -> tuple[dict[str, TableReading], list[Problem], int]:
    readings, problems = _read_tables(regions, doc_unit)
    return readings, problems, _verify(readings, problems)


def _check_table(region: Region, doc_unit: str | None, trusted: dict[str, TableReading]) -> list[Problem]:
    """One table read afresh and verified against tables already settled."""
    reading = _read_tables([region], doc_unit)[0][region.table]
    return VERIFIERS[region.table](reading, {t: r for t, r in trusted.items() if r.unit == reading.unit})[0]


def _verify(readings: dict[str, TableReading], problems: list[Problem]) -> int:
    """Each table against its identities, in its printed unit (a 元 document is
    exact to its last printed digit: 0.01 元 per addend, not 0.01 万元). Totals
    first: a table that balances can settle placements another leaves open, and a
    table left open is tried again once the others are settled."""
    trusted: dict[str, TableReading] = {}
    verdicts: dict[str, tuple[list[Problem], int]] = {}
    order = sorted(readings, key=VERIFY_ORDER.index)
    for table in [*order, *order]:
        if table in verdicts and not _open(verdicts[table][0]):
            continue
        same_unit = {t: r for t, r in trusted.items() if r.unit == readings[table].unit}
        verdicts[table] = VERIFIERS[table](readings[table], same_unit)
        if not any(p.severity == "error" for p in verdicts[table][0]):
            trusted[table] = readings[table]
    for table in sorted(order):
        problems.extend(verdicts[table][0])
    return sum(verdicts[t][1] for t in order)


def _open(problems: list[Problem]) -> bool:
    return any(p.code == "placement_uncertain" for p in problems)


def _empty_tables(regions, readings: dict[str, TableReading], unit_name: str | None) -> list[Problem]:
    """A table with no number and no note saying the unit has none is an error
    naming table and page; a document whose every table is empty and that names
    no unit is the blank template: said once, not as nine errors."""
    empty = [rg for rg in regions if not _nonzero(readings[rg.table])]
    if len(empty) == len(regions) and unit_name is None:
        return [
            Problem(
                "warning", None, "document_blank", "所有决算表均为空白（空白模板或未填报），未读到任何数字"
            )
        ]
    out = []
    for rg in empty:
        name = f"公开{rg.table}表（{TABLE_NAMES[rg.table]}，第 {rg.title_row.page} 页）"
        zeros = any(r.amounts for r in readings[rg.table].rows)  # amounts read, every one 0
        if not zeros and not rg.empty_note:
            out.append(
                Problem(
                    "error",
                    rg.table,
                    "table_empty",
                    name + "没有读到任何数字，也没有“无此项收支”的说明，请核对原件",
                )
            )
        elif zeros and rg.table in _NEVER_ZERO:
            out.append(
                Problem(
                    "error",
                    rg.table,
                    "table_zero",
                    name + "读到的金额全部为零，每个单位都应有收支，请核对原件",
                )
            )
    return out


# Every unit has income and spending: these tables cannot be all zeros (07/08/09 can).
_NEVER_ZERO = ("01", "02", "03", "04")


def _nonzero(reading: TableReading) -> bool:
    return any(v for r in reading.rows for v in r.amounts.values())


def _rows(readings: dict[str, TableReading], table: str) -> list:
    reading = readings.get(table)
    return reading.rows if reading else []


def _fill_codes(readings: dict[str, TableReading]) -> None:
    """Rows printed without a code get it from the same name in another table."""
    names: dict[str, set[str]] = {}
    for t in ("02", "03", "05", "07", "08"):
        for r in _rows(readings, t):
            if r.code and r.label:
                names.setdefault(r.label, set()).add(r.code)
    for t in ("02", "03", "05", "07", "08"):
        for r in _rows(readings, t):
            if r.code is None and r.label and r.label not in ("合计", "总计"):
                codes = names.get(r.label, set())
                if len(codes) == 1:
                    r.code = next(iter(codes))


def _to_wanyuan(reading: TableReading) -> None:
    for r in reading.rows:
        r.amounts = {k: v / 10000 for k, v in r.amounts.items()}
        r.raw_values = [v / 10000 for v in r.raw_values]


def _lines(reading: TableReading) -> list[Line]:
    out = []
    for i, r in enumerate(reading.rows, start=1):
        for col, amount in r.amounts.items():
            if not amount:
                continue
            value = round(amount, 6)
            placed = r.placement if col in r.placed_columns else None
            out.append(Line(reading.table, r.side, r.label, r.code, col, value, r.page, i, placed))
    return out


def _facts(pages: list[str], readings: dict[str, TableReading]):
    from ingest.narrative import extract_facts

    # Bare 项 names and "类|款|项" / "款|项" name paths: repeated names such as 行政运行
    # are only unambiguous with their parents.
    name_to_code: dict[str, str] = {}
    for t in ("05", "03", "02"):
        rows = _rows(readings, t)
        labels = {r.code: r.label for r in rows if r.code and r.label}
        for code, label in labels.items():
            if len(code) != 7:
                continue
            name_to_code.setdefault(label, code)
            kuan, cls = labels.get(code[:5]), labels.get(code[:3])
            if kuan:
                name_to_code.setdefault(f"{kuan}|{label}", code)
                if cls:
                    name_to_code.setdefault(f"{cls}|{kuan}|{label}", code)
    return extract_facts(pages, name_to_code=name_to_code)
