"""OCR confusions corrected only where the identities confirm them.

A scanned table that does not balance is tried again with the cell readings an
OCR engine typically confuses: letters for digits (O/0, l/1, S/5, B/8), a colon
or comma for the decimal point, a dropped decimal point, a noise speck at the
end of a number, and 5/6/8-style digit swaps in cells the engine was unsure of.
A correction is kept only when it is the one edit (or the one small set of
edits) that makes its table balance without unbalancing another; it is said on
the table (`ocr_corrected`) and marked on the cell (`Line.placement`). A cell
read with low confidence that no identity confirms is reported
(`ocr_low_confidence`)."""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from dataclasses import dataclass
from itertools import combinations

from ingest.grid import Cell, parse_amount
from ingest.record import Problem
from ingest.tables.base import TableReading, TableRow
from ingest.tables.locate import Region
from ingest.verify import TABLE_NAMES, common

LOW_CONFIDENCE = 0.8  # below this a cell is reported unless an identity confirms it
UNSURE = 0.985  # digit swaps are tried only in cells below this confidence
MAX_HITS = 12  # balancing readings compared for exactness, at most
PAIR_CELLS, MAX_PAIRS = 8, 5000  # two-edit corrections: among the 8 least sure cells
SECONDS = 20.0  # per document for the search: a scan that needs more stays reported
_LETTERS = {"O": "0", "o": "0", "D": "0", "Q": "0", "U": "0", "l": "1", "I": "1", "|": "1", "i": "1",
            "!": "1", "J": "1", "S": "5", "s": "5", "B": "8", "Z": "2", "z": "2", "G": "6", "b": "6",
            "g": "9", "q": "9", ":": ".", ";": ".", "·": ".", "。": ".", "，": ","}  # fmt: skip
_LOOK_ALIKE = ("0689", "38", "568", "17", "14")  # digits the engine mistakes for one another
_SWAPS = {d: "".join(sorted({o for g in _LOOK_ALIKE if d in g for o in g} - {d})) for d in "0123456789"}
_NOISE = ".,'`\"’‘、"  # specks read at either end of a number

Evaluation = tuple[dict[str, TableReading], list[Problem], int]
Evaluate = Callable[[], Evaluation]
CheckTable = Callable[[Region, dict[str, TableReading]], list[Problem]]


@dataclass
class Edit:
    cell: Cell
    page: int
    old: str
    new: str
    why: str


def identity_errors(problems: list[Problem]) -> dict[str, int]:
    """Failing identities per table."""
    out: dict[str, int] = {}
    for p in problems:
        if p.severity == "error" and p.table and (p.code.startswith("R-") or p.code == "placement_uncertain"):
            out[p.table] = out.get(p.table, 0) + 1
    return out


def _as_number(text: str) -> str | None:
    """A cell that is not a number as read but is one once confusable characters
    are mapped and specks trimmed; None when it does not look like a number."""
    digits = sum(c.isdigit() for c in text)
    if digits < 1 or digits < 0.5 * len(text.strip(_NOISE)):
        return None
    t = "".join(_LETTERS.get(c, c) for c in text).strip(_NOISE).replace(" ", "")
    t = re.sub(r",(\d{2})$", r".\1", t)  # 12,34 at the end: a comma for the decimal point
    return t if parse_amount(t) is not None and t != text else None


def _alternatives(cell: Cell) -> list[tuple[str, str]]:
    text = cell.text
    if parse_amount(text) is None:
        fixed = _as_number(text)
        return [(fixed, "识别字符混淆")] if fixed else []
    if text.strip() in ("-", "—", "--", "——", "－"):
        return []
    out: list[tuple[str, str]] = []
    plain = text.replace(",", "")
    if "." not in plain and len(plain.lstrip("-")) >= 3:
        out.append((plain[:-2] + "." + plain[-2:], "小数点未识别"))
    if re.fullmatch(r"-?[\d,]+\.\d", text):
        out.extend((text + d, "末位数字未识别") for d in "0123456789")
    if malformed(cell):  # a speck read as a third decimal: each decimal digit in turn left out
        whole, decimals = text.rsplit(".", 1)
        dropped = {whole + "." + decimals[:i] + decimals[i + 1 :] for i in range(len(decimals))}
        out.extend((t, "多识别一位小数") for t in sorted(dropped) if re.fullmatch(r"-?[\d,]+\.\d\d", t))
    if cell.conf is not None and cell.conf < UNSURE:
        for i, ch in enumerate(text):
            for alt in _SWAPS.get(ch, ""):
                new = text[:i] + alt + text[i + 1 :]
                if parse_amount(new) is not None:
                    out.append((new, f"数字“{ch}”与“{alt}”混淆"))
    return out


