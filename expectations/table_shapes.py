"""The shapes over table cells and stated amounts (docs/rules.md, Shapes): a term
picks rows of a table (or a stated fact), and a check compares sums of terms.

dbt computes the residuals of the checks that read table cells only
(``expectations.sql_checks.is_sql_check``: row_sum, tree, econ_tree, per_subject,
the equations without a stated fact); the functions here compute them too for a
warehouse without a dbt build (raw tables only) and for ``evaluate`` on parsed
documents. The checks that compare a stated amount (``fact`` terms, per_fact,
ratio) are computed here only: their finding carries the sentence the amount
came from and the reader's "row not found" (insufficient_data), which the
narrative's free text decides."""

from __future__ import annotations

from collections import defaultdict

from expectations.model import _EPS, Doc, Row, Value, _Ctx, _decimals, _gate, _judge, _Out


def _rows(doc: Doc, t: str, side: str | None) -> list[Row]:
    return doc.rows_of(t, side)[0]


def _term(ctx: _Ctx, term: dict, code: str | None = None) -> Value | None:
    sign = float(term.get("sign", 1))
    if "fact" in term:
        items = ctx.doc.facts.get(term["fact"], [])
        if code is not None:
            items = [f for f in items if f[0] == code]
        if not items:
            return None
        f = items[0]
        return Value(sign * f[2], 1 if f[2] else 0, None, f[1], f[3], f[4])
    if "count" in term:
        items = ctx.doc.facts.get(term["count"], [])
        return Value(sign * len(items), 1, None, None, items[0][3]) if items else None
    if "facts" in term:
        items = ctx.doc.facts.get(term["facts"], [])
        if not items:
            return None
        return Value(
            sign * sum(f[2] for f in items),
            sum(1 for f in items if f[2]),
            None,
            None,
            items[0][3],
            items[0][4],
        )
    doc = ctx.prior if term.get("year") == "prior" else ctx.doc
    if doc is None:
        return None
    t, side, col = term["t"], term.get("side"), term.get("col", "amount")
    rows, by_label, by_code = doc.rows_of(t, side)
    picked: list[Row] = []
    if term.get("row") == "total":
        picked = [r for r in rows if r.code is None][:1]
    elif "label" in term:
        hit = by_label.get(term["label"])
        picked = [hit] if hit else []
    elif "code" in term:
        want = str(term["code"]).replace("{code}", code or "")
        hit = by_code.get(want)
        picked = [hit] if hit else []
    elif "level" in term:
        picked = [r for r in rows if r.code and len(r.code) == int(term["level"])]
    elif "before" in term:
        stop = next((r.row_no for r in rows if r.label == term["before"]), None)
        picked = [r for r in rows if stop is not None and r.row_no < stop]
    vals = [r.vals.get(col, 0.0) for r in picked]
    first = picked[0] if picked else None
    named = term.get("row") == "total" or "label" in term
    return Value(
        sign * sum(vals),
        sum(1 for v in vals if v),
        t,
        first.label if first else term.get("label"),
        first.page if first else None,
        missing=named and not picked and bool(rows),
    )


def _terms_tables(terms: list[dict]) -> set[str]:
    return {t["t"] for t in terms if "t" in t and t.get("year") != "prior"}


def _has_fact_terms(terms: list[dict]) -> bool:
    return any("fact" in t or "facts" in t or "count" in t for t in terms)


def _present(values: list[Value | None]) -> list[Value] | None:
    """The values when every one is there, else None."""
    if any(v is None for v in values):
        return None
    return [v for v in values if v is not None]


