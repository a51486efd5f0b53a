"""Recompute the accounting identities of DISCLOSURES.md (R-*, X-*, N-*, Y-*)
from a manifest document (`cells`, `facts`, `tables`) and, for cross-year
rules, last year's document of the same unit.

Independent of how the generator built the document: it reads only what the
manifest says was printed, so the tests use it to prove the truth is
consistent, and the generator uses it to record which rules a fault or a
rounding difference actually trips."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

SUBJECT_TABLES = ("02", "03", "05", "07", "08")
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
SANGONG_X09 = {
    "outbound": "30212",
    "reception": "30217",
    "vehicle_operation": "30231",
    "vehicle_purchase": "31013",
}
FACT_TO_09 = {
    f"sangong_{p}_{k}": f"{p}_{k}"
    for p in ("budget", "actual")
    for k in ("total", "outbound", "vehicle", "vehicle_purchase", "vehicle_operation", "reception")
}


@dataclass
class Violation:
    rule: str
    table: str | None
    where: str
    difference: float  # printed − expected, 万元 (or percentage points for rates)
    addends: int = 1

    @property
    def is_rounding(self) -> bool:
        return abs(self.difference) <= 0.01 * self.addends + 1e-9


def _c(x: float) -> int:
    return round(x * 100)


class _Doc:
    def __init__(self, doc: dict):
        self.tables = set(doc.get("tables") or [])
        self.subject: dict[str, dict[tuple[str | None, str], int]] = defaultdict(dict)
        self.codes: dict[str, set[str]] = defaultdict(set)
        self.two: dict[tuple[str, str, str, str], int] = {}  # (table, side, label|code, column)
        self.carry04: dict[str, int] = {}
        self.econ: dict[str, int] = {}
        self.s09: dict[str, int] = {}
        for c in doc.get("cells", []):
            t, amt = c["table"], _c(c["amount"])
            if t in SUBJECT_TABLES:
                self.subject[t][(c["subject_code"], c["column"])] = amt
                if c["subject_code"]:
                    self.codes[t].add(c["subject_code"])
            elif t in ("01", "04"):
                key = c["subject_code"] or c["row_label"]
                if (
                    t == "04"
                    and c["side"] == "income"
                    and c["row_label"].startswith("年初财政拨款结转和结余（")
                ):
                    self.carry04[c["row_label"]] = amt
                    continue
                self.two[(t, c["side"], key, c["column"])] = amt
            elif t == "06":
                self.econ[c["subject_code"] or c["row_label"]] = amt
            elif t == "09":
                self.s09[c["column"]] = amt
        self.facts: dict[tuple[str, str | None], list[float]] = defaultdict(list)
        for f in doc.get("facts", []):
            self.facts[(f["kind"], f.get("subject_code"))].append(f["value"])

    def sub(self, t: str, code: str | None, col: str) -> int:
        return self.subject[t].get((code, col), 0)

    def tw(self, t: str, side: str, key: str, col: str = "amount") -> int:
        return self.two.get((t, side, key, col), 0)

    def fact(self, kind: str, code: str | None = None) -> list[float]:
        return self.facts.get((kind, code), [])


def _add(out: list[Violation], rule, table, where, lhs: int, rhs: int, addends: int = 1) -> None:
    if lhs != rhs:
        out.append(Violation(rule, table, where, round((lhs - rhs) / 100, 2), addends))


def _add_rate(out: list[Violation], rule, where, stated: float, num: int, den: int) -> None:
    if den == 0:
        return
    exact = num / den * 100
    if abs(stated - exact) > 0.01 + 1e-9:
        out.append(Violation(rule, None, where, round(stated - exact, 4), 1))


def check_document(doc: dict, prior: dict | None = None) -> list[Violation]:
    d = _Doc(doc)
    out: list[Violation] = []
    present = d.tables
    # ---- R-row ----
    for t, (tot, parts) in ROW_SUMS.items():
        if t not in present:
            continue
        for code in [None, *sorted(d.codes[t])]:
            _add(
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
            _add(
                out,
                "R-row",
                "04",
                key,
                d.tw("04", "expenditure", key, "total"),
                sum(d.tw("04", "expenditure", key, c) for c in ("general", "fund", "state_capital")),
                3,
            )
    if "09" in present:
        for p in ("budget", "actual"):
            s = d.s09
            _add(
                out,
                "R-row",
                "09",
                f"{p}_total",
                s.get(f"{p}_total", 0),
                s.get(f"{p}_outbound", 0) + s.get(f"{p}_vehicle", 0) + s.get(f"{p}_reception", 0),
                3,
            )
            _add(
                out,
                "R-row",
                "09",
                f"{p}_vehicle",
                s.get(f"{p}_vehicle", 0),
                s.get(f"{p}_vehicle_purchase", 0) + s.get(f"{p}_vehicle_operation", 0),
                2,
            )
    # ---- R-tree ----
    for t in SUBJECT_TABLES:
        if t not in present:
            continue
        cols = {col for (_code, col) in d.subject[t]}
        codes = d.codes[t]
        for col in sorted(cols):
            classes = sorted(c for c in codes if len(c) == 3)
            _add(
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
                _add(
                    out,
                    "R-tree",
                    t,
                    f"{parent}.{col}",
                    d.sub(t, parent, col),
                    sum(d.sub(t, k, col) for k in kids),
                    len(kids),
                )
    # ---- R-econ ----
    if "06" in present:
        e = d.econ
        for g in ("301", "302", "303", "310"):
            items = [k for k in e if len(k) == 5 and k.startswith(g) and k.isdigit()]
            _add(out, "R-econ", "06", g, e.get(g, 0), sum(e[k] for k in items), max(1, len(items)))
        _add(
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
        _add(
            out,
            "R-econ",
            "06",
            "公用经费合计",
            e.get("公用经费合计", 0),
            e.get("302", 0) + e.get("310", 0) + others,
            2,
        )
    # ---- R-01 ----
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
        _add(out, "R-01", "01", "本年收入合计", i("本年收入合计"), sum(i(k) for k in inc_items), 8)
        cls = [k[2] for k in d.two if k[0] == "01" and k[1] == "expenditure" and k[2].isdigit()]
        _add(out, "R-01", "01", "本年支出合计", x("本年支出合计"), sum(x(k) for k in cls), max(1, len(cls)))
        _add(
            out,
            "R-01",
            "01",
            "收入总计",
            i("总计"),
            i("本年收入合计") + i("使用非财政拨款结余") + i("年初结转和结余"),
            3,
        )
        _add(
            out,
            "R-01",
            "01",
            "支出总计",
            x("总计"),
            x("本年支出合计") + x("结余分配") + x("年末结转和结余"),
            3,
        )
        _add(out, "R-01", "01", "总计", i("总计"), x("总计"), 1)
    # ---- R-04 ----
    if "04" in present:
        i = lambda k: d.tw("04", "income", k)  # noqa: E731
        x = lambda k, c="total": d.tw("04", "expenditure", k, c)  # noqa: E731
        funds = ["一般公共预算财政拨款", "政府性基金预算财政拨款", "国有资本经营预算财政拨款"]
        _add(out, "R-04", "04", "本年收入合计", i("本年收入合计"), sum(i(k) for k in funds), 3)
        cls = sorted({k[2] for k in d.two if k[0] == "04" and k[1] == "expenditure" and k[2].isdigit()})
        for col in ("total", "general", "fund", "state_capital"):
            _add(
                out,
                "R-04",
                "04",
                f"本年支出合计.{col}",
                x("本年支出合计", col),
                sum(x(k, col) for k in cls),
                max(1, len(cls)),
            )
            _add(
                out,
                "R-04",
                "04",
                f"总计.{col}",
                x("总计", col),
                x("本年支出合计", col) + x("年末财政拨款结转和结余", col),
                2,
            )
        _add(out, "R-04", "04", "收入总计", i("总计"), i("本年收入合计") + i("年初财政拨款结转和结余"), 2)
        _add(out, "R-04", "04", "总计", i("总计"), x("总计"), 1)
        if d.carry04:
            _add(
                out,
                "R-04",
                "04",
                "年初财政拨款结转和结余",
                i("年初财政拨款结转和结余"),
                sum(d.carry04.values()),
                3,
            )
    # ---- R-07 ----
    if "07" in present:
        for code in [None, *sorted(d.codes["07"])]:
            s = lambda c, code=code: d.sub("07", code, c)  # noqa: E731
            _add(
                out,
                "R-07",
                "07",
                f"{code or '合计'}",
                s("closing"),
                s("opening") + s("income") - s("total"),
                3,
            )
    # ---- X-* ----
    if {"01", "02"} <= present:
        _add(
            out,
            "X-01",
            "01",
            "本年收入合计",
            d.tw("01", "income", "本年收入合计"),
            d.sub("02", None, "total"),
        )
    if {"01", "03"} <= present:
        _add(
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
            _add(out, "X-02", "01", c, d.tw("01", "expenditure", c), d.sub("03", c, "total"))
    if {"01", "04"} <= present:
        for a, b in (
            ("一般公共预算财政拨款收入", "一般公共预算财政拨款"),
            ("政府性基金预算财政拨款收入", "政府性基金预算财政拨款"),
            ("国有资本经营预算财政拨款收入", "国有资本经营预算财政拨款"),
        ):
            _add(out, "X-03", "01", a, d.tw("01", "income", a), d.tw("04", "income", b))
    if {"02", "04"} <= present:
        _add(
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
            _add(out, "X-05", "04", c, d.tw("04", "expenditure", c, "general"), d.sub("05", c, "total"))
        _add(
            out,
            "X-05",
            "04",
            "合计",
            d.tw("04", "expenditure", "本年支出合计", "general"),
            d.sub("05", None, "total"),
        )
    if {"05", "06"} <= present:
        _add(
            out,
            "X-06",
            "05",
            "基本支出",
            d.sub("05", None, "basic"),
            d.econ.get("人员经费合计", 0) + d.econ.get("公用经费合计", 0),
            2,
        )
    if {"04", "07"} <= present:
        _add(
            out,
            "X-07",
            "04",
            "政府性基金",
            d.tw("04", "expenditure", "本年支出合计", "fund"),
            d.sub("07", None, "total"),
        )
    if {"04", "08"} <= present:
        _add(
            out,
            "X-07",
            "04",
            "国有资本经营",
            d.tw("04", "expenditure", "本年支出合计", "state_capital"),
            d.sub("08", None, "total"),
        )
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
            a, b = d.s09.get(f"actual_{item}", 0), d.econ.get(econ, 0)
            if a < b:
                out.append(Violation("X-09", "09", item, round((a - b) / 100, 2), 1))

    # ---- N-* (narrative vs tables) ----
    def stated(kind: str, code: str | None, table_value: int, rule: str, table: str | None) -> None:
        for v in d.fact(kind, code):
            _add(out, rule, table, f"{kind}{'.' + code if code else ''}", _c(v), table_value)

    if "01" in present:
        stated("total", None, d.tw("01", "income", "总计"), "N-01", "01")
    if "02" in present:
        stated("income_total", None, d.sub("02", None, "total"), "N-01", "02")
        stated("fiscal_income", None, d.sub("02", None, "fiscal"), "N-01", "02")
        for v in d.fact("fiscal_income_share"):
            _add_rate(
                out, "N-02", "fiscal_income_share", v, d.sub("02", None, "fiscal"), d.sub("02", None, "total")
            )
    if "03" in present:
        stated("expenditure_total", None, d.sub("03", None, "total"), "N-01", "03")
        stated("basic_expenditure", None, d.sub("03", None, "basic"), "N-03", "03")
        stated("project_expenditure", None, d.sub("03", None, "project"), "N-03", "03")
        for kind, col in (("basic_expenditure_share", "basic"), ("project_expenditure_share", "project")):
            for v in d.fact(kind):
                _add_rate(out, "N-02", kind, v, d.sub("03", None, col), d.sub("03", None, "total"))
    if {"03", "05"} <= present:
        for v in d.fact("general_budget_expenditure_share"):
            _add_rate(
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
                    _add_rate(
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
            _add(
                out,
                "N-08",
                "05",
                "Σ项目执行数",
                sum(_c(v) for v in proj),
                d.sub("05", None, "project"),
                len(proj),
            )
    if "06" in present:
        stated("personnel_expenditure", None, d.econ.get("人员经费合计", 0), "N-03", "06")
        stated("public_expenditure", None, d.econ.get("公用经费合计", 0), "N-03", "06")
    if "09" in present:
        for kind, col in FACT_TO_09.items():
            stated(kind, None, d.s09.get(col, 0), "N-06", "09")
    # narrative-internal: budgets and rates
    items_b = {code: v[0] for (k, code), v in d.facts.items() if k == "item_budget_initial" and v}
    items_a = {code: v[0] for (k, code), v in d.facts.items() if k == "item_actual" and v}
    tot_b = d.fact("budget_initial_total")
    if tot_b and items_b:
        _add(out, "N-05", None, "Σ年初预算", sum(_c(v) for v in items_b.values()), _c(tot_b[0]), len(items_b))
    for (kind, code), vals in d.facts.items():
        if kind == "item_execution_rate" and code in items_b and code in items_a:
            for v in vals:
                _add_rate(out, "N-05", f"item_execution_rate.{code}", v, _c(items_a[code]), _c(items_b[code]))
    gbe = d.fact("general_budget_expenditure")
    for v in d.fact("execution_rate_total"):
        if tot_b and gbe:
            _add_rate(out, "N-05", "execution_rate_total", v, _c(gbe[0]), _c(tot_b[0]))
    ch, chp, tot = d.fact("total_change"), d.fact("total_change_pct"), d.fact("total")
    if ch and chp and tot:
        _add_rate(out, "N-02", "total_change_pct", chp[0], _c(ch[0]), _c(tot[0]) - _c(ch[0]))
    pb = {}
    pa = {}
    for f in doc.get("facts", []):
        if f["kind"] == "project_budget":
            pb[f["label"]] = f["value"]
        elif f["kind"] == "project_actual":
            pa[f["label"]] = f["value"]
    for f in doc.get("facts", []):
        if f["kind"] == "project_execution_rate" and f["label"] in pb and f["label"] in pa:
            _add_rate(
                out,
                "N-02",
                f"project_execution_rate.{f['label']}",
                f["value"],
                _c(pa[f["label"]]),
                _c(pb[f["label"]]),
            )
    cnt = d.fact("performance_project_count")
    if cnt and pa:
        _add(out, "N-08", None, "绩效项目数", int(cnt[0]) * 100, len(pa) * 100)
    amt = d.fact("performance_project_amount")
    if amt and pa:
        _add(out, "N-08", None, "绩效资金", _c(amt[0]), sum(_c(v) for v in pa.values()), len(pa))
    # ---- cross-year ----
    if prior is not None:
        p = _Doc(prior)
        if "01" in present and "01" in p.tables:
            _add(
                out,
                "Y-01",
                "01",
                "年初结转和结余",
                d.tw("01", "income", "年初结转和结余"),
                p.tw("01", "expenditure", "年末结转和结余"),
            )
        if "04" in present and "04" in p.tables:
            _add(
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
                _add(
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
                _add(out, "Y-02", None, "上年收支总计", _c(v), prior_total)
            if ch and tot:
                _add(out, "N-07", None, "收支总计增减", _c(ch[0]), _c(tot[0]) - prior_total)
    return out
