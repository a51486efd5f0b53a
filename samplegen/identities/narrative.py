"""Identities of the narrative: each stated amount or rate against the tables
(N-01 … N-04, N-06, N-08), and the narrative's own budgets, rates and project
sums (N-02, N-05, N-08)."""

from __future__ import annotations

from samplegen.identities.printed import Printed, Violation, add, add_rate, cents

FACT_TO_09 = {
    f"sangong_{p}_{k}": f"{p}_{k}"
    for p in ("budget", "actual")
    for k in ("total", "outbound", "vehicle", "vehicle_purchase", "vehicle_operation", "reception")
}


def narrative_vs_tables(d: Printed, out: list[Violation]) -> None:
    """N-*: a number the narrative states equals the table's."""
    present = d.tables

    def stated(kind: str, code: str | None, table_value: int, rule: str, table: str | None) -> None:
        for v in d.fact(kind, code):
            add(out, rule, table, f"{kind}{'.' + code if code else ''}", cents(v), table_value)

    if "01" in present:
        stated("total", None, d.tw("01", "income", "总计"), "N-01", "01")
    if "02" in present:
        stated("income_total", None, d.sub("02", None, "total"), "N-01", "02")
        stated("fiscal_income", None, d.sub("02", None, "fiscal"), "N-01", "02")
        for v in d.fact("fiscal_income_share"):
            add_rate(
                out, "N-02", "fiscal_income_share", v, d.sub("02", None, "fiscal"), d.sub("02", None, "total")
            )
    if "03" in present:
        stated("expenditure_total", None, d.sub("03", None, "total"), "N-01", "03")
        stated("basic_expenditure", None, d.sub("03", None, "basic"), "N-03", "03")
        stated("project_expenditure", None, d.sub("03", None, "project"), "N-03", "03")
        for kind, col in (("basic_expenditure_share", "basic"), ("project_expenditure_share", "project")):
            for v in d.fact(kind):
                add_rate(out, "N-02", kind, v, d.sub("03", None, col), d.sub("03", None, "total"))
    if {"03", "05"} <= present:
        for v in d.fact("general_budget_expenditure_share"):
            add_rate(
                out,
                "N-02",
                "general_budget_expenditure_share",
                v,
                d.sub("05", None, "total"),
                d.sub("03", None, "total"),
            )
    if "04" in present:
        stated("fiscal_total", None, d.tw("04", "income", "总计"), "N-01", "04")
    if "05" in present:
        stated("general_budget_expenditure", None, d.sub("05", None, "total"), "N-01", "05")
        for (kind, code), vals in list(d.facts.items()):
            if kind == "class_expenditure":
                stated(kind, code, d.sub("05", code, "total"), "N-04", "05")
            elif kind == "class_share":
                for v in vals:
                    add_rate(
                        out,
                        "N-02",
                        f"class_share.{code}",
                        v,
                        d.sub("05", code, "total"),
                        d.sub("05", None, "total"),
                    )
            elif kind == "item_actual":
                stated(kind, code, d.sub("05", code, "total"), "N-04", "05")
        proj = d.fact("project_actual")
        if proj:
            add(
                out,
                "N-08",
                "05",
                "Σ项目执行数",
                sum(cents(v) for v in proj),
                d.sub("05", None, "project"),
                len(proj),
            )
    if "06" in present:
        stated("personnel_expenditure", None, d.econ.get("人员经费合计", 0), "N-03", "06")
        stated("public_expenditure", None, d.econ.get("公用经费合计", 0), "N-03", "06")
    if "09" in present:
        for kind, col in FACT_TO_09.items():
            stated(kind, None, d.s09.get(col, 0), "N-06", "09")


def narrative_internal(d: Printed, doc: dict, out: list[Violation]) -> None:
    """N-02, N-05, N-08: rates, budget sums and project totals within the narrative."""
    items_b = {code: v[0] for (k, code), v in d.facts.items() if k == "item_budget_initial" and v}
    items_a = {code: v[0] for (k, code), v in d.facts.items() if k == "item_actual" and v}
    tot_b = d.fact("budget_initial_total")
    if tot_b and items_b:
        add(
            out,
            "N-05",
            None,
            "Σ年初预算",
            sum(cents(v) for v in items_b.values()),
            cents(tot_b[0]),
            len(items_b),
        )
    for (kind, code), vals in d.facts.items():
        if kind == "item_execution_rate" and code in items_b and code in items_a:
            for v in vals:
                add_rate(
                    out, "N-05", f"item_execution_rate.{code}", v, cents(items_a[code]), cents(items_b[code])
                )
    gbe = d.fact("general_budget_expenditure")
    for v in d.fact("execution_rate_total"):
        if tot_b and gbe:
            add_rate(out, "N-05", "execution_rate_total", v, cents(gbe[0]), cents(tot_b[0]))
    ch, chp, tot = d.fact("total_change"), d.fact("total_change_pct"), d.fact("total")
    if ch and chp and tot:
        add_rate(out, "N-02", "total_change_pct", chp[0], cents(ch[0]), cents(tot[0]) - cents(ch[0]))
    pb = {}
    pa = {}
    for f in doc.get("facts", []):
        if f["kind"] == "project_budget":
            pb[f["label"]] = f["value"]
        elif f["kind"] == "project_actual":
            pa[f["label"]] = f["value"]
    for f in doc.get("facts", []):
        if f["kind"] == "project_execution_rate" and f["label"] in pb and f["label"] in pa:
            add_rate(
                out,
                "N-02",
                f"project_execution_rate.{f['label']}",
                f["value"],
                cents(pa[f["label"]]),
                cents(pb[f["label"]]),
            )
    cnt = d.fact("performance_project_count")
    if cnt and pa:
        add(out, "N-08", None, "绩效项目数", int(cnt[0]) * 100, len(pa) * 100)
    amt = d.fact("performance_project_amount")
    if amt and pa:
        add(out, "N-08", None, "绩效资金", cents(amt[0]), sum(cents(v) for v in pa.values()), len(pa))
