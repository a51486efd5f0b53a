"""The nine tables of one unit-year, derived from the truth (`UnitYear`), as
rows of integer cents (0.01 万元) keyed by the parse contract's column keys.

`TableSet` is format-neutral: faults and rounding edit its values, renderers
lay it out, and `cells()` lists what is printed (non-zero values in 万元) in the
contract's keys — the ground truth a faithful reader must return."""

from __future__ import annotations

from dataclasses import dataclass, field

from samplegen.catalog import (
    CLASSES,
    ECON_GROUPS,
    FUNDS_04,
    INCOME_ITEMS_01,
    PERSONNEL_GROUPS,
    PUBLIC_GROUPS,
    functional_name,
)
from samplegen.truth import UnitYear

COLUMNS = {
    "02": ["total", "fiscal", "superior_subsidy", "business", "operating", "affiliated_remittance", "other"],
    "03": ["total", "basic", "project", "remit_superior", "operating", "affiliated_subsidy"],
    "05": ["total", "basic", "project"],
    "05b": ["budget_initial", "budget_adjusted", "total", "basic", "project"],
    "07": ["opening", "income", "total", "basic", "project", "closing"],
    "08": ["total", "basic", "project"],
}
SANGONG_COLUMNS = [
    "total",
    "outbound",
    "vehicle",
    "vehicle_purchase",
    "vehicle_operation",
    "reception",
]
SANGONG_EXTRA = ["meeting", "training"]
# Column keys the generator prints that the contract does not list (yet): the
# 三公 table variant that adds 会议费/培训费.
EXTENSION_COLUMNS = {f"{s}_{c}" for s in ("budget", "actual") for c in SANGONG_EXTRA}


@dataclass
class Row:
    label: str  # printed label without ordinal prefix
    code: str | None
    values: dict[str, int]
    side: str | None = None
    kind: str = ""  # total | class | kuan | xiang | income | carry | carry_fund | group | item | sum
    printed: str | None = None  # label as printed when it differs from the contract label

    @property
    def required_code(self) -> str:
        """The code of a coded row (类/款/项, economic group or item): one without is a bug here."""
        assert self.code is not None, f"row {self.label} has no code"
        return self.code


@dataclass
class Table:
    id: str
    columns: list[str]
    rows: list[Row] = field(default_factory=list)

    def find(self, *, code: str | None = None, label: str | None = None, side: str | None = None) -> Row:
        for r in self.rows:
            if side is not None and r.side != side:
                continue
            if code is not None and r.code == code:
                return r
            if code is None and label is not None and r.label == label:
                return r
        raise KeyError((self.id, code, label, side))

    @property
    def has_data(self) -> bool:
        return any(v for r in self.rows for v in r.values.values())


@dataclass
class TableSet:
    year: int
    tables: dict[str, Table]
    missing: set[str] = field(default_factory=set)  # tables left out of the document (fault)

    def copy(self) -> TableSet:
        return TableSet(
            self.year,
            {
                k: Table(
                    t.id,
                    list(t.columns),
                    [Row(r.label, r.code, dict(r.values), r.side, r.kind, r.printed) for r in t.rows],
                )
                for k, t in self.tables.items()
            },
            set(self.missing),
        )

    def __getitem__(self, key: str) -> Table:
        return self.tables[key]


def _tree(year: int, per_code: dict[str, dict[str, int]], columns: list[str]) -> list[Row]:
    """合计 row, then 类 / 款 / 项 rows (depth first, by code) with exact sums."""
    items = {c: v for c, v in per_code.items() if any(v.get(k, 0) for k in columns)}
    total = {k: sum(v.get(k, 0) for v in items.values()) for k in columns}
    rows = [Row("合计", None, total, kind="total")]
    classes = sorted({c[:3] for c in items})
    for cls in classes:
        in_cls = {c: v for c, v in items.items() if c.startswith(cls)}
        rows.append(
            Row(
                functional_name(cls, year),
                cls,
                {k: sum(v.get(k, 0) for v in in_cls.values()) for k in columns},
                kind="class",
            )
        )
        for kuan in sorted({c[:5] for c in in_cls}):
            in_kuan = {c: v for c, v in in_cls.items() if c.startswith(kuan)}
            rows.append(
                Row(
                    functional_name(kuan, year),
                    kuan,
                    {k: sum(v.get(k, 0) for v in in_kuan.values()) for k in columns},
                    kind="kuan",
                )
            )
            for code in sorted(in_kuan):
                rows.append(
                    Row(
                        functional_name(code, year),
                        code,
                        {k: in_kuan[code].get(k, 0) for k in columns},
                        kind="xiang",
                    )
                )
    return rows


