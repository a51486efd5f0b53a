"""OCR corrections worth trying: the other readings of a scanned cell.

Letters for digits (O/0, l/1, S/5, B/8), a colon or comma for the decimal
point, a dropped decimal point or last digit, a speck read as a third decimal
or at the end of a number, 5/6/8-style digit swaps in cells the engine was
unsure of, and a subject code read with a speck as an extra digit. `ocrfix`
keeps one only where the identities confirm it."""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

from ingest.grid import Cell, parse_amount
from ingest.record import Problem
from ingest.tables.locate import Region

UNSURE = 0.985  # digit swaps are tried only in cells below this confidence
_LETTERS = {"O": "0", "o": "0", "D": "0", "Q": "0", "U": "0", "l": "1", "I": "1", "|": "1", "i": "1",
            "!": "1", "J": "1", "S": "5", "s": "5", "B": "8", "Z": "2", "z": "2", "G": "6", "b": "6",
            "g": "9", "q": "9", ":": ".", ";": ".", "·": ".", "。": ".", "，": ","}  # fmt: skip
_LOOK_ALIKE = ("0689", "38", "568", "17", "14")  # digits the engine mistakes for one another
_SWAPS = {d: "".join(sorted({o for g in _LOOK_ALIKE if d in g for o in g} - {d})) for d in "0123456789"}
_NOISE = ".,'`\"’‘、"  # specks read at either end of a number
_CHARS, _DECIMAL, _CODE_DIGIT = (
    "识别字符混淆",
    "多识别一位小数",
    "科目编码多识别一位数字",
)  # edits not judged by size


@dataclass
class Edit:
    cell: Cell
    page: int
    old: str
    new: str
    why: str
    partial: bool = False  # kept while it balanced only part of its table


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


_CODE = re.compile(r"^(?:\d{4}|\d{6}|\d{8})(?![\d.])")  # a subject code has 3, 5 or 7 digits


def _code_alternatives(text: str) -> list[tuple[str, str]]:
    """A code read with one digit too many (a speck read as `1`): each digit in turn left out."""
    m = _CODE.match(text)
    if not m:
        return []
    code, rest = m.group(), text[m.end() :]
    shorter = {code[:i] + code[i + 1 :] for i in range(len(code))}
    return [(c + rest, _CODE_DIGIT) for c in sorted(shorter)]


def malformed(cell: Cell) -> bool:
    """An amount as read with more than two decimals (tables print two), or a
    complete amount with a speck at either end (`0.00.`), which the readers take
    for part of a name."""
    if cell.conf is None:
        return False
    return (
        re.fullmatch(r"-?[\d,]+\.\d{3,}", cell.text) is not None or _SPECKLED.fullmatch(cell.text) is not None
    )


_SPECKLED = re.compile(r"[.,'`·、:：]+-?[\d,]+\.\d\d[.,'`·、:：]*|-?[\d,]+\.\d\d[.,'`·、:：]+")


def candidates(region: Region, problems: list[Problem]) -> list[Edit]:
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
            code = _CODE.match(cell.text)
            if code and (cell is row.cells[0] or code.end() < len(cell.text)):  # a code, or a code and name
                edits.extend(
                    Edit(cell, row.page, cell.text, new, why) for new, why in _code_alternatives(cell.text)
                )
    gaps = _gaps(problems, region.table)
    if gaps:  # an edit must move its cell by what a failing identity is off by
        edits = [e for e in edits if e.why in (_CHARS, _DECIMAL, _CODE_DIGIT) or _closes(e, gaps)]
    edits.sort(
        key=lambda e: (
            not (e.why == _CODE_DIGIT and _LONG_CODE.match(e.old)),  # a code that cannot stand as read
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


_NAME_NOISE = re.compile(r"[\s.,'`·、:：。，]")


def _code_and_name(cells: list[Cell]) -> tuple[str, str] | None:
    """A row's subject code and printed name from its leading non-amount cells."""
    text = ""
    for c in cells:
        if parse_amount(c.text) is not None and text:
            break
        text += c.text
    m = re.match(r"(\d{3,8})", _NAME_NOISE.sub("", text))
    if not m:
        return None
    rest = _NAME_NOISE.sub("", text)[m.end() :]
    return m.group(), rest


def witnessed(edits: list[Edit], region: Region, regions: list[Region]) -> list[Edit]:
    """Code edits (a digit too many) narrowed to the readings another table of the
    document prints with the same name: `20805065` may lose its 6th or its 7th digit
    and balance its parent either way; only the code that 03 or 05 prints beside the
    same name is tried. A cell none of whose readings is witnessed keeps them all
    (the identities alone must then decide)."""
    printed = {
        cn
        for rg in regions
        if rg.table != region.table
        for r in rg.rows
        if (cn := _code_and_name(r.cells)) is not None and cn[1]
    }
    row_of = {id(c): r for r in region.rows for c in r.cells}
    seen: dict[int, list[Edit]] = {}
    for e in edits:
        if e.why == _CODE_DIGIT:
            seen.setdefault(id(e.cell), []).append(e)
    drop: set[int] = set()
    for group in seen.values():
        row = row_of.get(id(group[0].cell))
        if row is None:
            continue
        good = []
        for e in group:
            cells = [replace(c, text=e.new) if c is e.cell else c for c in row.cells]
            if _code_and_name(cells) in printed:
                good.append(e)
        if good:
            drop.update(id(e) for e in group if e not in good)
    return [e for e in edits if id(e) not in drop]


_LONG_CODE = re.compile(r"^\d{6}(?:\d\d)?(?=[\u4e00-\u9fff]|$)")  # 5 or 7 digits and a speck


def long_code(region: Region, cell: Cell) -> bool:
    """A scanned subject code with one digit too many (6 or 8 digits) at a row's start,
    in a table of subject codes: never a reading to keep as it is."""
    from ingest.tables.catalog import TREE_TABLES

    if cell.conf is None or region.table not in TREE_TABLES or not _LONG_CODE.match(cell.text):
        return False
    return any(r.cells and r.cells[0] is cell for r in region.rows)