def malformed(cell: Cell) -> bool:
    """An amount as read with more than two decimals: tables print two."""
    return cell.conf is not None and re.fullmatch(r"-?[\d,]+\.\d{3,}", cell.text) is not None


def _candidates(region: Region, problems: list[Problem]) -> list[Edit]:
    """Edits worth trying in one table region: cells on the rows a failing
    identity names first, then number-like cells, then the least sure."""
    named = {
        m
        for p in problems
        if p.table == region.table and p.severity == "error"
        for m in re.findall(r"“([^”]+)”行", p.message)
    }
    edits: list[Edit] = []
    suspect: set[int] = set()
    for row in region.rows:
        text = "".join(c.text for c in row.cells)
        on_named = any(n and n in text for n in named)
        for cell in row.cells:
            if cell.conf is None:
                continue
            if on_named:
                suspect.add(id(cell))
            edits.extend(Edit(cell, row.page, cell.text, new, why) for new, why in _alternatives(cell))
    gaps = _gaps(problems, region.table)
    if gaps:  # an edit must move its cell by what a failing identity is off by
        edits = [e for e in edits if e.why in ("识别字符混淆", "多识别一位小数") or _closes(e, gaps)]
    edits.sort(
        key=lambda e: (
            id(e.cell) not in suspect,
            e.why != "识别字符混淆",
            e.cell.conf if e.cell.conf is not None else 1.0,
        )
    )
    return edits


_GAP = re.compile(r"相差 (-?[\d,]+\.\d+)")  # the verifier's Violation.message: actual − expected


def _gaps(problems: list[Problem], table: str) -> set[float]:
    """How far each failing identity of the table is off."""
    return {
        abs(float(m.replace(",", "")))
        for p in problems
        if p.table == table and p.severity == "error"
        for m in _GAP.findall(p.message)
    }


def _closes(edit: Edit, gaps: set[float]) -> bool:
    old, new = parse_amount(edit.old), parse_amount(edit.new)
    if old is None or new is None:
        return True
    return any(abs(abs(new - old) - g) < 0.005 for g in gaps)


def fix_ocr(
    regions: list[Region], evaluate: Evaluate, check_table: CheckTable, base: Evaluation
) -> Evaluation:
    """Keep the confirmed corrections; the evaluation (readings, problems, checks)
    after them. `evaluate` reads and verifies the whole document from the regions'
    cells; `check_table(region, trusted)` one table against tables already settled."""
    started = time.monotonic()
    current = base
    kept: list[Edit] = []
    for _round in range(3):
        errors = identity_errors(current[1])
        progress = False
        for region in regions:
            t = region.table
            untidy = any(malformed(c) for r in region.rows for c in r.cells)
            if not (errors.get(t) or untidy) or time.monotonic() - started > SECONDS:
                continue
            found = _search(region, _candidates(region, current[1]), evaluate, check_table, current, started)
            if found is not None:
                edits, current = found
                kept.extend(edits)
                errors = identity_errors(current[1])
                progress = True
        if not progress:
            break
    if kept:
        _mark(kept, regions, evaluate, current)
    current[1].extend(_malformed_left(regions))
    current[1].extend(low_confidence(regions, current))
    return current


def _search(
    region: Region,
    edits: list[Edit],
    evaluate: Evaluate,
    check_table: CheckTable,
    current: Evaluation,
    started: float,
) -> tuple[list[Edit], Evaluation] | None:
    """The one smallest set of edits (1, then the number-like ones together, then
    pairs) after which the region's table balances and no other table fails more."""
    table = region.table
    before = identity_errors(current[1])
    total = sum(before.values())

    trusted = {t: r for t, r in current[0].items() if t != table and not before.get(t)}

    def attempt(chosen: tuple[Edit, ...]) -> Evaluation | None:
        if len({id(e.cell) for e in chosen}) < len(chosen):
            return None
        old = [e.cell.text for e in chosen]
        for e in chosen:
            e.cell.text = e.new
        try:  # the one table first (cheap); the whole document only when it balances
            if identity_errors(check_table(region, trusted)).get(table):
                return None
            got = evaluate()
        finally:
            for e, o in zip(chosen, old, strict=True):
                e.cell.text = o
        after = identity_errors(got[1])
        worse = any(n > before.get(t, 0) for t, n in after.items())
        tidier = any(malformed(e.cell) for e in chosen)  # a malformed amount made whole
        return got if not after.get(table) and not worse and (sum(after.values()) < total or tidier) else None

    def exact(chosen: tuple[Edit, ...]) -> bool:
        old = [e.cell.text for e in chosen]
        for e in chosen:
            e.cell.text = e.new
        try:
            with common.exact():
                return not identity_errors(check_table(region, trusted)).get(table)
        finally:
            for e, o in zip(chosen, old, strict=True):
                e.cell.text = o

    number_like = tuple(e for e in edits if e.why == "识别字符混淆")
    tiers: list[list[tuple[Edit, ...]]] = [[(e,) for e in edits[:200]]]
    if len(number_like) > 1:
        tiers.append([number_like])
    tiers.append(_pairs(edits))
    for tier in tiers:
        hits = []
        for chosen in tier:
            if time.monotonic() - started > SECONDS:
                return None
            got = attempt(chosen)
            if got is not None:
                hits.append((chosen, got))
                if len(hits) > MAX_HITS:
                    return None
        if len(hits) > 1:  # within rounding several balance: only an exact one decides
            hits = [h for h in hits if exact(h[0])]
            if len(hits) != 1:
                return None  # the identities do not decide
        if hits:
            chosen, _ = hits[0]
            for e in chosen:
                e.cell.text = e.new
            return list(chosen), evaluate()
    return None


