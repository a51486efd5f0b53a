"""Shapes that check what the narrative says, not only its numbers (docs/rules.md):
comparison words and the rates and changes computed from two stated amounts
(`claim`), stated values against the fiscal year or a constant (`fact_value`),
numbered lists (`sequence`), the template order of sections (`order`), shares of
one breakdown (`share_sum`), notes on empty tables (`empty_note`) and the 项 of
section 五(三) against table 05 (`coverage`).

Every finding carries the sentence (or line) it read as ``evidence`` and its page.
A check whose input the reader did not find does not pass: it emits nothing
(not_applicable when the whole rule found nothing) or insufficient_data."""

from __future__ import annotations

from expectations.model import _EPS, Doc, _decimals, _gate, _judge, _Out


def _add(out: _Out, outcome, table, where, *args, **kw) -> None:
    """out.add with a location unique within the rule and document (finding ids are
    md5 of document, rule, table and location): a repeated one gets "（2）", "（3）"."""
    seen = out.__dict__.setdefault("_where_seen", {})
    n = seen[(table, where)] = seen.get((table, where), 0) + 1
    out.add(outcome, table, where if n == 1 else f"{where}（{n}）", *args, **kw)


def _has_amounts(doc: Doc) -> bool:
    """A blank template (tables without a single amount) is not a disclosure to check."""
    return any(doc.rows.values())


def _narrative_read(doc: Doc) -> bool:
    return bool(doc.facts)


def _claims(doc: Doc, prefix: str) -> list[dict[str, tuple]]:
    """Facts of one claim share label, page and sentence: {kind suffix: fact}."""
    hit = doc._index.get(("claims", prefix))
    if hit is not None:
        return hit
    groups: dict[tuple, dict[str, tuple]] = {}
    for kind, items in doc.facts.items():
        if not kind.startswith(prefix):
            continue
        part = kind[len(prefix) :]
        for f in items:
            groups.setdefault((f[1], f[3], f[4]), {}).setdefault(part, f)
    out = doc._index[("claims", prefix)] = list(groups.values())
    return out


def _word_excess(word: float, diff: float, base: float) -> float:
    """> 0 when the word contradicts current − base."""
    if word > 0:
        return 0.005 - diff  # 大于: the difference must be positive at two decimals
    if word < 0:
        return 0.005 + diff
    return abs(diff) - max(0.01, 0.005 * abs(base))  # 持平/等于: within rounding (0.5% of large amounts)


def _claim(out: _Out, ctx, check: dict, policy: str) -> None:
    doc, test = ctx.doc, check["test"]
    for c in _claims(doc, check.get("prefix", "cmp_")):
        any_f = next(iter(c.values()))
        label, page, text = any_f[1], any_f[3], any_f[4]
        where = f"{check.get('where', test)} {label}"
        cur, base = c.get("current"), c.get("base")
        if test == "direction" and "word" in c and cur and base:
            word = c["word"][2]
            bases = [base] + ([c["base_alt"]] if "base_alt" in c else [])
            over = min(_word_excess(word, cur[2] - b[2], b[2]) for b in bases)  # either reading of 预算
            outcome = "fail" if over > _EPS else "pass"
            _add(out, outcome, None, where, base[2], cur[2], 0.0, over, page, label, text)
        elif test == "rate" and "rate" in c and cur:
            dens = [d for d in (c.get("rate_base") or base, c.get("rate_base_alt")) if d and abs(d[2]) > _EPS]
            if not dens:
                continue
            stated = c["rate"][2]
            judged = [
                (_judge(stated - 100.0 * cur[2] / d[2], 1, "percent", stated_decimals=_decimals(stated)), d)
                for d in dens
            ]
            (outcome, tol, excess), den = min(judged, key=lambda j: j[0][2])  # the reading that fits best
            expected = 100.0 * cur[2] / den[2]
            _add(out, outcome, None, where, expected, stated, tol, excess, page, label, text)
        elif test == "change_words" and "change" in c and "change_pct" in c:
            a, p = c["change"][2], c["change_pct"][2]
            contradict = a * p < 0
            _add(
                out,
                "fail" if contradict else "pass",
                None,
                where,
                a,
                p,
                0.0,
                1.0 if contradict else -1.0,
                page,
                label,
                text,
            )
        elif test == "change_pct" and "change" in c and "change_pct" in c and (cur or base):
            if base:
                prior = base[2]
            else:
                assert cur is not None  # (cur or base) above
                prior = cur[2] - c["change"][2]
            if abs(prior) < _EPS:
                continue
            expected, stated = 100.0 * c["change"][2] / prior, c["change_pct"][2]
            outcome, tol, excess = _judge(
                abs(stated) - abs(expected), 1, "percent", stated_decimals=_decimals(stated)
            )
            _add(out, outcome, None, where, abs(expected), abs(stated), tol, excess, page, label, text)


