"""The two-sided tables 01 (收入支出决算总表) and 04 (财政拨款收入支出决算总表):
income on the left, expenditure on the right, as a `TableBlock`."""

from __future__ import annotations

from samplegen.catalog import FUNDS_04
from samplegen.doc_model import HCell, TableBlock
from samplegen.table_blocks import NOTES, BlockMaker, ordinal


def two_sided(b: BlockMaker, tid: str, pos: int) -> TableBlock:
    L, f = b.L, b.f
    t = b.ts[tid]
    rn = L.row_numbers
    inc = [r for r in t.rows if r.side == "income"]
    classes = b.classes(t.rows)
    by = {(r.side, r.label, r.kind): r for r in t.rows}
    left: list[tuple[str, list[str]]] = []  # (label, values)
    right: list[tuple[str, list[str]]] = []
    if tid == "01":
        items = [r for r in inc if r.kind == "income"]
        left += [(ordinal(i, r.label), [f.num(r.values["amount"])]) for i, r in enumerate(items)]
    else:
        items = [r for r in inc if r.kind == "income"]
        left += [(ordinal(i, r.label), [f.num(r.values["amount"])]) for i, r in enumerate(items)]
    vcols = ["amount"] if tid == "01" else ["total", "general", "fund", "state_capital"]
    right += [(ordinal(i, r.label), [f.num(r.values[c]) for c in vcols]) for i, r in enumerate(classes)]
    n = max(len(left), len(right))
    left += [("", [""])] * (n - len(left))
    blank_r = [""] * len(vcols)
    right += [("", blank_r)] * (n - len(right))

    def lv(label: str, kind: str) -> tuple[str, list[str]]:
        r = by[("income", label, kind)]
        return (label, [f.num(r.values["amount"])])

    def rv(label: str, kind: str) -> tuple[str, list[str]]:
        r = by[("expenditure", label, kind)]
        return (label, [f.num(r.values[c]) for c in vcols])

    if tid == "01":
        left += [
            lv("本年收入合计", "sum"),
            lv("使用非财政拨款结余", "carry"),
            lv("年初结转和结余", "carry"),
        ]
        right += [rv("本年支出合计", "sum"), rv("结余分配", "carry"), rv("年末结转和结余", "carry")]
        if rn:
            left.append(("", [""]))
            right.append(("", blank_r))
        left.append(lv("总计", "sum"))
        right.append(rv("总计", "sum"))
    else:
        left += [lv("本年收入合计", "sum"), lv("年初财政拨款结转和结余", "carry")]
        right += [rv("本年支出合计", "sum"), rv("年末财政拨款结转和结余", "carry")]
        carry = [r for r in inc if r.kind == "carry_fund"]
        for i, r in enumerate(carry):
            lab = r.printed or r.label
            lab = lab if rn else ordinal(i, lab)
            left.append((lab, [f.num(r.values["amount"])]))
            right.append(("", blank_r))
        left.append(lv("总计", "sum"))
        right.append(rv("总计", "sum"))
    nl = len(left)
    body = []
    for i, ((ll, lvals), (rl, rvals)) in enumerate(zip(left, right, strict=True)):
        row = [ll]
        if rn:
            row.append(str(i + 1))
        row += lvals
        row.append(rl)
        if rn:
            row.append(str(nl + i + 1))
        row += rvals
        body.append(row)
    if tid == "01":
        kinds = ["name", "rowno", "num", "name", "rowno", "num"] if rn else ["name", "num", "name", "num"]
        head_amt = "金额" if rn else "决算数"
        if rn:
            header = [
                [HCell("收入", 3), HCell("支出", 3)],
                [
                    HCell("项目"),
                    HCell("行次"),
                    HCell(head_amt),
                    HCell("项目"),
                    HCell("行次"),
                    HCell(head_amt),
                ],
                [HCell("栏次"), HCell(""), HCell("1"), HCell("栏次"), HCell(""), HCell("2")],
            ]
        else:
            header = [
                [HCell("收入", 2), HCell("支出", 2)],
                [HCell("项目"), HCell(head_amt), HCell("项目"), HCell(head_amt)],
            ]
    else:
        funds = [HCell("合计"), *(HCell(lab) for _, lab in FUNDS_04)]
        if rn:
            kinds = ["name", "rowno", "num", "name", "rowno", "num", "num", "num", "num"]
            header = [
                [HCell("收入", 3), HCell("支出", 6)],
                [
                    HCell("项目", 1, 2),
                    HCell("行次", 1, 2),
                    HCell("决算数", 1, 2),
                    HCell("项目", 1, 2),
                    HCell("行次", 1, 2),
                    HCell("决算数", 4),
                ],
                funds,
                [
                    HCell("栏次"),
                    HCell(""),
                    HCell("1"),
                    HCell("栏次"),
                    HCell(""),
                    *(HCell(str(k)) for k in range(2, 6)),
                ],
            ]
        else:
            kinds = ["name", "num", "name", "num", "num", "num", "num"]
            header = [
                [HCell("收入", 2), HCell("支出", 5)],
                [HCell("项目", 1, 2), HCell("决算数", 1, 2), HCell("项目", 1, 2), HCell("决算数", 4)],
                funds,
            ]
    notes = [NOTES[tid]]
    if tid == "01" and b.rng.random() < 0.5:
        notes.append("本套报表金额单位转换时可能存在尾数误差。")
    return b.block(tid, pos, header, body, kinds, notes=notes)
