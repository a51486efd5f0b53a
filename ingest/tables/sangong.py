"""Table 09: the 三公 row, 预算数 and 决算数 for each item, either as two groups
(all 预算数 then all 决算数) or interleaved per item; some regions add 会议费/培训费."""

from __future__ import annotations

from ingest.grid import Row, parse_amount
from ingest.tables.base import TableReading, TableRow
from ingest.tables.catalog import SANGONG_ITEMS, SANGONG_KEYWORDS
from ingest.tables.layout import is_column_number_row, stacked_header
from ingest.tables.locate import Region


def _item_of(text: str) -> str | None:
    if "购置及运行维护" in text or ("三公" in text and "合计" not in text):
        return None  # spanning parent headers
    for item, kws in SANGONG_KEYWORDS.items():
        if any(k in text for k in kws):
            return item
    return None


def _dedupe(items: list[tuple[float, str]]) -> list[tuple[float, str]]:
    out: list[tuple[float, str]] = []
    for x, it in items:
        if not any(it == o_it and abs(x - o_x) < 3 for o_x, o_it in out):
            out.append((x, it))
    return out


def _values(row: Row):
    vals = []
    for c in row.cells:
        a = parse_amount(c.text)
        if a is None:
            return None
        vals.append((c.x if row.positional else None, a))
    return vals


def read_sangong(region: Region) -> TableReading:
    header, data = [], []
    for row in region.rows:
        if is_column_number_row(row):
            continue
        vals = _values(row)
        if vals:
            data.append((row, vals))
        else:
            header.append(row)
    frags = [(c.x if c.x is not None else 0.0, t) for t, c in stacked_header(header)]
    items = _dedupe(sorted({(x, it) for x, t in frags if (it := _item_of(t))}))
    phases = sorted((x, "budget" if "预算" in t else "actual") for x, t in frags if t in ("预算数", "决算数"))
    slots: list[tuple[float | None, str]] = []
    if len(phases) > 2:  # interleaved: 预算数 决算数 under each item
        for x, phase in phases:
            item = min(items, key=lambda it: abs(it[0] - x))[1] if items else None
            slots.append((x, f"{phase}_{item}"))
    elif items:
        # The 决算数 group starts where the item sequence starts again (its second 合计).
        first = items[0][1]
        repeat = next((x for x, it in items[1:] if it == first), None)
        if repeat is None and len(phases) == 2:
            repeat = phases[1][0]
        if repeat is None:  # no group headers: first half budget, second half actual
            half = len(items) // 2
            slots = [(x, f"{'budget' if i < half else 'actual'}_{it}") for i, (x, it) in enumerate(items)]
        else:
            slots = [(x, f"{'budget' if x < repeat else 'actual'}_{it}") for x, it in items]
    if not slots or len({s[1] for s in slots}) != len(slots):
        extra = ("meeting", "training") if any("会议费" in r.text for r in header) else ()
        slots = [(None, f"{p}_{it}") for p in ("budget", "actual") for it in (*SANGONG_ITEMS, *extra)]
    out = []
    uncertain = None
    for row, vals in data:
        amounts: dict[str, float] = {}
        if len(vals) < len(slots) and (any(v[0] is None for v in vals) or slots[0][0] is None):
            uncertain = "表格位置信息缺失，部分栏目为空时各项金额的归属无法确定"
        if len(vals) == len(slots) or any(v[0] is None for v in vals) or slots[0][0] is None:
            amounts = {s[1]: v[1] for s, v in zip(slots, vals, strict=False)}
        else:
            for x, a in vals:
                key = min(slots, key=lambda s: abs(s[0] - x))[1]
                amounts[key] = a
        out.append(TableRow("三公经费", None, amounts, row.page, raw_values=[v[1] for v in vals]))
    keys = [s[1] for s in slots]
    return TableReading("09", out[:1], keys, uncertain)
