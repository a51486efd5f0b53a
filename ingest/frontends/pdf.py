"""Text-layer PDF: pdfium text runs (fast: one call per run, not per char)
become positioned cells, grouped into rows by their vertical centre."""

from __future__ import annotations

import bisect
import re

from ingest.grid import Cell, Grid, Row, normalize, parse_amount
from ingest.record import ParseError

_PIECE = re.compile(r"\S+")


def _width(s: str) -> float:
    return sum(1.0 if ord(ch) > 0x2E7F else 0.5 for ch in s) or 0.5


def _cells_of_run(text: str, left: float, right: float) -> list[Cell]:
    text = normalize(text)
    pieces = list(_PIECE.finditer(text))
    if len(pieces) <= 1:
        t = text.strip()
        return [Cell(t, (left + right) / 2, left, right)] if t else []
    # A run holding several cells: place each piece proportionally to its width.
    total = _width(text)
    scale = (right - left) / total
    cells = []
    for m in pieces:
        x0 = left + _width(text[: m.start()]) * scale
        x1 = x0 + _width(m.group()) * scale
        cells.append(Cell(m.group(), (x0 + x1) / 2, x0, x1))
    return cells


# Bare amounts (not followed by 万元/%/元): tables print them, prose does not.
_TABLE_TITLE = re.compile(r"决算(明细)?表")
_BARE_AMOUNT = re.compile(r"\d\.\d{2}(?!\d|\s*(?:万|%|元|亿))")


def _rows_of_page(page, page_no: int, texts: list[str], after_table: bool) -> list[Row]:
    textpage = page.get_textpage()
    text = normalize(textpage.get_text_range())
    texts.append(text)
    bare = len(_BARE_AMOUNT.findall(text))
    # A page needs positions when it holds table rows: many bare amounts, a few after a
    # table page (its last rows spilled over), or any under a table title (三公 is one row).
    titled = bare and _TABLE_TITLE.search(text.replace(" ", ""))
    if bare < 4 and not (after_table and bare) and not titled:
        # Prose page: positions are not needed (they cost most of the PDF time);
        # its lines still let the locator see titles, notes and part headings.
        return [
            Row(
                [Cell(t) for t in line.split()],
                page_no,
                float(i),
                positional=False,
            )
            for i, line in enumerate(text.split("\n"))
            if line.strip()
        ]
    height = page.get_height()
    runs = []  # (y_centre, height, left, right, text)
    for i in range(textpage.count_rects()):
        left, bottom, right, top = textpage.get_rect(i)
        text = textpage.get_text_bounded(left, bottom, right, top)
        if text.strip():
            # Rows are grouped by baseline: a lone "." run is short but sits on it.
            runs.append((height - bottom, top - bottom, left, right, text))
    # Glyph boxes are tight: "." or "一" do not span the line's height, so group
    # full-height runs by baseline first, then put thin runs on the line they overlap.
    heights = sorted(r[1] for r in runs)
    median = heights[len(heights) // 2] if heights else 0
    full = sorted((r for r in runs if r[1] >= 0.6 * median), key=lambda r: r[0])
    thin = [r for r in runs if r[1] < 0.6 * median]
    lines: list[list] = []  # [baseline, top, [runs]]
    for run in full:
        tol = max(2.5, min(run[1], 12) * 0.35)
        if lines and abs(lines[-1][0] - run[0]) <= tol:
            line = lines[-1]
            line[0] = (line[0] * len(line[2]) + run[0]) / (len(line[2]) + 1)
            line[1] = min(line[1], run[0] - run[1])
            line[2].append(run)
        else:
            lines.append([run[0], run[0] - run[1], [run]])
    baselines = [ln[0] for ln in lines]  # ascending: full runs were sorted
    for run in thin:
        centre = run[0] - run[1] / 2
        i = bisect.bisect_left(baselines, centre - 1)
        near = lines[max(0, i - 1) : i + 2]  # the line holding the centre is among these
        best = min(
            near,
            key=lambda ln, c=centre: (
                0 if ln[1] - 1 <= c <= ln[0] + 1 else min(abs(c - ln[1]), abs(c - ln[0]))
            ),
            default=None,
        )
        if best is None:
            lines.append([run[0], run[0] - run[1], [run]])
        else:
            best[2].append(run)
    lines = [(ln[0], ln[2]) for ln in lines]
    rows = []
    for y, line_runs in lines:
        cells = []
        for run in _merge_runs(sorted(line_runs, key=lambda r: r[2])):
            cells.extend(_cells_of_run(run[4], run[2], run[3]))
        if cells:
            rows.append(Row(cells, page_no, y, positional=True))
    return rows


def _merge_runs(runs: list) -> list:
    """Some producers emit one run per character: join runs that touch. A number
    split after its decimal point ("0." + "00") is joined even across a space."""
    out: list = []
    for run in runs:
        if out:
            prev = out[-1]
            gap = run[2] - prev[3]
            h = max(prev[1], run[1])
            touching = gap <= max(3.0, 0.45 * h) and not prev[4].endswith(" ") and gap > -prev[1]
            split_number = (
                0 <= gap <= 0.8 * h
                and prev[4].strip().endswith(".")
                and parse_amount(prev[4].strip() + run[4].strip()) is not None
            )
            if touching or split_number:
                text = prev[4].rstrip() + run[4] if split_number else prev[4] + run[4]
                out[-1] = (prev[0], h, prev[2], run[3], text)
                continue
        out.append(run)
    return out


def read_pdf(data: bytes, path: str) -> Grid:
    import pypdfium2 as pdfium

    try:
        pdf = pdfium.PdfDocument(data)
    except pdfium.PdfiumError as exc:
        reason = str(exc)
        if "password" in reason.lower():
            raise ParseError(path, "PDF 已加密，需要密码才能打开") from None
        raise ParseError(path, "PDF 文件已损坏或格式不正确，无法打开") from None
    try:
        texts: list[str] = []
        pages: list[list[Row]] = []
        for i in range(len(pdf)):
            after_table = bool(pages and pages[-1] and pages[-1][0].positional)
            pages.append(_rows_of_page(pdf[i], i + 1, texts, after_table))
    finally:
        pdf.close()
    if not any(pages):
        raise ParseError(path, "PDF 没有文字层（可能是扫描件），无法读取")
    return Grid("pdf", pages, texts)
