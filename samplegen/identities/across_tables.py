"""Identities between tables of one document (X-01 … X-09)."""

from __future__ import annotations

from samplegen.identities.printed import Printed, Violation, add

SANGONG_X09 = {
    "outbound": "30212",
    "reception": "30217",
    "vehicle_operation": "30231",
    "vehicle_purchase": "31013",
}


def across_tables(d: Printed, out: list[Violation]) -> None:
    """X-*: the same amount printed in two tables agrees (or one bounds the other)."""
    present = d.tables
    if {"01", "02"} <= present:
        add(
            out,
            "X-01",
            "01",
            "本年收入合计",
            d.tw("01", "income", "本年收入合计"),
            d.sub("02", None, "total"),
        )
    if {"01", "03"} <= present:
        add(
            out,
            "X-01",
            "01",
            "本年支出合计",
            d.tw("01", "expenditure", "本年支出合计"),
            d.sub("03", None, "total"),
        )
        cls = {k[2] for k in d.two if k[0] == "01" and k[1] == "expenditure" and k[2].isdigit()}
        cls |= {c for c in d.codes["03"] if len(c) == 3}
        for c in sorted(cls):
            add(out, "X-02", "01", c, d.tw("01", "expenditure", c), d.sub("03", c, "total"))
    if {"01", "04"} <= present:
        for a, b in (
            ("一般公共预算财政拨款收入", "一般公共预算财政拨款"),
            ("政府性基金预算财政拨款收入", "政府性基金预算财政拨款"),
            ("国有资本经营预算财政拨款收入", "国有资本经营预算财政拨款"),
        ):
            add(out, "X-03", "01", a, d.tw("01", "income", a), d.tw("04", "income", b))
    if {"02", "04"} <= present:
        add(
            out,
            "X-04",
            "02",
            "财政拨款收入",
            d.sub("02", None, "fiscal"),
            d.tw("04", "income", "本年收入合计"),
        )
    if {"04", "05"} <= present:
        cls = {k[2] for k in d.two if k[0] == "04" and k[1] == "expenditure" and k[2].isdigit()}
        cls |= {c for c in d.codes["05"] if len(c) == 3}
        for c in sorted(cls):
            add(out, "X-05", "04", c, d.tw("04", "expenditure", c, "general"), d.sub("05", c, "total"))
        add(
            out,
            "X-05",
            "04",
            "合计",
            d.tw("04", "expenditure", "本年支出合计", "general"),
            d.sub("05", None, "total"),
        )
    if {"05", "06"} <= present:
        add(
            out,
            "X-06",
            "05",
            "基本支出",
            d.sub("05", None, "basic"),
            d.econ.get("人员经费合计", 0) + d.econ.get("公用经费合计", 0),
            2,
        )
    for table, col, label in (("07", "fund", "政府性基金"), ("08", "state_capital", "国有资本经营")):
        if {"04", table} <= present:
            spent = d.tw("04", "expenditure", "本年支出合计", col)
            add(out, "X-07", "04", label, spent, d.sub(table, None, "total"))
    if {"03", "05"} <= present:
        for code in [None, *sorted(d.codes["05"])]:
            for col in ("total", "basic", "project"):
                v5, v3 = d.sub("05", code, col), d.sub("03", code, col)
                if v5 > v3:
                    out.append(
                        Violation("X-08", "05", f"{code or '合计'}.{col}", round((v5 - v3) / 100, 2), 1)
                    )
    if {"06", "09"} <= present:
        for item, econ in SANGONG_X09.items():
            spent, econ_spent = d.s09.get(f"actual_{item}", 0), d.econ.get(econ, 0)
            if spent < econ_spent:
                out.append(Violation("X-09", "09", item, round((spent - econ_spent) / 100, 2), 1))
