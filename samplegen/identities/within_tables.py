"""Identities inside one table: row sums (R-row), the 类/款/项 tree (R-tree), 06's
economic groups (R-econ), the two-sided tables 01 and 04 (R-01, R-04) and 07's
balance roll-forward (R-07)."""

from __future__ import annotations

from samplegen.identities.printed import SUBJECT_TABLES, Printed, Violation, add

ROW_SUMS = {
    "02": (
        "total",
        ["fiscal", "superior_subsidy", "business", "operating", "affiliated_remittance", "other"],
    ),
    "03": ("total", ["basic", "project", "remit_superior", "operating", "affiliated_subsidy"]),
    "05": ("total", ["basic", "project"]),
    "07": ("total", ["basic", "project"]),
    "08": ("total", ["basic", "project"]),
}


def row_sums(d: Printed, out: list[Violation]) -> None:
    """R-row: each row's total is the sum of its columns (02, 03, 05, 07, 08, 04, 09)."""
    present = d.tables
    for t, (tot, parts) in ROW_SUMS.items():
        if t not in present:
            continue
        for code in [None, *sorted(d.codes[t])]:
            add(
                out,
                "R-row",
                t,
                f"{code or '合计'}",
                d.sub(t, code, tot),
                sum(d.sub(t, code, p) for p in parts),
                len(parts),
            )
    if "04" in present:
        keys = {k[2] for k in d.two if k[0] == "04" and k[1] == "expenditure"}
        for key in sorted(keys):
            add(
                out,
                "R-row",
                "04",
                key,
                d.tw("04", "expenditure", key, "total"),
                sum(d.tw("04", "expenditure", key, c) for c in ("general", "fund", "state_capital")),
                3,
            )
    if "09" in present:
        s = d.s09
        for p in ("budget", "actual"):
            for whole, sangong_parts in (
                ("total", ("outbound", "vehicle", "reception")),
                ("vehicle", ("vehicle_purchase", "vehicle_operation")),
            ):
                got = sum(s.get(f"{p}_{x}", 0) for x in sangong_parts)
                add(out, "R-row", "09", f"{p}_{whole}", s.get(f"{p}_{whole}", 0), got, len(sangong_parts))


def subject_tree(d: Printed, out: list[Violation]) -> None:
    """R-tree: 合计 = Σ 类, each 类 = Σ 款, each 款 = Σ 项, per column."""
    present = d.tables
    for t in SUBJECT_TABLES:
        if t not in present:
            continue
        cols = {col for (_code, col) in d.subject[t]}
        codes = d.codes[t]
        for col in sorted(cols):
            classes = sorted(c for c in codes if len(c) == 3)
            add(
                out,
                "R-tree",
                t,
                f"合计.{col}",
                d.sub(t, None, col),
                sum(d.sub(t, c, col) for c in classes),
                len(classes),
            )
            for parent in sorted(c for c in codes if len(c) in (3, 5)):
                kids = [c for c in codes if len(c) == len(parent) + 2 and c.startswith(parent)]
                if not kids:
                    continue
                add(
                    out,
                    "R-tree",
                    t,
                    f"{parent}.{col}",
                    d.sub(t, parent, col),
                    sum(d.sub(t, k, col) for k in kids),
                    len(kids),
                )


def economic_groups(d: Printed, out: list[Violation]) -> None:
    """R-econ: 301/302/303/310 = Σ items; 人员经费 and 公用经费 totals."""
    present = d.tables
    if "06" in present:
        e = d.econ
        for g in ("301", "302", "303", "310"):
            items = [k for k in e if len(k) == 5 and k.startswith(g) and k.isdigit()]
            add(out, "R-econ", "06", g, e.get(g, 0), sum(e[k] for k in items), max(1, len(items)))
        add(
            out,
            "R-econ",
            "06",
            "人员经费合计",
            e.get("人员经费合计", 0),
            e.get("301", 0) + e.get("303", 0),
            2,
        )
        others = sum(
            v for k, v in e.items() if k.isdigit() and len(k) == 3 and k not in ("301", "303", "302", "310")
        )
        add(
            out,
            "R-econ",
            "06",
            "公用经费合计",
            e.get("公用经费合计", 0),
            e.get("302", 0) + e.get("310", 0) + others,
            2,
        )


