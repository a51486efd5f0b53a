"""Two-sided tables (01 and 04): income items left, expenditure 类 right."""

from __future__ import annotations

import re

from ingest.grid import Row, parse_amount
from ingest.tables.base import TableReading, TableRow, fill_missing_centres, is_integer_token
from ingest.tables.catalog import CLASS_CODES, COLUMNS, EXPENDITURE_ITEMS, INCOME_ITEMS
from ingest.tables.layout import assign_by_order, assign_by_position, clean_label, header_columns
from ingest.tables.locate import Region

_CLASS_SUFFIX = re.compile(r"[（(]类[)）]")


def _class_code(label: str) -> str | None:
    name = _CLASS_SUFFIX.sub("", label)
    return CLASS_CODES.get(name)


def _side_of(table: str, label: str, seen_total: bool) -> str | None:
    if _class_code(label) or label in EXPENDITURE_ITEMS[table]:
        return "expenditure"
    if label in INCOME_ITEMS[table]:
        return "income"
    if label == "总计":
        return "expenditure" if seen_total else "income"
    return None


def _is_body(row: Row, table: str) -> bool:
    """A row with an item label; the 04 column header (一般公共预算财政拨款 …) has the
    same words, but no ordinal (一、) and no number."""
    has_number = any(re.search(r"\d", c.text) for c in row.cells)
    for cell in row.cells:
        label = clean_label(cell.text)
        printed = cell.text.replace(" ", "").strip()
        if _side_of(table, label, False) and (has_number or label != printed):
            return True
    return False


def read_two_sided(region: Region) -> TableReading:
    table = region.table
    rows = region.rows
    start = next((i for i, r in enumerate(rows) if _is_body(r, table)), len(rows))
    header, body = rows[:start], rows[start:]
    has_ordinal_col = any("行次" in r.text for r in rows)
    right_keys = [c.key for c in COLUMNS["04"]] if table == "04" else ["amount"]
    centres = header_columns(header, COLUMNS["04"]) if table == "04" else {}
    centres = fill_missing_centres(centres, right_keys) if centres else {}
    split_x = _split_x(header)

    out: list[TableRow] = []
    parent_income = parent_expenditure = None
    previous: list[list] = []
    income_total_seen = False  # the income side's 总计 came: the next 总计 is the expenditure's
    for row in body:
        items: list[list] = []  # [side, label, [(x, amount, text)], label_x]
        pending: list = []
        total_in_row = False
        for cell in row.cells:
            text = cell.text.strip()
            amount = parse_amount(text)
            if amount is not None and not re.search(r"[\u4e00-\u9fff]", text):
                if has_ordinal_col and is_integer_token(text):
                    continue  # 行次: amounts in these tables always carry decimals
                target = items[-1] if items else None
                right_zone = (
                    row.positional and split_x is not None and cell.x is not None and cell.x >= split_x
                )
                if target is not None and target[0] == "income" and right_zone:
                    target = None  # an amount on the right side with no label of its own
                if target is None:
                    pending.append((cell.x if row.positional else None, amount, text))
                else:
                    target[2].append((cell.x if row.positional else None, amount, text))
                continue
            label = clean_label(text)
            side = _side_of(
                table,
                label,
                total_in_row
                or (not row.positional and income_total_seen)
                or bool(row.positional and split_x is not None and cell.x is not None and cell.x >= split_x),
            )
            total_in_row = total_in_row or label == "总计"
            if side is None:
                if row.positional and split_x is not None and cell.x is not None:
                    side = "expenditure" if cell.x >= split_x else "income"
                else:
                    side = "expenditure" if items else "income"
            items.append([side, label, [], cell.x])
        if not items and previous and not pending:
            continue
        if pending and row.positional:
            # Right-side amounts without a right label (e.g. 04 年末 breakdown rows).
            base = parent_expenditure or "年末结转和结余"
            left = next((i[1] for i in items if i[0] == "income"), "")
            items.append(["expenditure", f"{base}（{left}）" if left else base, pending, None])
        if len(items) == 1 and not items[0][2] and previous and _is_continuation(items[0][1], table):
            # A wrapped label (…应急管理支 / 出): join it to the previous row on that side.
            for prev in reversed(previous):
                if prev[0] == items[0][0] or len(previous) == 1:
                    prev[1] += items[0][1]
                    break
            continue
        for item in items:
            side, label = item[0], item[1]
            if side == "income":
                if label.startswith("年初"):
                    parent_income = label
                elif parent_income and label in INCOME_ITEMS[table][:3]:
                    label = f"{parent_income}（{label}）"
            else:
                if label.startswith("年末"):
                    parent_expenditure = label
            item[1] = label
        previous = items
        for item in items:
            out.append(_to_row(table, item, row.page, right_keys, centres))
            income_total_seen = income_total_seen or (item[1] == "总计" and item[0] == "income")
    for r in out:
        code = _class_code(r.label) if r.side == "expenditure" else None
        r.code = code
    return TableReading(table, [r for r in out if r.label], ["amount", *right_keys])


def _is_continuation(label: str, table: str) -> bool:
    return _side_of(table, label, False) is None and len(label) <= 6


def _split_x(header: list[Row]) -> float | None:
    xs = [
        c.x0 - 1.0 if c.x0 is not None else c.x - 0.5
        for r in header
        if r.positional
        for c in r.cells
        if "项目" in c.text.replace(" ", "") and c.x is not None
    ]
    return sorted(xs)[1] if len(xs) >= 2 else None


def _to_row(table: str, item, page: int, right_keys, centres) -> TableRow:
    side, label, values = item[0], item[1], item[2]
    positional = True
    amounts: dict | None
    if side == "income" or table == "01":
        amounts = {"amount": values[0][1]} if values else {}
    else:
        amounts = None
        if centres and all(v[0] is not None for v in values):
            amounts = assign_by_position(values, centres)
        positional = amounts is not None
        if amounts is None:
            amounts = assign_by_order(values, right_keys)
    row = TableRow(label, None, amounts or {}, page, side=side, positional=positional)
    row.raw_values = [v[1] for v in values]
    return row
