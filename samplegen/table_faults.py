"""Table faults: edit the printed `TableSet` so that one identity (the fault's
rule, samplegen.faults) breaks, recording each changed cell with the value that
would have been consistent."""

from __future__ import annotations

import random

from samplegen.faults import FaultRecord, visible_delta
from samplegen.tables import Row, Table, TableSet


def _set(
    rec: list, t: Table, row: Row, col: str, delta: int, rule: str, desc: str, primary: bool = True
) -> None:
    old = row.values.get(col, 0)
    row.values[col] = old + delta
    if primary:
        rec.append(_cell(rule, t.id, row.label, row.code, col, old, old + delta, desc))


def _cell(
    rule: str, tid: str, label: str, code: str | None, col: str, was: int, now: int, desc: str
) -> FaultRecord:
    """A changed cell (amounts in fen here, in 万元 in the record)."""
    return FaultRecord(rule, tid, label, code, col, round(was / 100, 2), round(now / 100, 2), desc)


def _shift_path(t: Table, row: Row, moves: dict[str, int]) -> None:
    """Move amounts along a 项 row's path so every subtotal and the 合计 stay consistent."""
    for x in _path(t, row.required_code):
        for col, d in moves.items():
            x.values[col] += d


def _path(t: Table, code: str) -> list[Row]:
    """The 项 row, its 款 and 类 rows and the 合计 row."""
    out = [t.rows[0]]
    for k in (3, 5, 7):
        if len(code) >= k:
            out.append(t.find(code=code[:k]))
    return out


def _xiang(t: Table, col: str = "total", minimum: int = 1) -> list[Row]:
    return [r for r in t.rows if r.kind == "xiang" and r.values.get(col, 0) >= minimum]