def table_01(d: Printed, out: list[Violation]) -> None:
    """R-01: 01's sums and 总计 on both sides."""
    present = d.tables
    if "01" in present:
        inc_items = [
            "一般公共预算财政拨款收入",
            "政府性基金预算财政拨款收入",
            "国有资本经营预算财政拨款收入",
            "上级补助收入",
            "事业收入",
            "经营收入",
            "附属单位上缴收入",
            "其他收入",
        ]
        i = lambda k: d.tw("01", "income", k)  # noqa: E731
        x = lambda k: d.tw("01", "expenditure", k)  # noqa: E731
        add(out, "R-01", "01", "本年收入合计", i("本年收入合计"), sum(i(k) for k in inc_items), 8)
        cls = [k[2] for k in d.two if k[0] == "01" and k[1] == "expenditure" and k[2].isdigit()]
        add(out, "R-01", "01", "本年支出合计", x("本年支出合计"), sum(x(k) for k in cls), max(1, len(cls)))
        add(
            out,
            "R-01",
            "01",
            "收入总计",
            i("总计"),
            i("本年收入合计") + i("使用非财政拨款结余") + i("年初结转和结余"),
            3,
        )
        add(
            out,
            "R-01",
            "01",
            "支出总计",
            x("总计"),
            x("本年支出合计") + x("结余分配") + x("年末结转和结余"),
            3,
        )
        add(out, "R-01", "01", "总计", i("总计"), x("总计"), 1)


def table_04(d: Printed, out: list[Violation]) -> None:
    """R-04: 04's sums by fund and 总计 on both sides."""
    present = d.tables
    if "04" in present:
        i = lambda k: d.tw("04", "income", k)  # noqa: E731
        x = lambda k, c="total": d.tw("04", "expenditure", k, c)  # noqa: E731
        funds = ["一般公共预算财政拨款", "政府性基金预算财政拨款", "国有资本经营预算财政拨款"]
        add(out, "R-04", "04", "本年收入合计", i("本年收入合计"), sum(i(k) for k in funds), 3)
        cls = sorted({k[2] for k in d.two if k[0] == "04" and k[1] == "expenditure" and k[2].isdigit()})
        for col in ("total", "general", "fund", "state_capital"):
            add(
                out,
                "R-04",
                "04",
                f"本年支出合计.{col}",
                x("本年支出合计", col),
                sum(x(k, col) for k in cls),
                max(1, len(cls)),
            )
            add(
                out,
                "R-04",
                "04",
                f"总计.{col}",
                x("总计", col),
                x("本年支出合计", col) + x("年末财政拨款结转和结余", col),
                2,
            )
        add(out, "R-04", "04", "收入总计", i("总计"), i("本年收入合计") + i("年初财政拨款结转和结余"), 2)
        add(out, "R-04", "04", "总计", i("总计"), x("总计"), 1)
        if d.carry04:
            add(
                out,
                "R-04",
                "04",
                "年初财政拨款结转和结余",
                i("年初财政拨款结转和结余"),
                sum(d.carry04.values()),
                3,
            )


def table_07(d: Printed, out: list[Violation]) -> None:
    """R-07: 年末 = 年初 + 本年收入 − 本年支出, per row of 07."""
    present = d.tables
    if "07" in present:
        for code in [None, *sorted(d.codes["07"])]:
            s = lambda c, code=code: d.sub("07", code, c)  # noqa: E731
            add(
                out,
                "R-07",
                "07",
                f"{code or '合计'}",
                s("closing"),
                s("opening") + s("income") - s("total"),
                3,
            )