def build_tables(uy: UnitYear, *, budget_cols: bool = False, sangong_extra: bool = False) -> TableSet:
    y = uy.year
    lines = uy.lines.values()
    t: dict[str, Table] = {}

    # 02 收入决算表
    per02 = {
        ln.code: {
            "fiscal": ln.fiscal_income,
            "superior_subsidy": ln.inc_superior,
            "business": ln.inc_business,
            "operating": ln.inc_operating,
            "affiliated_remittance": ln.inc_affiliated,
            "other": ln.inc_other,
            "total": ln.total_income,
        }
        for ln in lines
    }
    t["02"] = Table("02", COLUMNS["02"], _tree(y, per02, COLUMNS["02"]))
    # 03 支出决算表
    per03 = {
        ln.code: {
            "total": ln.total_exp,
            "basic": ln.basic,
            "project": ln.project,
            "remit_superior": ln.remit,
            "operating": ln.operating,
            "affiliated_subsidy": ln.aff_sub,
        }
        for ln in lines
    }
    t["03"] = Table("03", COLUMNS["03"], _tree(y, per03, COLUMNS["03"]))
    # 05 一般公共预算财政拨款支出决算表
    cols05 = COLUMNS["05b"] if budget_cols else COLUMNS["05"]
    per05 = {
        ln.code: {
            "total": ln.gen_exp,
            "basic": ln.gen_basic,
            "project": ln.gen_project,
            "budget_initial": ln.budget_initial,
            "budget_adjusted": ln.budget_adjusted,
        }
        for ln in lines
        if ln.gen_exp
    }
    t["05"] = Table("05", cols05, _tree(y, per05, cols05))
    # 07 政府性基金
    per07 = {
        ln.code: {
            "opening": ln.fund_open,
            "income": ln.inc_fund,
            "total": ln.fund_exp,
            "basic": ln.fund_basic,
            "project": ln.fund_project,
            "closing": ln.fund_close,
        }
        for ln in lines
    }
    t["07"] = Table("07", COLUMNS["07"], _tree(y, per07, COLUMNS["07"]))
    # 08 国有资本经营
    per08 = {ln.code: {"total": ln.sc_exp, "basic": ln.sc_basic, "project": ln.sc_project} for ln in lines}
    t["08"] = Table("08", COLUMNS["08"], _tree(y, per08, COLUMNS["08"]))

    # 01 收入支出决算总表
    inc = {
        "general": sum(ln.inc_general for ln in lines),
        "fund": sum(ln.inc_fund for ln in lines),
        "state_capital": sum(ln.inc_sc for ln in lines),
        "superior_subsidy": sum(ln.inc_superior for ln in lines),
        "business": sum(ln.inc_business for ln in lines),
        "operating": sum(ln.inc_operating for ln in lines),
        "affiliated_remittance": sum(ln.inc_affiliated for ln in lines),
        "other": sum(ln.inc_other for ln in lines),
    }
    income_total = sum(inc.values())
    fiscal_open = sum(ln.gen_open + ln.fund_open for ln in lines)
    fiscal_close = sum(ln.gen_close + ln.fund_close for ln in lines)
    opening = fiscal_open + uy.nf_open
    closing = fiscal_close + uy.nf_close
    exp_by_class: dict[str, int] = {}
    for ln in lines:
        exp_by_class[ln.code[:3]] = exp_by_class.get(ln.code[:3], 0) + ln.total_exp
    exp_total = sum(exp_by_class.values())
    grand_in = income_total + uy.use_nf + opening
    grand_out = exp_total + uy.distribution + closing
    assert grand_in == grand_out, (uy.unit_id, uy.year, grand_in, grand_out)
    rows01: list[Row] = [
        Row(label, None, {"amount": inc[k]}, "income", "income") for k, label in INCOME_ITEMS_01
    ]
    rows01 += [
        Row("本年收入合计", None, {"amount": income_total}, "income", "sum"),
        Row("使用非财政拨款结余", None, {"amount": uy.use_nf}, "income", "carry"),
        Row("年初结转和结余", None, {"amount": opening}, "income", "carry"),
        Row("总计", None, {"amount": grand_in}, "income", "sum"),
    ]
    rows01 += [
        Row(name, code, {"amount": exp_by_class.get(code, 0)}, "expenditure", "class")
        for code, name in CLASSES
    ]
    rows01 += [
        Row("本年支出合计", None, {"amount": exp_total}, "expenditure", "sum"),
        Row("结余分配", None, {"amount": uy.distribution}, "expenditure", "carry"),
        Row("年末结转和结余", None, {"amount": closing}, "expenditure", "carry"),
        Row("总计", None, {"amount": grand_out}, "expenditure", "sum"),
    ]
    t["01"] = Table("01", ["amount"], rows01)

    # 04 财政拨款收入支出决算总表
    f_in = {"general": inc["general"], "fund": inc["fund"], "state_capital": inc["state_capital"]}
    f_open = {
        "general": sum(ln.gen_open for ln in lines),
        "fund": sum(ln.fund_open for ln in lines),
        "state_capital": 0,
    }
    f_close = {
        "general": sum(ln.gen_close for ln in lines),
        "fund": sum(ln.fund_close for ln in lines),
        "state_capital": 0,
    }
    by_class4: dict[str, dict[str, int]] = {}
    for ln in lines:
        d = by_class4.setdefault(ln.code[:3], {"general": 0, "fund": 0, "state_capital": 0})
        d["general"] += ln.gen_exp
        d["fund"] += ln.fund_exp
        d["state_capital"] += ln.sc_exp
    f_in_total = sum(f_in.values())
    rows04: list[Row] = [Row(label, None, {"amount": f_in[k]}, "income", "income") for k, label in FUNDS_04]
    rows04.append(Row("本年收入合计", None, {"amount": f_in_total}, "income", "sum"))
    rows04.append(Row("年初财政拨款结转和结余", None, {"amount": sum(f_open.values())}, "income", "carry"))
    # The breakdown rows print the fund's name; the contract label names the parent
    # too (年初财政拨款结转和结余（一般公共预算财政拨款）) so it cannot be mistaken for the income row.
    rows04 += [
        Row(f"年初财政拨款结转和结余（{label}）", None, {"amount": f_open[k]}, "income", "carry_fund", label)
        for k, label in FUNDS_04
    ]
    rows04.append(Row("总计", None, {"amount": f_in_total + sum(f_open.values())}, "income", "sum"))

    def four(d: dict[str, int]) -> dict[str, int]:
        return {"total": d["general"] + d["fund"] + d["state_capital"], **d}

    zero3 = {"general": 0, "fund": 0, "state_capital": 0}
    rows04 += [
        Row(name, code, four(by_class4.get(code, zero3)), "expenditure", "class") for code, name in CLASSES
    ]
    exp4 = {k: sum(d[k] for d in by_class4.values()) for k in ("general", "fund", "state_capital")}
    rows04.append(Row("本年支出合计", None, four(exp4), "expenditure", "sum"))
    rows04.append(Row("年末财政拨款结转和结余", None, four(f_close), "expenditure", "carry"))
    rows04.append(
        Row("总计", None, four({k: exp4[k] + f_close[k] for k in exp4}), "expenditure", "sum"),
    )
    assert f_in_total + sum(f_open.values()) == sum(exp4.values()) + sum(f_close.values())
    t["04"] = Table("04", ["amount", "total", "general", "fund", "state_capital"], rows04)

    # 06 一般公共预算财政拨款基本支出决算明细表
    rows06: list[Row] = []
    for group, (gname, items) in ECON_GROUPS.items():
        rows06.append(Row(gname, group, {"amount": sum(uy.econ.get(c, 0) for c, _ in items)}, kind="group"))
        rows06 += [Row(name, code, {"amount": uy.econ.get(code, 0)}, kind="item") for code, name in items]
    personnel = sum(v for k, v in uy.econ.items() if k[:3] in PERSONNEL_GROUPS)
    public = sum(v for k, v in uy.econ.items() if k[:3] in PUBLIC_GROUPS)
    rows06.append(Row("人员经费合计", None, {"amount": personnel}, kind="sum"))
    rows06.append(Row("公用经费合计", None, {"amount": public}, kind="sum"))
    t["06"] = Table("06", ["amount"], rows06)

    # 09 三公
    vals: dict[str, int] = {}
    for prefix, src in (("budget", uy.sangong_budget), ("actual", uy.sangong_actual)):
        vehicle = src["vehicle_purchase"] + src["vehicle_operation"]
        vals[f"{prefix}_total"] = src["outbound"] + vehicle + src["reception"]
        vals[f"{prefix}_outbound"] = src["outbound"]
        vals[f"{prefix}_vehicle"] = vehicle
        vals[f"{prefix}_vehicle_purchase"] = src["vehicle_purchase"]
        vals[f"{prefix}_vehicle_operation"] = src["vehicle_operation"]
        vals[f"{prefix}_reception"] = src["reception"]
        if sangong_extra:
            vals[f"{prefix}_meeting"] = src["meeting"]
            vals[f"{prefix}_training"] = src["training"]
    cols09 = [
        f"{p}_{c}"
        for p in ("budget", "actual")
        for c in SANGONG_COLUMNS + (SANGONG_EXTRA if sangong_extra else [])
    ]
    t["09"] = Table("09", cols09, [Row("三公经费", None, vals, kind="sum")])
    return TableSet(y, t)


def cells(ts: TableSet) -> list[dict]:
    """Non-zero printed cells in the contract's keys, amounts in 万元."""
    out: list[dict] = []
    for tid in sorted(ts.tables):
        if tid in ts.missing:
            continue
        tab = ts.tables[tid]
        for r in tab.rows:
            for col in tab.columns:
                v = r.values.get(col, 0)
                if not v:
                    continue
                if tid in ("01", "04"):
                    if r.side == "income" and col != "amount":
                        continue
                    if r.side == "expenditure" and tid == "04" and col == "amount":
                        continue
                out.append(
                    {
                        "table": tid,
                        "side": r.side,
                        "row_label": r.label,
                        "subject_code": r.code,
                        "column": col,
                        "amount": round(v / 100, 2),
                    }
                )
    return out