def _pairs(edits: list[Edit]) -> list[tuple[Edit, ...]]:
    """Two edits in two different cells, among the least sure cells' alternatives."""
    order: list[int] = []
    for e in edits:  # already in order: cells on failing rows first, least sure first
        if id(e.cell) not in order:
            order.append(id(e.cell))
    unsure = set(order[:PAIR_CELLS])
    pool = [e for e in edits if id(e.cell) in unsure]
    pairs: list[tuple[Edit, ...]] = [(a, b) for a, b in combinations(pool, 2) if a.cell is not b.cell]
    return pairs[:MAX_PAIRS]


def _mark(kept: list[Edit], regions: list[Region], evaluate: Evaluate, current: Evaluation) -> None:
    """Say each kept correction on its table, and mark the cells it changed."""
    readings, problems, _ = current
    for edit in kept:
        table = next(rg.table for rg in regions if any(edit.cell is c for r in rg.rows for c in r.cells))
        note = f"OCR识别更正：“{edit.old}”→“{edit.new}”（{edit.why}，按勾稽关系确认）"
        edit.cell.text = edit.old
        without = evaluate()[0].get(table)
        edit.cell.text = edit.new
        moved = []
        for r, cols in _changed(readings[table], without, parse_amount(edit.new)):
            r.placement = f"{r.placement}；{note}" if r.placement else note
            r.placed_columns |= cols
            moved.append(r.label or r.code or "合计")
        where = f"“{moved[0]}”行" if moved else ""
        problems.append(
            Problem(
                "warning",
                table,
                "ocr_corrected",
                f"公开{table}表（{TABLE_NAMES[table]}）第 {edit.page} 页{where}扫描识别为“{edit.old}”，"
                f"按勾稽关系更正为“{edit.new}”（{edit.why}，更正后全表勾稽相符），请核对原件",
            )
        )


def _changed(
    reading: TableReading, without: TableReading | None, value: float | None
) -> list[tuple[TableRow, set[str]]]:
    """The rows (and their columns) whose amounts differ from the reading without the edit."""
    if without is None or value is None:
        return []
    if len(without.rows) == len(reading.rows):
        pairs: list[tuple[TableRow, TableRow | None]] = list(zip(reading.rows, without.rows, strict=True))
    else:  # the cell had been read as part of a name: rows match by code and position in the tree
        by_key = {(w.side, w.code, w.label): w for w in without.rows}
        pairs = [(r, by_key.get((r.side, r.code, r.label))) for r in reading.rows]
    out = []
    for r, w in pairs:
        old = w.amounts if w is not None else {}
        cols = {k for k in set(r.amounts) | set(old) if abs(r.amounts.get(k, 0) - old.get(k, 0)) > 1e-9}
        if w is None:
            cols = {k for k, v in r.amounts.items() if abs(v - value) < 1e-9}
        if cols:
            out.append((r, cols))
    return out


def _malformed_left(regions: list[Region]) -> list[Problem]:
    """Amounts read with extra decimals that no identity could settle: an error on their table."""
    out = []
    for region in regions:
        bad = [f"第 {r.page} 页“{c.text}”" for r in region.rows for c in r.cells if malformed(c)]
        if bad:
            t = region.table
            out.append(
                Problem(
                    "error",
                    t,
                    "ocr_malformed",
                    f"公开{t}表（{TABLE_NAMES[t]}）扫描识别的金额小数位数不符（{'、'.join(bad[:6])}），"
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
