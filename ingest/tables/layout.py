"""Shared table mechanics: split a region into header and body, find where each
value column sits (from header keywords), and assemble logical rows: a row's
label cells, its code and its amounts, with wrapped label lines re-attached."""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass, field

from ingest.grid import Cell, Row, parse_amount
from ingest.tables.catalog import Column
from ingest.tables.wrap_lines import Line as _Line
from ingest.tables.wrap_lines import owner, pitch_owners

_CODE = re.compile(r"^\d{3}(\d{2}){0,2}$")
_CODE_PART = re.compile(r"^\d{2,3}$")
# A functional code printed in parts inside one cell (`201 06 01`, when a text layer
# flattens the 类/款/项 columns), or glued to its name (`2010601行政运行`).
_SPACED_CODE = re.compile(r"^\d{3}(?: \d{2}){1,2}$")
_CODE_AND_NAME = re.compile(r"^(\d{3}(?: ?\d{2}){0,2}) ?([\u4e00-\u9fff（(].*)$")
_ORDINAL = re.compile(r"^[（(]?[一二三四五六七八九十]+[、.．)）]|^\d{1,2}[、.．]")
_COLUMN_NUMBERS = re.compile(r"栏次")


def clean_label(text: str) -> str:
    text = text.replace(" ", "").replace("\u3000", "")
    if text.startswith("类款项") and len(text) > 3:
        text = text[3:]  # the 类/款/项 header cells printed on the 合计 row
    return _ORDINAL.sub("", text).strip()


def is_column_number_row(row: Row) -> bool:
    """The 栏次 row: `1 2 3 ...` small integers (maybe with the word 栏次)."""
    if _COLUMN_NUMBERS.search(row.text):
        return True
    nums = [c.text for c in row.cells if c.text not in ("类", "款", "项", "类款项")]
    if len(nums) < 2 or not all(re.fullmatch(r"\d{1,2}", t) for t in nums):
        return False
    vals = [int(t) for t in nums]
    return vals == sorted(vals) and len(set(vals)) == len(vals)


@dataclass
class LogicalRow:
    label: str  # cleaned row label
    code: str | None
    values: list[tuple[float | None, float, str]]  # (x, amount in printed unit, raw text)
    page: int
    y: float
    positional: bool
    # Wrapped-name fragments the geometry does not settle, kept where they were joined;
    # said on the table unless another table settles them (verify/wraps.py).
    doubtful: list[WrapDoubt] = field(default_factory=list)


@dataclass(frozen=True)
class WrapDoubt:
    """A name fragment joined to one of two rows the geometry cannot tell apart."""

    page: int
    fragment: str
    chosen_code: str | None
    chosen: str  # the joined row's name, with the fragment
    chosen_without: str  # ... without it
    other_code: str | None
    other: str  # the other candidate's name as read
    other_with: str  # ... had the fragment joined it


def stacked_header(header: list[Row]) -> list[tuple[str, Cell]]:
    """Header fragments, each also joined with up to two fragments stacked right
    below it: header text wraps (本年收 / 入合计, 公务用车运 / 行维护费)."""
    frags = [
        (cell.text.replace(" ", ""), cell, i)
        for i, row in enumerate(header)
        if row.positional
        for cell in row.cells
        if cell.x is not None
    ]
    out = [(t, c) for t, c, _ in frags]
    by_row: dict[int, list] = {}
    for f in frags:
        by_row.setdefault(f[2], []).append(f)
    for text, cell, i in frags:
        joined, top, last = text, cell, i
        for _ in range(2):
            near = by_row.get(last + 1, []) + by_row.get(last + 2, [])
            below = [(t, c, j) for t, c, j in near if _overlaps(top, c)]
            if not below:
                break
            t, _c, j = min(below, key=lambda b: b[2])
            joined, last = joined + t, j
            out.append((joined, cell))
    return out


def header_columns(header: list[Row], columns: tuple[Column, ...]) -> dict[str, float]:
    """x centre of every column key whose keyword appears in the header."""
    joined = stacked_header(header)
    found: dict[str, float] = {}
    used: set[float] = set()
    for col in columns:
        best = None
        for kw in col.keywords:
            cands = [(_width(c), c.x) for t, c in joined if kw in t and c.x not in used]
            if cands:
                best = min(cands)[1]
                break
        if best is not None:
            found[col.key] = best
            used.add(best)
    return found


