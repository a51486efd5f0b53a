"""Layout spec: how one document is printed. Drawn per unit (a unit keeps its
layout across years, with an occasional template change), independent of the
format; format-specific keys (`encoding`, `page_breaks`, `text_flow`, `merge_tail` for
text, `ruled`, `glyph_runs` for PDF) are ignored by the other renderers. Every
layout class seen in real documents (../shared/domain/REAL_LAYOUTS.md) has an
option here, so the generator multiplies layouts we have seen.

The first units of a district are laid out by cycling every option, so that a
small corpus (the CI test: 6 units) shows every variant in each format."""

from __future__ import annotations

import random
from dataclasses import asdict, dataclass, fields

# option -> (values, weights for the random draw)
OPTIONS: dict[str, tuple[tuple, tuple[float, ...]]] = {
    "label": (("gk", "biao", "none"), (0.5, 0.25, 0.25)),  # 公开01表 / 表1 / no label
    "row_numbers": ((True, False), (0.5, 0.5)),  # 行次 / 栏次
    "codes": (("whole", "split", "spaced"), (0.7, 0.15, 0.15)),  # 2080502 | 208 05 02 in 3 cells | in one
    "t06_codes": (("whole", "spaced"), (0.8, 0.2)),  # 30101 or 301 01 (类 and 款 apart)
    "amount_unit": (("万元", "元"), (0.85, 0.15)),
    "thousands": ((False, True), (0.7, 0.3)),
    "zeros": (("blank", "0.00", "-"), (0.6, 0.3, 0.1)),
    "wrap_names": ((False, True), (0.65, 0.35)),
    "sangong_extra": ((False, True), (0.85, 0.15)),  # 三公 table adds 会议费/培训费
    "t05_budget_cols": ((False, True), (0.8, 0.2)),  # 05 adds 年初预算数 / 调整预算数
    "t06_groups": ((3, 2), (0.5, 0.5)),
    "t09_style": (("grouped", "interleaved"), (0.6, 0.4)),  # 预算数 block | 预算数/决算数 pairs
    "total_row": (("top", "bottom05", "bottom"), (0.7, 0.2, 0.1)),
    "table_order": (("standard", "sangong_seventh"), (0.8, 0.2)),
    "class_list": ((26, 24), (0.85, 0.15)),
    "encoding": (("utf-8", "gbk"), (0.85, 0.15)),
    "page_breaks": ((False, True), (0.7, 0.3)),
    "ruled": ((True, False), (0.7, 0.3)),
    "glyph_runs": ((False, True), (0.7, 0.3)),  # PDF: one text run per glyph (WPS re-typesetting)
    "text_flow": (("tabs", "single"), (0.8, 0.2)),  # text: cells by tabs, or flowed (blanks dropped)
    "merge_tail": ((False, True), (0.85, 0.15)),  # text: a table's last two rows on one line
    "stray_spaces": ((False, True), (0.8, 0.2)),
    "title_year": ((True, False), (0.6, 0.4)),
    "unit_line": (("部门", "单位", "编制单位"), (0.6, 0.3, 0.1)),
    "narrative_style": ((0, 1, 2), (0.34, 0.33, 0.33)),
    "trim_zeros": ((False, True), (0.7, 0.3)),
    "empty_rows": (("total_row", "none"), (0.5, 0.5)),  # empty 07/08: a blank 合计 row or none
}


@dataclass(frozen=True)
class Layout:
    label: str = "gk"
    row_numbers: bool = True
    codes: str = "whole"
    t06_codes: str = "whole"
    amount_unit: str = "万元"
    thousands: bool = False
    zeros: str = "blank"
    wrap_names: bool = False
    sangong_extra: bool = False
    t05_budget_cols: bool = False
    t06_groups: int = 3
    t09_style: str = "grouped"
    total_row: str = "top"
    table_order: str = "standard"
    class_list: int = 26
    encoding: str = "utf-8"
    page_breaks: bool = False
    ruled: bool = True
    glyph_runs: bool = False
    text_flow: str = "tabs"
    merge_tail: bool = False
    stray_spaces: bool = False
    title_year: bool = True
    unit_line: str = "部门"
    narrative_style: int = 0
    trim_zeros: bool = False
    empty_rows: str = "total_row"

    def to_dict(self) -> dict:
        return asdict(self)

    def replace(self, **kw) -> Layout:
        return Layout(**{**asdict(self), **kw})


def draw_layout(rng: random.Random) -> Layout:
    kw = {}
    for f in fields(Layout):
        values, weights = OPTIONS[f.name]
        kw[f.name] = rng.choices(values, weights)[0]
    if kw["amount_unit"] == "元" and rng.random() < 0.6:
        kw["thousands"] = True
    return Layout(**kw)


def coverage_layout(slot: int, seed: int) -> Layout:
    """Layout for the `slot`-th unit of a format during the coverage phase:
    option i takes value (slot + offset_i) % n, so slots 0..2 show every value."""
    rng = random.Random(f"{seed}/coverage")
    kw = {}
    for f in fields(Layout):
        values, _ = OPTIONS[f.name]
        off = rng.randrange(len(values))
        kw[f.name] = values[(slot + off) % len(values)]
    return Layout(**kw)


COVERAGE_SLOTS = max(len(v) for v, _ in OPTIONS.values())
