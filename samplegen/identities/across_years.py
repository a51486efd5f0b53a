"""Identities across years (Y-01, Y-02, N-07): this year's opening balances are
last year's closing ones, and the stated prior total and change match last
year's document."""

from __future__ import annotations

from samplegen.identities.printed import Printed, Violation, add, cents


def across_years(d: Printed, prior: dict | None, out: list[Violation]) -> None:
    """Y-01, Y-02, N-07 against last year's document of the same unit, if any."""
    present = d.tables
    ch, tot = d.fact("total_change"), d.fact("total")
    if prior is not None:
        p = Printed(prior)
        if "01" in present and "01" in p.tables:
            add(
                out,
                "Y-01",
                "01",
                "年初结转和结余",
                d.tw("01", "income", "年初结转和结余"),
                p.tw("01", "expenditure", "年末结转和结余"),
            )
        if "04" in present and "04" in p.tables:
            add(
                out,
                "Y-01",
                "04",
                "年初财政拨款结转和结余",
                d.tw("04", "income", "年初财政拨款结转和结余"),
                p.tw("04", "expenditure", "年末财政拨款结转和结余", "total"),
            )
        if "07" in present and "07" in p.tables:
            for code in [None, *sorted(d.codes["07"] | p.codes["07"])]:
                if code and len(code) != 7:
                    continue
                add(
                    out,
                    "Y-01",
                    "07",
                    f"{code or '合计'}",
                    d.sub("07", code, "opening"),
                    p.sub("07", code, "closing"),
                )
        prior_total = p.tw("01", "income", "总计") if "01" in p.tables else None
        if prior_total is not None:
            for v in d.fact("total_prior"):
                add(out, "Y-02", None, "上年收支总计", cents(v), prior_total)
            if ch and tot:
                add(out, "N-07", None, "收支总计增减", cents(ch[0]), cents(tot[0]) - prior_total)