def _width(cell: Cell) -> float:
    if cell.x0 is None or cell.x1 is None:
        return 0.0
    return cell.x1 - cell.x0


def _overlaps(a: Cell, b: Cell) -> bool:
    if a.x0 is None or b.x0 is None or a.x1 is None or b.x1 is None:
        return a.x == b.x
    return min(a.x1, b.x1) - max(a.x0, b.x0) > 0.3 * min(a.x1 - a.x0, b.x1 - b.x0)


def _code_cells(cell: Cell) -> list[Cell] | None:
    """The cell as (code, name) cells when it holds a code in parts or glued to a name."""
    text = cell.text.strip()
    if _SPACED_CODE.match(text):
        return [Cell(text.replace(" ", ""), cell.x, cell.x0, cell.x1)]
    m = _CODE_AND_NAME.match(text)
    if m and len(m.group(1).replace(" ", "")) in (3, 5, 7):
        code = m.group(1).replace(" ", "")
        return [Cell(code, cell.x, cell.x0, cell.x0), Cell(m.group(2), cell.x, cell.x0, cell.x1)]
    return None


def split_label_values(row: Row, value_left: float | None) -> tuple[list[Cell], list[Cell], list[Cell]]:
    """(code cells, label cells, value cells) of a physical row."""
    codes: list[Cell] = []
    labels: list[Cell] = []
    values: list[Cell] = []
    cells = row.cells
    if any(c.text[:1].isdigit() and (" " in c.text or not c.text.isascii()) for c in cells):
        cells, named = [], False
        for cell in row.cells:
            parts = _code_cells(cell) if not named else None  # a code comes before the name
            cells.extend(parts or [cell])
            named = named or labels_seen(parts or [cell])
    for cell in cells:
        t = cell.text.replace(" ", "")
        amount = parse_amount(t)
        in_value_zone = (
            row.positional and value_left is not None and cell.x is not None and cell.x >= value_left
        )
        if amount is not None and (in_value_zone or labels or "." in t or "," in t):
            if not labels and not in_value_zone and _CODE.match(t) and "." not in t:
                codes.append(cell)
            else:
                values.append(cell)
        elif amount is not None and not labels and (_CODE.match(t) or _CODE_PART.match(t)):
            codes.append(cell)
        elif amount is not None and not labels and in_value_zone:
            values.append(cell)
        else:
            labels.append(cell)
    return codes, labels, values


def labels_seen(cells: list[Cell]) -> bool:
    return any(parse_amount(c.text) is None and not _CODE.match(c.text) for c in cells)


_MAX_MERGED = 6  # rows run together on one line, at most: a longer line is noise, read as one


def split_merged(row: Row, value_left: float | None) -> list[Row]:
    """Two rows' cells printed on one line (re-typeset PDFs, flowed text): a code
    or a name after the row's amounts starts the next row. Positions of the
    following parts are dropped: their columns are placed by order and the identities."""
    texts = [c.text for c in row.cells]
    first = next((i for i, t in enumerate(texts) if "." in t and parse_amount(t) is not None), None)
    if first is None or all(parse_amount(t) is not None and not _CODE.match(t) for t in texts[first:]):
        return [row]  # nothing but amounts after the first amount: one row
    if is_column_number_row(row):
        return [row]
    _codes, labels, values = split_label_values(row, value_left)
    if not values or not (_codes or labels):
        return [row]
    value_ids = {id(c) for c in values}
    cells, cuts, start, seen_value = row.cells, [], 0, False
    for i, cell in enumerate(cells):
        t = cell.text.replace(" ", "")
        # A 5- or 7-digit integer after the amounts is the next row's code, not an amount.
        code = (len(t) in (5, 7) and _CODE.match(t)) or _SPACED_CODE.match(cell.text.strip())
        if id(cell) in value_ids and not (seen_value and code):
            seen_value = True
            continue
        if seen_value and (code or _CODE_AND_NAME.match(t) or parse_amount(t) is None):
            j = i  # `… 71.05 221 02 01 住房公积金`: the code parts in front of the name start it too
            while j > start + 1 and not code and _CODE_PART.match(cells[j - 1].text.strip()):
                j -= 1
            cuts.append(j)
            start, seen_value = j, False
            if len(cuts) >= _MAX_MERGED:
                return [row]
    if not cuts:
        return [row]
    bounds = [0, *cuts, len(cells)]
    out = [Row(cells[: cuts[0]], row.page, row.y, row.positional)]
    for k, (a, b) in enumerate(itertools.pairwise(bounds[1:])):
        out.append(
            Row([Cell(c.text) for c in cells[a:b]], row.page, row.y + 0.01 * (k + 1), positional=False)
        )
    return out


