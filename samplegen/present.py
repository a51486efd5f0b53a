"""The document model every renderer draws: cover, table of contents, 概况, the
nine tables laid out per the layout spec (header grids with spans, formatted
cell strings), the narrative and the attachments.

Format-neutral on purpose: text, PDF (and later Excel/HTML) renderers take a
`DocModel` and only decide how to put blocks on a page. Numbers are formatted
here (万元/元, thousands separators, zero style) since that is layout, not
format."""

from __future__ import annotations

import random
from dataclasses import dataclass, field

from samplegen.catalog import CHINESE_ORDINALS, ECON_GROUPS, FUNDS_04, SHORT_CLASS_DROP
from samplegen.layout import Layout
from samplegen.narrative_text import Narrative
from samplegen.tables import SANGONG_COLUMNS, SANGONG_EXTRA, Row, TableSet

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
STANDARD_ORDER = ["01", "02", "03", "04", "05", "06", "07", "08", "09"]
SANGONG_SEVENTH = ["01", "02", "03", "04", "05", "06", "09", "07", "08"]


@dataclass
class HCell:
    text: str
    colspan: int = 1
    rowspan: int = 1


@dataclass
class TableBlock:
    table_id: str | None  # national numbering, None for attachment tables
    title: str
    label: str | None
    unit_line: str | None
    amount_line: str | None
    header: list[list[HCell]]
    body: list[list[str]]
    col_kinds: list[str]  # 'code' | 'name' | 'num' | 'rowno' | 'text'
    notes: list[str] = field(default_factory=list)
    meta_order: tuple[str, ...] = ("label", "unit", "amount")
    wrap_cols: tuple[int, ...] = ()  # name columns that may wrap onto a next line
    indent_rows: set[tuple[int, int]] = field(default_factory=set)  # (row, col) printed indented

    @property
    def ncols(self) -> int:
        return len(self.col_kinds)


@dataclass
class Heading:
    text: str
    level: int = 1  # 0 part / document title, 1 section, 2 sub-section


@dataclass
class Paragraph:
    text: str


@dataclass
class PageBreak:
    pass


@dataclass
class Cover:
    title: str
    date: str


@dataclass
class DocModel:
    title: str
    unit_name: str  # as printed in the title
    year: int
    date: str
    layout: Layout
    blocks: list = field(default_factory=list)
    seed: str = ""


def header_grid(header: list[list[HCell]], ncols: int) -> list[list[tuple[HCell, int, int] | None]]:
    """Place header cells (HTML-style spans) on a grid: grid[r][c] is
    (cell, origin_row, origin_col) for the cell covering (r, c)."""
    rows = len(header)
    grid: list[list[tuple[HCell, int, int] | None]] = [[None] * ncols for _ in range(rows)]
    for r, cells in enumerate(header):
        c = 0
        for cell in cells:
            while c < ncols and grid[r][c] is not None:
                c += 1
            if c >= ncols:
                break
            for dr in range(cell.rowspan):
                for dc in range(cell.colspan):
                    if r + dr < rows and c + dc < ncols:
                        grid[r + dr][c + dc] = (cell, r, c)
            c += cell.colspan
    return grid


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


def _ordinal(i: int, text: str) -> str:
    return f"{CHINESE_ORDINALS[i]}、{text}"


class _Builder:
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

    def _block(self, tid: str, pos: int, header, body, kinds, **kw) -> TableBlock:
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

    # ----- 01 / 04 -----
    def _classes(self, rows: list[Row]) -> list[Row]:
        cls = [r for r in rows if r.side == "expenditure" and r.kind == "class"]
        if self.L.class_list == 24:
            cls = [r for r in cls if r.code not in SHORT_CLASS_DROP]
        return cls

    def two_sided(self, tid: str, pos: int) -> TableBlock:
        L, f = self.L, self.f
        t = self.ts[tid]
        rn = L.row_numbers
        inc = [r for r in t.rows if r.side == "income"]
        [r for r in t.rows if r.side == "expenditure"]
        classes = self._classes(t.rows)
        by = {(r.side, r.label, r.kind): r for r in t.rows}
        left: list[tuple[str, list[str]]] = []  # (label, values)
        right: list[tuple[str, list[str]]] = []
        if tid == "01":
            items = [r for r in inc if r.kind == "income"]
            left += [(_ordinal(i, r.label), [f.num(r.values["amount"])]) for i, r in enumerate(items)]
        else:
            items = [r for r in inc if r.kind == "income"]
            left += [(_ordinal(i, r.label), [f.num(r.values["amount"])]) for i, r in enumerate(items)]
        vcols = ["amount"] if tid == "01" else ["total", "general", "fund", "state_capital"]
        right += [(_ordinal(i, r.label), [f.num(r.values[c]) for c in vcols]) for i, r in enumerate(classes)]
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
                lab = lab if rn else _ordinal(i, lab)
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
        if tid == "01" and self.rng.random() < 0.5:
            notes.append("本套报表金额单位转换时可能存在尾数误差。")
        return self._block(tid, pos, header, body, kinds, notes=notes)

    # ----- 02 03 05 07 08 -----
    def subject(self, tid: str, pos: int) -> TableBlock:
        L, f = self.L, self.f
        t = self.ts[tid]
        split = L.codes == "split"
        rn = L.row_numbers
        ncode = 3 if split else 1
        # value column headers: list of (top text, sub text or None)
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
                    h2.append(HCell(spec[j][1]))
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
                self.rng.choice(
                    [
                        f"注：我{self.word}无“{fund}”预算支出。",
                        f"说明：{self.name}本年度没有{fund}预算财政拨款收入和支出，故本表无数据。",
                        f"注：本{self.word}{self.year}年度无{fund}预算财政拨款支出，本表为空表。",
                    ]
                )
            ]
        return self._block(tid, pos, header, body, kinds, notes=notes, wrap_cols=(ncode,))

    # ----- 06 -----
    def economic(self, pos: int) -> TableBlock:
        L, f = self.L, self.f
        t = self.ts["06"]
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
        return self._block(
            "06", pos, header, body, kinds, notes=[NOTES["06"]], indent_rows=indent, wrap_cols=names
        )

    # ----- 09 -----
    def sangong(self, pos: int) -> TableBlock:
        L, f = self.L, self.f
        v = self.ts["09"].rows[0].values
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
                self.rng.choice(
                    [
                        f"我{self.word}无“三公”经费支出。",
                        f"说明：{self.name}本年度没有财政拨款“三公”经费支出，故本表无数据。",
                    ]
                )
            )
        return self._block("09", pos, header, body, ["num"] * (2 * n), notes=notes)


