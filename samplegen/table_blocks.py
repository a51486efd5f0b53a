"""What every one of the nine table blocks shares: titles and notes, the number
format of the layout (万元/元, thousands separators, zero style: layout, not
format), the table label and meta lines, and the 01/04 class list. The blocks
themselves: samplegen.blocks_two_sided (01, 04), samplegen.blocks_subject (02,
03, 05, 07, 08), samplegen.blocks_econ_sangong (06, 09)."""

from __future__ import annotations

import random
from typing import Any

from samplegen.catalog import CHINESE_ORDINALS, SHORT_CLASS_DROP
from samplegen.doc_model import HCell, TableBlock
from samplegen.layout import Layout
from samplegen.tables import Row, TableSet

TITLES = {
    "01": "收入支出决算总表",
    "02": "收入决算表",
    "03": "支出决算表",
    "04": "财政拨款收入支出决算总表",
    "05": "一般公共预算财政拨款支出决算表",
    "06": "一般公共预算财政拨款基本支出决算明细表",
    "07": "政府性基金预算财政拨款收入支出决算表",
    "08": "国有资本经营预算财政拨款支出决算表",
    "09": "财政拨款“三公”经费支出决算表",
}
NOTES = {
    "01": "注：本表反映部门本年度的总收支和年末结转结余情况。",
    "02": "注：本表反映部门本年度取得的各项收入情况。",
    "03": "注：本表反映部门本年度各项支出情况。",
    "04": "注：本表反映部门本年度一般公共预算财政拨款、政府性基金预算财政拨款和国有资本经营预算财政拨款的总收支和年末结转结余情况。",
    "05": "注：本表反映部门本年度一般公共预算财政拨款支出情况。",
    "06": "注：本表反映部门本年度一般公共预算财政拨款基本支出明细情况。",
    "07": "注：本表反映部门本年度政府性基金预算财政拨款收入、支出及结转和结余情况。",
    "08": "注：本表反映部门本年度国有资本经营预算财政拨款支出情况。",
    "09": "注：本表反映部门本年度“三公”经费支出预决算情况。",
}


class Formatter:
    def __init__(self, layout: Layout):
        self.layout = layout

    def num(self, cents: int, zero: bool = True) -> str:
        """Amount as printed; `zero=False` leaves zeros blank whatever the style."""
        if cents == 0:
            if not zero or self.layout.zeros == "blank":
                return ""
            return "0.00" if self.layout.zeros == "0.00" else "-"
        if self.layout.amount_unit == "元":
            v = cents * 100
            whole, frac = v, 0
        else:
            whole, frac = divmod(abs(cents), 100)
            whole = whole if cents >= 0 else -whole
        w = f"{whole:,}" if self.layout.thousands else str(whole)
        return f"{w}.{frac:02d}"


def _label(layout: Layout, pos: int) -> str | None:
    if layout.label == "gk":
        return f"公开{pos:02d}表"
    if layout.label == "biao":
        return f"表{pos}"
    return None


def ordinal(i: int, text: str) -> str:
    return f"{CHINESE_ORDINALS[i]}、{text}"


class BlockMaker:
    """One document's table-block settings: its tables, layout, year, unit line and
    the presentation RNG (blocks draw from it in document order)."""

    def __init__(
        self, ts: TableSet, layout: Layout, year: int, unit_line_name: str, word: str, rng: random.Random
    ):
        self.ts = ts
        self.L = layout
        self.f = Formatter(layout)
        self.year = year
        self.name = unit_line_name
        self.word = word
        self.rng = rng

    def block(
        self,
        tid: str,
        pos: int,
        header: list[list[HCell]],
        body: list[list[str]],
        kinds: list[str],
        **kw: Any,
    ) -> TableBlock:
        L = self.L
        title = TITLES[tid]
        if tid == "06" and L.t06_groups == 2:
            title = "一般公共预算财政拨款基本支出决算表"
        if L.title_year:
            title = f"{self.year}年度{title}"
        short = L.label == "none" and L.unit_line != "单位"  # never two "单位：" lines
        amount_line = ("单位：" if short else "金额单位：") + L.amount_unit
        order = self.rng.choice(
            [("label", "unit", "amount"), ("label", "amount", "unit"), ("unit", "label", "amount")]
        )
        return TableBlock(
            tid,
            title,
            _label(L, pos),
            f"{L.unit_line}：{self.name}",
            amount_line,
            header,
            body,
            kinds,
            meta_order=order,
            **kw,
        )

    def classes(self, rows: list[Row]) -> list[Row]:
        cls = [r for r in rows if r.side == "expenditure" and r.kind == "class"]
        if self.L.class_list == 24:
            cls = [r for r in cls if r.code not in SHORT_CLASS_DROP]
        return cls