def _compare(
    out: _Out,
    ctx: _Ctx,
    check: dict,
    policy: str,
    where: str,
    lhs: list[dict],
    rhs: list[dict],
    code: str | None = None,
) -> None:
    lv = _present([_term(ctx, t, code) for t in lhs])
    rv = _present([_term(ctx, t, code) for t in rhs])
    if lv is None or rv is None:
        return  # a stated fact or last year's document is not there: nothing to compare
    tables = _terms_tables(lhs + rhs)
    gate = _gate(ctx.doc, tables)
    loc = next((v for v in lv + rv if v.table), None)
    table = loc.table if loc else None
    if gate:
        out.add(gate, table, where)
        return
    if not _has_fact_terms(lhs + rhs) and not any(ctx.doc.has_lines(t) for t in tables):
        return  # every table involved is empty: reported as zero, nothing to check
    said = next((v for v in lv + rv if v.text), None)
    if _has_fact_terms(lhs + rhs) and any(v.missing for v in lv + rv):
        # a stated total against a table row the reader did not find: not "0 = 0"
        out.add(
            "insufficient_data",
            table,
            where,
            page=said.page if said else None,
            evidence=said.text if said else None,
        )
        return
    actual, expected = sum(v.value for v in lv), sum(v.value for v in rv)
    n = max(sum(v.addends for v in lv), sum(v.addends for v in rv), 1)
    outcome, tol, excess = _judge(actual - expected, n, policy, check.get("op", "eq"))
    out.add(
        outcome,
        table,
        where,
        expected,
        actual,
        tol,
        excess,
        said.page if said else (loc.page if loc else None),
        loc.row_label if loc else None,
        said.text if said else None,
    )


def _row_sum(out: _Out, ctx: _Ctx, check: dict, policy: str) -> None:
    t, side = check["t"], check.get("side")
    gate = _gate(ctx.doc, {t})
    if gate:
        out.add(gate, t, f"{t}表")
        return
    total = check["total"]
    parts = [(p[1:], -1.0) if p.startswith("-") else (p, 1.0) for p in check["parts"]]
    for r in _rows(ctx.doc, t, side):
        if side is None and r.side not in (None,) and t in ("01", "04"):
            continue
        if total not in r.vals and not any(p in r.vals for p, _ in parts):
            continue
        comps = [s * r.vals.get(p, 0.0) for p, s in parts]
        actual, expected = r.vals.get(total, 0.0), sum(comps)
        n = max(1, sum(1 for c in comps if c))
        outcome, tol, excess = _judge(actual - expected, n, policy)
        out.add(outcome, t, f"{r.label}.{total}", expected, actual, tol, excess, r.page, r.label)


def _tree(out: _Out, ctx: _Ctx, check: dict, policy: str) -> None:
    for t in check["tables"]:
        if not ctx.doc.has_lines(t):
            gate = _gate(ctx.doc, {t})
            if gate == "insufficient_data":
                out.add(gate, t, f"{t}表")
            continue
        if t in ctx.doc.unreadable:
            out.add("insufficient_data", t, f"{t}表")
            continue
        rows = _rows(ctx.doc, t, None)
        coded = {r.code: r for r in rows if r.code}
        total_row = next((r for r in rows if r.code is None), None)
        cols = sorted({c for r in rows for c in r.vals})
        children: dict[str | None, list[Row]] = defaultdict(list)
        for code, r in coded.items():
            if len(code) == 3:
                children[None].append(r)
            elif len(code) in (5, 7):
                up = code[: len(code) - 2]
                if up in coded:
                    children[up].append(r)
        for parent, kids in children.items():
            prow = total_row if parent is None else coded[parent]
            if prow is None:
                continue
            present = set(prow.vals).union(*(k.vals for k in kids))
            for col in (c for c in cols if c in present):
                vals = [k.vals.get(col, 0.0) for k in kids]
                actual, expected = prow.vals.get(col, 0.0), sum(vals)
                if not actual and not any(vals):
                    continue
                outcome, tol, excess = _judge(actual - expected, sum(1 for v in vals if v), policy)
                out.add(
                    outcome,
                    t,
                    f"{prow.code or '合计'} {prow.label}.{col}",
                    expected,
                    actual,
                    tol,
                    excess,
                    prow.page,
                    prow.label,
                )