def _expected(doc: Doc, spec: dict) -> float | None:
    if "const" in spec:
        return float(spec["const"])
    if doc.fiscal_year is None:
        return None
    if "fiscal_year" in spec:
        return float(doc.fiscal_year + int(spec["fiscal_year"]))
    if "year_end" in spec:
        return float((doc.fiscal_year + int(spec["year_end"])) * 10000 + 1231)
    return None


_OPS = {
    "eq": lambda v, e: abs(v - e),
    "ne": lambda v, e: 1.0 if abs(v - e) < _EPS else -1.0,
    "ge": lambda v, e: e - v,
    "gt": lambda v, e: e - v + 0.5,  # integers (years, dates, scores): strictly greater
    "le": lambda v, e: v - e,
}


def _fact_value(out: _Out, ctx, check: dict, policy: str) -> None:
    """Each fact of a kind: value (op) expected; `absent: pass` passes a read narrative
    that states none (placeholders, doubled punctuation); `when_lines: t` only when
    table t holds amounts."""
    doc = ctx.doc
    if check.get("needs_amounts") and not _has_amounts(doc):
        return
    t = check.get("when_lines")
    if t and not doc.has_lines(t):
        return
    expected = _expected(doc, check["expected"])
    if expected is None:
        return
    items = doc.facts.get(check["fact"], [])
    where = check.get("where", check["fact"])
    for _code, label, value, page, text in items:
        over = _OPS[check.get("op", "eq")](value, expected)
        outcome = "fail" if over > _EPS else "pass"
        _add(out, outcome, t, f"{where} {label}".strip(), expected, value, 0.0, over, page, label, text)
    if not items and check.get("absent") == "pass" and _narrative_read(doc):
        _add(out, "pass", None, f"{where}（未发现）", page=None, excess=-1.0, tol=0.0)


def _sequence(out: _Out, ctx, check: dict, policy: str) -> None:
    """Numbered lists run 1, 2, 3 … with none missing or repeated (one list per subject_code)."""
    lists: dict[str | None, list[tuple]] = {}
    for f in ctx.doc.facts.get(check["fact"], []):
        lists.setdefault(f[0], []).append(f)
    for key, items in lists.items():
        if len(items) < int(check.get("min_items", 2)):
            continue
        breaks = 0
        prev = 0.0
        for _code, label, value, page, text in items:
            if abs(value - (prev + 1)) > _EPS:
                breaks += 1
                _add(
                    out,
                    "fail",
                    None,
                    f"{check.get('where', '')} {key or ''} {label}".strip(),
                    prev + 1,
                    value,
                    0.0,
                    1.0,
                    page,
                    label,
                    text,
                )
            prev = value
        if not breaks:
            first = items[0]
            _add(
                out,
                "pass",
                None,
                f"{check.get('where', '')} {key or ''}".strip(),
                None,
                None,
                0.0,
                -1.0,
                first[3],
                first[1],
                first[4],
            )


def _order(out: _Out, ctx, check: dict, policy: str) -> None:
    """Values (template ranks) never go down in document order; a rank in `unique`
    (a section the template has once) does not come twice."""
    items = ctx.doc.facts.get(check["fact"], [])
    if len(items) < 2:
        return
    unique = {float(u) for u in check.get("unique", [])}
    top, bad, seen = 0.0, 0, set()
    for _code, label, value, page, text in items:
        if value + _EPS < top or (value in unique and value in seen):
            bad += 1
            where = f"{check.get('where', '')} {label}"
            _add(out, "fail", None, where, top, value, 0.0, max(top - value, 1.0), page, label, text)
        top = max(top, value)
        seen.add(value)
    if not bad:
        _add(out, "pass", None, check.get("where", ""), None, None, 0.0, -1.0, items[0][3], None, items[0][4])


def _share_sum(out: _Out, ctx, check: dict, policy: str) -> None:
    """The stated shares of one breakdown add up to 100% (when every part is stated:
    Σ parts = whole)."""
    facts = ctx.doc.facts
    shares = [f for k in check["shares"] for f in facts.get(k, [])]
    parts = [f for k in check["parts"] for f in facts.get(k, [])]
    whole = facts.get(check["whole"], [])
    if len(shares) < 2 or not whole or len(parts) != len(shares):
        return
    if abs(sum(f[2] for f in parts) - whole[0][2]) > 0.01 * len(parts) + _EPS:
        return  # not every part is stated: the shares need not add up
    total = sum(f[2] for f in shares)
    tol = 0.01 + sum(0.5 * 10 ** (-_decimals(f[2])) for f in shares)
    diff = abs(total - 100.0)
    outcome = "pass" if diff < 0.005 else ("rounding" if diff <= tol + _EPS else "fail")
    if outcome == "fail" and _one_denominator(parts, shares):
        outcome = "pass"  # every share is of one other total (e.g. 本年支出合计): consistent, not a breakdown
    first = shares[0]
    _add(out, outcome, None, check.get("where", ""), 100.0, total, tol, diff - tol, first[3], None, first[4])


def _one_denominator(parts: list[tuple], shares: list[tuple]) -> bool:
    """The shares are each part over one and the same denominator (within 1%)."""
    dens = [100.0 * p[2] / s[2] for p, s in zip(parts, shares, strict=False) if s[2] > 0.05 and p[2] > 0]
    return len(dens) == len(shares) and max(dens) - min(dens) <= 0.01 * max(dens)


