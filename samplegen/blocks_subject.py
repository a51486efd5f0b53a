"""The functional-subject tables 02, 03, 05, 07 and 08 (类/款/项 rows, one column
per source or kind of spending) as a `TableBlock`."""

from __future__ import annotations

from samplegen.doc_model import HCell, TableBlock
from samplegen.table_blocks import NOTES, BlockMaker


def subject(b: BlockMaker, tid: str, pos: int) -> TableBlock:
    L, f = b.L, b.f
    t = b.ts[tid]
    split = L.codes == "split"
    rn = L.row_numbers
    ncode = 3 if split else 1
    # value column headers: list of (top text, sub text or None)
    spec: list[tuple[str, str | None]]
    if tid == "02":
        spec = [
            (x, None)
            for x in (
                "本年收入合计",
                "财政拨款收入",
                "上级补助收入",
                "事业收入",
                "经营收入",
                "附属单位上缴收入",
                "其他收入",
            )
        ]
    elif tid == "03":
        spec = [
            (x, None)
            for x in (
                "本年支出合计",
                "基本支出",
                "项目支出",
                "上缴上级支出",
                "经营支出",
                "对附属单位补助支出",
            )
        ]
    elif tid == "05":
        spec = []
        if "budget_initial" in t.columns:
            spec += [("年初预算数", None), ("调整预算数", None)]
        spec += [("本年支出", "小计"), ("本年支出", "基本支出"), ("本年支出", "项目支出")]
    elif tid == "07":
        spec = [
            ("年初结转和结余", None),
            ("本年收入", None),
            ("本年支出", "小计"),
            ("本年支出", "基本支出"),
            ("本年支出", "项目支出"),
            ("年末结转和结余", None),
        ]
    else:
        spec = [("本年支出", "合计"), ("本年支出", "基本支出"), ("本年支出", "项目支出")]
    nv = len(spec)
    # header rows
    three = rn or split
    h1 = [HCell("项目", ncode + 1)]
    h2 = [HCell("功能分类科目编码", ncode), HCell("科目名称")]
    i = 0
    while i < nv:
        top, sub = spec[i]
        if sub is None:
            h1.append(HCell(top, 1, 2))
            i += 1
        else:
            j = i
            while j < nv and spec[j][0] == top:
                h2.append(HCell(spec[j][1] or ""))
                j += 1
            h1.append(HCell(top, j - i))
            i = j
    header = [h1, h2]
    if three:
        if split:
            h3 = [HCell("类"), HCell("款"), HCell("项"), HCell("栏次" if rn else "")]
        else:
            h3 = [HCell("类款项"), HCell("栏次")]
        h3 += [HCell(str(k + 1) if rn else "") for k in range(nv)]
        header.append(h3)
    kinds = ["code"] * ncode + ["name"] + ["num"] * nv
    rows = list(t.rows)
    has_data = t.has_data
    if not has_data:
        rows = [rows[0]] if L.empty_rows == "total_row" else []
    bottom = L.total_row == "bottom" or (L.total_row == "bottom05" and tid == "05")
    if bottom and rows:
        rows = rows[1:] + rows[:1]
    body = []
    for r in rows:
        if r.code is None:
            codes = [""] * ncode
        elif split:
            c = r.code
            codes = [c[:3], c[3:5], c[5:7]]
        elif L.codes == "spaced":  # the parts apart inside one cell
            c = r.code
            codes = [" ".join(x for x in (c[:3], c[3:5], c[5:7]) if x)]
        else:
            codes = [r.code]
        vals = [f.num(r.values.get(col, 0), zero=has_data) for col in t.columns]
        body.append([*codes, r.label, *vals])
    notes = [NOTES[tid]]
    if not has_data and tid in ("07", "08"):
        fund = "政府性基金" if tid == "07" else "国有资本经营"
        notes = [
            b.rng.choice(
                [
                    f"注：我{b.word}无“{fund}”预算支出。",
                    f"说明：{b.name}本年度没有{fund}预算财政拨款收入和支出，故本表无数据。",
                    f"注：本{b.word}{b.year}年度无{fund}预算财政拨款支出，本表为空表。",
                ]
            )
        ]
    return b.block(tid, pos, header, body, kinds, notes=notes, wrap_cols=(ncode,))