def build_document(
    *,
    ts: TableSet,
    narrative: Narrative,
    layout: Layout,
    year: int,
    title_name: str,
    line_name: str,
    is_department: bool,
    date: tuple[int, int, int],
    seed: str,
) -> DocModel:
    rng = random.Random(f"present/{seed}")
    word = "部门" if is_department else "单位"
    kind = "部门决算" if is_department else "单位决算"
    style = layout.narrative_style
    if style == 0:
        title = f"{year}年度{title_name}{kind}公开"
    elif style == 1:
        title = f"{title_name}{year}年度{kind}"
    else:
        title = f"{title_name}{year}年度{kind}公开"
    y_, m_, d_ = date
    date_txt = f"{y_}年{m_}月{d_:02d}日" if style != 1 else f"{y_}年{m_}月"
    doc = DocModel(title, title_name, year, date_txt, layout, seed=seed)
    B = doc.blocks
    B.append(Cover(title, date_txt))
    B.append(PageBreak())
    toc = [
        f"第一部分 {title_name}概况",
        "一、部门主要职责",
        "二、部门决算单位构成",
        f"第二部分 {title_name}{year}年度{kind}表",
    ]
    order = SANGONG_SEVENTH if layout.table_order == "sangong_seventh" else STANDARD_ORDER
    present = [tid for tid in order if tid not in ts.missing]
    for i, tid in enumerate(present):
        toc.append(f"{CHINESE_ORDINALS[i]}、{TITLES[tid]}")
    toc.append(f"第三部分 {title_name}{year}年度{kind}情况说明")
    toc += [sec.heading for sec in narrative.explanation]
    toc += ["第四部分 名词解释", "第五部分 附件"]
    B.append(Heading("目 录", 0))
    B += [Paragraph(x) for x in toc]
    B.append(PageBreak())
    B.append(Heading(f"第一部分 {title_name}概况", 0))
    for sec in narrative.overview:
        B.append(Heading(sec.heading, 1))
        B += [Paragraph(p) for p in sec.paragraphs]
    B.append(PageBreak())
    B.append(Heading(f"第二部分 {title_name}{year}年度{kind}表", 0))
    builder = _Builder(ts, layout, year, line_name, word, rng)
    for i, tid in enumerate(present):
        pos = i + 1
        if tid in ("01", "04"):
            blk = builder.two_sided(tid, pos)
        elif tid == "06":
            blk = builder.economic(pos)
        elif tid == "09":
            blk = builder.sangong(pos)
        else:
            blk = builder.subject(tid, pos)
        B.append(blk)
        B.append(PageBreak())
    B.append(Heading(f"第三部分 {title_name}{year}年度{kind}情况说明", 0))
    for sec in narrative.explanation:
        B.append(Heading(sec.heading, 1))
        B += [Paragraph(p) for p in sec.paragraphs]
    B.append(PageBreak())
    B.append(Heading("第四部分 名词解释", 0))
    B += [Paragraph(p) for p in narrative.glossary]
    if narrative.attachments:
        B.append(PageBreak())
        B.append(Heading("第五部分 附件", 0))
        for att in narrative.attachments:
            body = [
                ["项目名称", "", att.project, "", "", ""],
                ["主管部门", "", att.department, "项目实施单位", att.unit, ""],
                ["预算执行情况（万元）", "", "", "预算数（A）", "执行数（B）", "执行率（B/A）"],
                ["", "", "年度财政资金总额", att.budget, att.actual, att.rate],
                ["年度绩效指标", "一级指标", "二级指标", "三级指标", "年初目标值（A）", "实际完成值（B）"],
            ]
            body += [["", *ind] for ind in att.indicators]
            body.append(["偏差大或目标未完成原因分析", "", "无", "", "", ""])
            B.append(
                TableBlock(
                    None,
                    f"{year}年度项目支出绩效自评表",
                    None,
                    f"单位名称（盖章）：{line_name}",
                    None,
                    [],
                    body,
                    ["text"] * 6,
                )
            )
            B.append(PageBreak())
    while B and isinstance(B[-1], PageBreak):
        B.pop()
    return doc