def assemble(body: list[Row], value_left: float | None, is_anchor_label) -> list[LogicalRow]:
    """Physical rows → logical rows; label-only lines (wrapped names) join the
    nearest anchored row on the same page, the one above on a tie."""
    parsed: list[_Line] = []
    body = [part for row in body for part in split_merged(row, value_left)]
    for row in body:
        if is_column_number_row(row):
            continue
        codes, labels, values = split_label_values(row, value_left)
        label = "".join(c.text for c in labels)
        code = "".join(c.text for c in codes) or None
        anchored = bool(codes or values or is_anchor_label(clean_label(label)))
        parsed.append(_Line(row, code, labels, values, anchored))
    _merge_code_only(parsed)
    anchors = [p for p in parsed if p.anchored]
    own_label = {id(a): bool(a.labels) for a in anchors}
    by_pitch = pitch_owners(parsed)
    for p in parsed:
        if p.anchored or not p.labels:
            continue
        target, other = by_pitch.get(id(p)) or owner(p.row, anchors, own_label)
        if target is None:
            continue
        if other is not None:
            frag = "".join(c.text for c in p.labels)
            target.doubtful.append((frag, other, target.row.y > p.row.y, other.row.y > p.row.y))
        if target.row.y > p.row.y:
            target.labels = p.labels + target.labels
        else:
            target.labels = target.labels + p.labels
    return [
        LogicalRow(
            label=clean_label("".join(c.text for c in p.labels)),
            code=p.code,
            # value cells are the ones split_label_values saw parse: the `or 0.0` never applies
            values=[
                (c.x if p.row.positional else None, parse_amount(c.text) or 0.0, c.text) for c in p.values
            ],
            page=p.row.page,
            y=p.row.y,
            positional=p.row.positional,
            doubtful=[_doubt(p, *d) for d in p.doubtful],
        )
        for p in parsed
        if p.anchored and (p.code or p.labels or p.values)
    ]


def _doubt(line: _Line, frag: str, other: _Line, before_chosen: bool, before_other: bool) -> WrapDoubt:
    name = "".join(c.text for c in line.labels)
    without = name.removeprefix(frag) if before_chosen else name.removesuffix(frag)
    other_name = "".join(c.text for c in other.labels)
    other_with = frag + other_name if before_other else other_name + frag
    return WrapDoubt(
        line.row.page,
        clean_label(frag),
        line.code,
        clean_label(name),
        clean_label(without),
        other.code,
        clean_label(other_name),
        clean_label(other_with),
    )


def row_name(code: str | None, label: str) -> str:
    """How a row is named in a message: its code and its name, as printed."""
    return " ".join(t for t in (code, label) if t) or "（无名称）"


def _merge_code_only(parsed: list[_Line]) -> None:
    """A code printed on its own line (page top, vertical centring) joins the
    nearest row on the same page that has a label or amounts but no code."""
    for p in parsed:
        if not p.code or p.labels or p.values or not p.row.positional:
            continue
        cands = [
            q
            for q in parsed
            if q is not p and q.code is None and (q.labels or q.values) and q.row.page == p.row.page
        ]
        if not cands:
            continue
        best = min(cands, key=lambda q: abs(q.row.y - p.row.y))
        if abs(best.row.y - p.row.y) <= 0.75 * _median_pitch(parsed):
            best.code, best.anchored = p.code, True
            p.code, p.anchored = None, False


def _median_pitch(parsed: list[_Line]) -> float:
    ys = sorted(p.row.y for p in parsed if p.anchored)
    gaps = sorted(b - a for a, b in itertools.pairwise(ys) if b > a)
    return gaps[len(gaps) // 2] if gaps else 1.0


def assign_by_position(values, centres: dict[str, float]) -> dict[str, float] | None:
    """Each value to the nearest column centre; None if two values claim one column."""
    out: dict[str, float] = {}
    for x, amount, _ in values:
        if x is None:
            return None
        key = min(centres, key=lambda k: abs(centres[k] - x))
        if key in out:
            return None
        out[key] = amount
    return out


def assign_by_order(values, keys: list[str]) -> dict[str, float]:
    """Left-packed: values fill the columns in their standard order."""
    return {k: v[1] for k, v in zip(keys, values, strict=False)}