def _econ_tree(out: _Out, ctx: _Ctx, check: dict, policy: str) -> None:
    t = check["t"]
    gate = _gate(ctx.doc, {t})
    if gate:
        out.add(gate, t, f"{t}表")
        return
    coded = [(r.code, r) for r in _rows(ctx.doc, t, None) if r.code]
    groups = {c: r for c, r in coded if len(c) == 3}
    for code, g in groups.items():
        kids = [r for c, r in coded if len(c) == 5 and c.startswith(code)]
        if not kids:
            continue
        vals = [k.vals.get("amount", 0.0) for k in kids]
        actual, expected = g.vals.get("amount", 0.0), sum(vals)
        outcome, tol, excess = _judge(actual - expected, sum(1 for v in vals if v), policy)
        out.add(outcome, t, f"{code} {g.label}", expected, actual, tol, excess, g.page, g.label)


def _per_subject(out: _Out, ctx: _Ctx, check: dict, policy: str) -> None:
    left, right = check["left"], check["right"]
    level = check.get("level", "all")
    tables = {left["t"], right["t"]}
    gate = _gate(ctx.doc, tables)
    if gate:
        out.add(gate, left["t"], f"{left['t']}-{right['t']}")
        return
    labels: dict[str, Row] = {}
    for term in (left, right):
        for r in _rows(ctx.doc, term["t"], term.get("side")):
            if r.code and (level == "all" or len(r.code) == int(level)):
                labels.setdefault(r.code, r)
    lcodes = ctx.doc.rows_of(left["t"], left.get("side"))[2]
    rcodes = ctx.doc.rows_of(right["t"], right.get("side"))[2]
    lcol, rcol = left.get("col", "amount"), right.get("col", "amount")
    for code in sorted(labels):
        lrow, rrow = lcodes.get(code), rcodes.get(code)
        lval = lrow.vals.get(lcol, 0.0) if lrow else 0.0
        rval = rrow.vals.get(rcol, 0.0) if rrow else 0.0
        if not lval and not rval:
            continue
        outcome, tol, excess = _judge(lval - rval, 1, policy, check.get("op", "eq"))
        r = labels[code]
        out.add(outcome, left["t"], f"{code} {r.label}.{lcol}", rval, lval, tol, excess, r.page, r.label)


def _per_fact(out: _Out, ctx: _Ctx, check: dict, policy: str) -> None:
    right = check["right"]
    for code, label, value, page, text in ctx.doc.facts.get(check["fact"], []):
        if not code:
            continue
        gate = _gate(ctx.doc, {right["t"]})
        if gate:
            out.add(gate, right["t"], f"{code} {label}")
            continue
        rv = _term(ctx, {**right, "code": code})
        if rv is None:
            continue  # last year's document is not there: nothing to compare
        outcome, tol, excess = _judge(value - rv.value, 1, policy)
        out.add(outcome, right["t"], f"{code} {label}", rv.value, value, tol, excess, page, label, text)


def _ratio(out: _Out, ctx: _Ctx, check: dict, policy: str) -> None:
    facts = ctx.doc.facts.get(check["fact"], [])
    if not check.get("per_subject"):
        facts = facts[:1]
    for code, label, stated, page, text in facts:
        if check.get("per_subject") and not code:
            continue
        terms = check["num"] + check["den"]
        gate = _gate(ctx.doc, _terms_tables(terms))
        where = f"{check.get('where', '')} {code or ''}".strip()
        if gate:
            out.add(gate, None, where)
            continue
        num = _present([_term(ctx, t, code) for t in check["num"]])
        den = _present([_term(ctx, t, code) for t in check["den"]])
        if num is None or den is None:
            continue
        d = sum(v.value for v in den)
        if abs(d) < _EPS:
            continue
        expected = 100.0 * sum(v.value for v in num) / d
        outcome, tol, excess = _judge(stated - expected, 1, "percent", stated_decimals=_decimals(stated))
        out.add(outcome, None, where, expected, stated, tol, excess, page, label, text)


def _equation(out: _Out, ctx: _Ctx, check: dict, policy: str) -> None:
    _compare(out, ctx, check, policy, check.get("where", ""), check["lhs"], check["rhs"])


SHAPES = {
    "row_sum": _row_sum,
    "tree": _tree,
    "econ_tree": _econ_tree,
    "equation": _equation,
    "per_subject": _per_subject,
    "per_fact": _per_fact,
    "ratio": _ratio,
}
