"""What the OCR reading says about itself: amounts with extra decimals no
identity settled, low-confidence cells no identity confirms, and which pages
were read from images."""

from __future__ import annotations

from ingest.grid import parse_amount
from ingest.ocrfix_edits import identity_errors, long_code, malformed
from ingest.record import Problem
from ingest.tables.base import TableReading
from ingest.tables.locate import Region
from ingest.verify import TABLE_NAMES

Evaluation = tuple[dict[str, TableReading], list[Problem], int]
LOW_CONFIDENCE = 0.8  # below this a cell is reported unless an identity confirms it


def malformed_left(regions: list[Region]) -> list[Problem]:
    """Amounts read with extra decimals that no identity could settle: an error on their table."""
    out = []
    for region in regions:
        bad = [
            f"第 {r.page} 页“{c.text}”"
            for r in region.rows
            for c in r.cells
            if malformed(c) or long_code(region, c)
        ]
        if bad:
            t = region.table
            out.append(
                Problem(
                    "error",
                    t,
                    "ocr_malformed",
                    f"公开{t}表（{TABLE_NAMES[t]}）扫描识别的金额格式不符（多出小数位、杂点或科目编码多一位：{'、'.join(bad[:6])}），"
                    "勾稽关系无法确定正确读数，请核对原件",
                )
            )
    return out


def low_confidence(regions: list[Region], current: Evaluation) -> list[Problem]:
    """Cells read with low confidence that no identity confirms (names, and
    amounts on a table that does not balance or in rows outside every identity):
    one warning per table listing them."""
    readings, problems, _ = current
    failing = identity_errors(problems)
    unchecked = {(p.table, p.message) for p in problems if p.code == "row_unchecked"}
    out = []
    for region in regions:
        t = region.table
        if t not in readings:
            continue
        shaky = []
        for row in region.rows:
            for cell in row.cells:
                if cell.conf is None or cell.conf >= LOW_CONFIDENCE:
                    continue
                value = parse_amount(cell.text)
                if (
                    value is not None
                    and not failing.get(t)
                    and not _unchecked(readings[t], row.page, value, t, unchecked)
                ):
                    continue  # an amount the table's identities confirmed
                shaky.append(f"第 {row.page} 页“{cell.text}”（{cell.conf:.2f}）")
        if shaky:
            listed = "、".join(shaky[:8]) + (f"等 {len(shaky)} 处" if len(shaky) > 8 else "")
            out.append(
                Problem(
                    "warning",
                    t,
                    "ocr_low_confidence",
                    f"公开{t}表（{TABLE_NAMES[t]}）扫描识别置信度低、勾稽关系无法确认的内容：{listed}，请核对原件",
                )
            )
    return out


def _unchecked(reading: TableReading, page: int, value: float, table: str, unchecked: set) -> bool:
    for r in reading.rows:
        if r.page == page and any(abs(v - value) < 1e-9 for v in r.amounts.values()):
            return any(t == table and f"“{r.label}”" in m for t, m in unchecked)
    return False  # not one of the table's amounts (a column number, a page number)


def ocr_pages_problem(pages: list[int]) -> Problem:
    """The document summary's line on which pages were read from images."""
    spans: list[list[int]] = []
    for n in pages:
        if spans and n == spans[-1][1] + 1:
            spans[-1][1] = n
        else:
            spans.append([n, n])
    said = "、".join(f"{a}–{b}" if b > a else str(a) for a, b in spans)
    return Problem(
        "warning",
        None,
        "ocr_pages",
        f"第 {said} 页是扫描图像（无可用文字层），已用文字识别（OCR）读取；表中数字经勾稽关系核对，"
        "未能核对处另行列出，请以原件为准",
    )
