"""Table 06 (基本支出 by economic classification, one or two groups side by side)
and table 09 (“三公” budget and actual) as `TableBlock`s."""

from __future__ import annotations

from samplegen.catalog import ECON_GROUPS
from samplegen.doc_model import HCell, TableBlock
from samplegen.table_blocks import NOTES, BlockMaker
from samplegen.tables import SANGONG_COLUMNS, SANGONG_EXTRA


def economic(b: BlockMaker, pos: int) -> TableBlock:
    L, f = b.L, b.f
    t = b.ts["06"]
    by = {r.code: r for r in t.rows if r.code}

    def code(c: str) -> str:
        return f"{c[:3]} {c[3:]}" if L.t06_codes == "spaced" and len(c) == 5 else c

    def group(g: str) -> list[tuple[str, str, str]]:
        out = [(g, ECON_GROUPS[g][0], f.num(by[g].values["amount"]))]
        out += [(code(c), name, f.num(by[c].values["amount"])) for c, name in ECON_GROUPS[g][1]]
        return out

    personnel = group("301") + group("303")
    if L.t06_groups == 3:
        cols = [personnel, group("302"), group("310")]
        header = [
            [HCell("人员经费", 3), HCell("公用经费", 6)],
            [HCell(x) for _ in range(3) for x in ("科目代码", "科目名称", "决算数")],
        ]
    else:
        cols = [personnel, group("302") + group("310")]
        header = [[HCell(x) for _ in range(2) for x in ("经济分类科目编码", "科目名称", "决算数")]]
    n = max(len(c) for c in cols)
    body = []
    indent = set()
    for i in range(n):
        row: list[str] = []
        for gi, c in enumerate(cols):
            if i < len(c):
                row += list(c[i])
                if len(c[i][0].replace(" ", "")) == 5 and L.t06_groups == 2:
                    indent.add((i, gi * 3 + 1))
            else:
                row += ["", "", ""]
        body.append(row)
    pers = t.find(label="人员经费合计").values["amount"]
    pub = t.find(label="公用经费合计").values["amount"]
    last = ["人员经费合计", "", f.num(pers), "公用经费合计", "", ""]
    if L.t06_groups == 3:
        last += ["", "", ""]
    last[-1] = f.num(pub)
    body.append(last)
    kinds = ["code", "name", "num"] * len(cols)
    names = tuple(3 * g + 1 for g in range(len(cols)))  # each group's name wraps on its own
    return b.block("06", pos, header, body, kinds, notes=[NOTES["06"]], indent_rows=indent, wrap_cols=names)


def sangong(b: BlockMaker, pos: int) -> TableBlock:
    L, f = b.L, b.f
    v = b.ts["09"].rows[0].values
    extra = L.sangong_extra
    items = SANGONG_COLUMNS + (SANGONG_EXTRA if extra else [])
    n = len(items)
    top = [
        HCell("合计", 1, 2),
        HCell("因公出国（境）费", 1, 2),
        HCell("公务用车购置及运行维护费", 3),
        HCell("公务接待费", 1, 2),
    ]
    if extra:
        top += [HCell("会议费", 1, 2), HCell("培训费", 1, 2)]
    sub = [HCell("小计"), HCell("公务用车购置费"), HCell("公务用车运行维护费")]
    all_zero = not any(v.values())
    if L.t09_style == "grouped":
        header = [[HCell("预算数", n), HCell("决算数", n)], top + top, sub + sub]
        if L.row_numbers:
            header.append([HCell(str(k + 1)) for k in range(2 * n)])
        row = [f.num(v.get(f"{p}_{c}", 0)) for p in ("budget", "actual") for c in items]
    else:
        top2 = [HCell(c.text, c.colspan * 2, c.rowspan) for c in top]
        header = [
            [HCell("财政拨款“三公”经费", 2 * n)],
            top2,
            [HCell(c.text, 2) for c in sub],
            [HCell(x) for _ in range(n) for x in ("预算数", "决算数")],
        ]
        row = [f.num(v.get(f"{p}_{c}", 0)) for c in items for p in ("budget", "actual")]
    body = [] if all_zero and L.zeros == "blank" else [row]
    notes = [NOTES["09"]]
    if all_zero:
        notes.append(
            b.rng.choice(
                [
                    f"我{b.word}无“三公”经费支出。",
                    f"说明：{b.name}本年度没有财政拨款“三公”经费支出，故本表无数据。",
                ]
            )
        )
    return b.block("09", pos, header, body, ["num"] * (2 * n), notes=notes)