def apply_table_fault(rule: str, ts: TableSet, r: random.Random) -> list[FaultRecord] | None:
    """Edit the printed tables so that `rule` breaks; None when not applicable."""
    rec: list[FaultRecord] = []
    T = ts.tables
    if rule == "R-row":
        for tid in r.sample(["03", "02", "05"], 3):
            rows = _xiang(T[tid])
            if rows:
                row = r.choice(rows)
                d = visible_delta(r, row.values["total"])
                _set(rec, T[tid], row, "total", d, rule, f"{tid}表{row.label}行合计数与分项之和不符")
                return rec
        return None
    if rule == "R-tree":
        for tid in r.sample(["03", "05", "02"], 3):
            t = T[tid]
            kuans = [x for x in t.rows if x.kind == "kuan"]
            if not kuans:
                continue
            row = r.choice(kuans)
            comps = [c for c in t.columns if c not in ("total", "budget_initial", "budget_adjusted")]
            comp = max(comps, key=lambda c: row.values.get(c, 0))
            d = visible_delta(r, row.values[comp])
            _set(rec, t, row, "total", d, rule, f"{tid}表款级科目{row.code}小计与所属项级科目之和不符")
            _set(rec, t, row, comp, d, rule, "", primary=False)
            return rec
        return None
    if rule == "R-econ":
        t = T["06"]
        items = [
            x
            for x in t.rows
            if x.kind == "item"
            and x.values["amount"] > 0
            and x.code not in ("30212", "30217", "30231", "31013")
        ]
        if not items:
            return None
        row = r.choice(items)
        d = visible_delta(r, row.values["amount"])
        _set(rec, t, row, "amount", d, rule, f"06表{row.code}{row.label}与所属经济分类合计不符")
        return rec
    if rule == "R-01":
        t = T["01"]
        rows = [x for x in t.rows if x.kind == "class" and x.values["amount"] > 0]
        row = r.choice(rows)
        d = visible_delta(r, row.values["amount"])
        _set(rec, t, row, "amount", d, rule, f"01表{row.label}与本年支出合计不符")
        return rec
    if rule == "R-04":
        t = T["04"]
        rows = [x for x in t.rows if x.kind == "class" and x.values["general"] > 0]
        row = r.choice(rows)
        d = visible_delta(r, row.values["general"])
        _set(rec, t, row, "general", d, rule, f"04表{row.label}一般公共预算财政拨款支出与本年支出合计不符")
        _set(rec, t, row, "total", d, rule, "", primary=False)
        return rec
    if rule == "R-07":
        t = T["07"]
        rows = _xiang(t, "total", 0) if t.has_data else []
        rows = [x for x in rows if any(x.values.values())]
        if not rows:
            return None
        row = r.choice(rows)
        d = visible_delta(r, row.values["opening"] or row.values["total"])
        if row.values["opening"] + d < 0:
            d = -d
        _set(
            rec, t, row, "opening", d, rule, f"07表{row.label}年初结转和结余+本年收入-本年支出≠年末结转和结余"
        )
        return rec
    if rule == "X-01":
        t = T["02"]
        rows = _xiang(t)
        if not rows:
            return None
        row = r.choice(rows)
        col = "business" if t.rows[0].values.get("business") else "other"
        d = abs(visible_delta(r, row.values["total"]))
        _shift_path(t, row, {"total": d, col: d})
        tot = t.rows[0].values["total"]
        rec.append(
            _cell(rule, "02", "合计", None, "total", tot - d, tot, "02表收入合计与01表本年收入合计不符")
        )
        return rec
    if rule == "X-02":
        t = T["01"]
        rows = [x for x in t.rows if x.kind == "class" and x.values["amount"] > 100]
        if len(rows) < 2:
            return None
        a, b = r.sample(rows, 2)
        d = r.randint(50, min(a.values["amount"], b.values["amount"]) - 1)
        _set(rec, t, a, "amount", d, rule, f"01表{a.label}与03表同类支出不符")
        _set(rec, t, b, "amount", -d, rule, f"01表{b.label}与03表同类支出不符")
        return rec
    if rule == "X-03":
        t = T["04"]
        gen = t.find(label="一般公共预算财政拨款", side="income")
        fund = t.find(label="政府性基金预算财政拨款", side="income")
        d = r.randint(50, max(51, gen.values["amount"] // 10))
        if d >= gen.values["amount"]:
            return None
        _set(rec, t, gen, "amount", -d, rule, "04表一般公共预算财政拨款收入与01表不符")
        _set(rec, t, fund, "amount", d, rule, "04表政府性基金预算财政拨款收入与01表不符")
        return rec
    if rule == "X-04":
        t = T["02"]
        rows = [x for x in _xiang(t, "fiscal", 100)]
        if not rows:
            return None
        row = r.choice(rows)
        d = r.randint(50, row.values["fiscal"] - 1)
        _shift_path(t, row, {"fiscal": -d, "other": d})
        tot = t.rows[0].values["fiscal"]
        desc = "02表财政拨款收入与04表本年收入合计不符（误列为其他收入）"
        rec.append(_cell(rule, "02", "合计", None, "fiscal", tot + d, tot, desc))
        return rec
    if rule == "X-05":
        t = T["04"]
        rows = [x for x in t.rows if x.kind == "class" and x.values["general"] > 100]
        if len(rows) < 2:
            return None
        a, b = r.sample(rows, 2)
        d = r.randint(50, min(a.values["general"], b.values["general"]) - 1)
        for row, dd in ((a, d), (b, -d)):
            _set(rec, t, row, "general", dd, rule, f"04表{row.label}一般公共预算支出与05表不符")
            _set(rec, t, row, "total", dd, rule, "", primary=False)
        return rec
    if rule == "X-06":
        t = T["06"]
        items = [
            x
            for x in t.rows
            if x.kind == "item" and x.required_code.startswith("301") and x.values["amount"] > 0
        ]
        row = r.choice(items)
        d = visible_delta(r, row.values["amount"])
        _set(rec, t, row, "amount", d, rule, "06表人员经费合计与05表基本支出不符")
        t.find(code="301").values["amount"] += d
        t.find(label="人员经费合计").values["amount"] += d
        return rec
    if rule == "X-07":
        for tid, cols in (("07", ("total", "project", "income")), ("08", ("total", "project"))):
            t = T[tid]
            rows = _xiang(t, "project")
            if not rows:
                continue
            row = r.choice(rows)
            d = abs(visible_delta(r, row.values["total"]))
            _shift_path(t, row, dict.fromkeys(cols, d))
            tot = t.rows[0].values["total"]
            desc = f"{tid}表本年支出合计与04表相应资金来源合计不符"
            rec.append(_cell(rule, tid, "合计", None, "total", tot - d, tot, desc))
            return rec
        return None
    if rule == "X-08":
        t5, t3 = T["05"], T["03"]
        rows = [
            x for x in _xiang(t5, "project") if t3.find(code=x.code).values["project"] == x.values["project"]
        ]
        col = "project"
        if not rows:
            rows = [
                x for x in _xiang(t5, "basic") if t3.find(code=x.code).values["basic"] == x.values["basic"]
            ]
            col = "basic"
        if not rows:
            return None
        row = r.choice(rows)
        d = abs(visible_delta(r, row.values[col]))
        old = row.values["total"]
        _shift_path(t5, row, {"total": d, col: d})
        desc = "05表一般公共预算支出大于03表同一科目的全部支出"
        rec.append(_cell(rule, "05", row.label, row.code, "total", old, row.values["total"], desc))
        return rec
    if rule == "X-09":
        t6, t9 = T["06"], T["09"]
        v = t9.rows[0].values
        for item, econ in (("reception", "30217"), ("vehicle_operation", "30231"), ("outbound", "30212")):
            line = t6.find(code=econ).values["amount"]
            if line > 1:
                cur = v[f"actual_{item}"]
                new = r.randint(0, line - 1)
                d = new - cur
                v[f"actual_{item}"] = new
                v["actual_total"] += d
                if item.startswith("vehicle"):
                    v["actual_vehicle"] += d
                desc = f"09表{item}决算数小于06表对应经济科目{econ}"
                rec.append(_cell(rule, "09", "三公经费", None, f"actual_{item}", cur, new, desc))
                return rec
        return None
    raise ValueError(rule)