# Facts read from a document's page lines: a document without any was not read as text.
_PAGE_LINE_KINDS = (
    "section_no",
    "heading_no",
    "heading_year",
    "empty_note",
    "none_stated",
    "publication_date",
)


def _empty_note(out: _Out, ctx, check: dict, policy: str) -> None:
    """An empty table carries a note that the unit has none; a table with amounts is
    not said to be empty."""
    doc = ctx.doc
    if not _has_amounts(doc) or not any(doc.facts.get(k) for k in _PAGE_LINE_KINDS):
        return  # its page lines were not read (a workbook, a record without prose): no note can be seen
    notes = {f[1]: f for f in doc.facts.get(check.get("note", "empty_note"), [])}
    said = {f[1]: f for f in doc.facts.get(check.get("stated", "none_stated"), [])}
    for t in check["tables"]:
        gate = _gate(doc, {t})
        if gate or (doc.tables and t not in doc.tables):
            if gate:
                _add(out, gate, t, f"{t}表")
            continue
        cols = (check.get("columns") or {}).get(t)
        rows = doc.rows_of(t, None)[0]
        has = any(abs(v) > _EPS for r in rows for c, v in r.vals.items() if cols is None or c in cols)
        if not has:
            note = notes.get(t) or (said.get(t) if t in check.get("narrative_counts", []) else None)
            outcome = "pass" if note else "fail"
            _add(out, outcome, t, f"{t}表 空表说明", 1.0, 1.0 if note else 0.0, 0.0, -1.0 if note else 1.0,
                    note[3] if note else None, None, note[4] if note else None)  # fmt: skip
        else:
            claim = said.get(t) or notes.get(t)
            outcome = "fail" if claim else "pass"
            _add(out, outcome, t, f"{t}表 有数", 0.0, 1.0 if claim else 0.0, 0.0, 1.0 if claim else -1.0,
                    claim[3] if claim else None, None, claim[4] if claim else None)  # fmt: skip


def _coverage(out: _Out, ctx, check: dict, policy: str) -> None:
    """项 explained in the narrative are rows of the table (and, with `reverse`, every
    项 row with an amount is explained). A 项 whose name the reader could not resolve
    is matched to an unclaimed 项 row of the same amount (the narrative may print an
    older name of the subject)."""
    doc, t = ctx.doc, check["t"]
    items = doc.facts.get(check["fact"], [])
    if not items:
        return
    gate = _gate(doc, {t})
    if gate:
        _add(out, gate, t, f"{t}表")
        return
    rows = doc.rows_of(t, None)[2]
    col = check.get("col", "total")
    leaves = {code: r for code, r in rows.items() if len(code) == 7 and abs(r.vals.get(col, 0.0)) > _EPS}
    other = doc.rows_of(check["also_in"], None)[2] if check.get("also_in") else {}
    items = [f for f in items if not (f[0] and f[0] not in rows and f[0] in other)]  # e.g. a 政府性基金 项
    claimed = {f[0] for f in items if f[0] in rows}
    matched: list[tuple[tuple, str | None]] = []
    for f in items:
        code = f[0] if f[0] in rows else None
        if code is None:
            code = next(
                (
                    c
                    for c, r in leaves.items()
                    if c not in claimed and abs(r.vals.get(col, 0.0) - f[2]) < 0.005
                ),
                None,
            )
            if code:
                claimed.add(code)
            elif any(len(c) == 7 and abs(r.vals.get(col, 0.0) - f[2]) < 0.005 for c, r in other.items()):
                continue  # a 项 of other funds (table 03), not of 一般公共预算
        matched.append((f, code))
    if check.get("reverse"):
        missing = sorted(set(leaves) - claimed)
        for code in missing:
            r = leaves[code]
            _add(out, "fail", t, f"{code} {r.label}", None, r.vals.get(col), 0.0, 1.0, r.page, r.label)
        renamed = [(f, code) for f, code in matched if code and f[0] not in rows]
        for f, code in renamed:  # the narrative names the 项 otherwise than the table
            r = leaves[code]
            _add(
                out,
                "fail",
                t,
                f"{code} {r.label}（说明中为“{f[1]}”）",
                None,
                f[2],
                0.0,
                1.0,
                f[3],
                f[1],
                f[4],
            )
        if not missing and not renamed:
            _add(out, "pass", t, f"{t}表 各项", None, None, 0.0, -1.0)
        return
    for (fcode, label, value, page, text), code in matched:
        ok = code is not None
        where = f"{code or fcode or '未找到'} {label}"
        _add(
            out, "pass" if ok else "fail", t, where, None, value, 0.0, -1.0 if ok else 1.0, page, label, text
        )


SHAPES = {
    "claim": _claim,
    "fact_value": _fact_value,
    "sequence": _sequence,
    "order": _order,
    "share_sum": _share_sum,
    "empty_note": _empty_note,
    "coverage": _coverage,
}
