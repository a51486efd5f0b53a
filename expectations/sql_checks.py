"""The checks whose residuals dbt computes in SQL (``dbt_project/models/rules/``),
as seeds derived from ``rules.yml``.

rules.yml stays the one place a rule is written. A check is computed in SQL when
it reads table cells only (``is_sql_check``): the shapes ``row_sum``, ``tree``,
``econ_tree`` (seed ``rule_sql_checks.csv``), ``per_subject`` and every
``equation`` without a stated fact (seed ``rule_sql_terms.csv``: one row per
term). This module writes both seeds (``python -m expectations.sql_checks``) and
``tests/test_rules_sql.py`` fails when a committed seed no longer matches the
catalogue."""

from __future__ import annotations

import csv
import io
from pathlib import Path

from expectations.engine import SHAPES, load_rules
from expectations.model import Doc, _gate, _Out

SQL_SHAPES = frozenset({"row_sum", "tree", "econ_tree"})  # seed rule_sql_checks
TERM_SHAPES = frozenset({"equation", "per_subject"})  # seed rule_sql_terms (equation: table terms only)
SEEDS = Path(__file__).resolve().parents[1] / "dbt_project" / "seeds"
SEED_PATH = SEEDS / "rule_sql_checks.csv"
TERM_SEED_PATH = SEEDS / "rule_sql_terms.csv"
SEED_COLUMNS = (
    "rule_id", "check_no", "shape", "table_id", "side", "total_column", "part_column", "part_sign",
    "tolerance_policy",
)  # fmt: skip


# What the engine still does for the shapes dbt computes: the outcome of a check
# that cannot run (a table not printed: not_applicable; found but unreadable:
# insufficient_data), exactly where the engine's own shape functions report it.
def _row_sum_gate(out: _Out, ctx, check: dict, policy: str) -> None:
    gate = _gate(ctx.doc, {check["t"]})
    if gate:
        out.add(gate, check["t"], f"{check['t']}表")


def _tree_gate(out: _Out, ctx, check: dict, policy: str) -> None:
    doc: Doc = ctx.doc
    for t in check["tables"]:
        if t in doc.unreadable:
            out.add("insufficient_data", t, f"{t}表")


def is_sql_check(check: dict) -> bool:
    """Computed by dbt: the table arithmetic, and the identities that read table cells only
    (a stated fact is compared in the engine, with the sentence it came from)."""
    if check["shape"] in SQL_SHAPES or check["shape"] == "per_subject":
        return True
    terms = check.get("lhs", []) + check.get("rhs", [])
    return check["shape"] == "equation" and all("t" in t for t in terms)


def _equation_gate(out: _Out, ctx, check: dict, policy: str) -> None:
    if not is_sql_check(check):
        SHAPES["equation"](out, ctx, check, policy)
        return
    terms = check["lhs"] + check["rhs"]
    if ctx.prior is None and any(t.get("year") == "prior" for t in terms):
        return  # last year's document is not loaded: nothing to compare (not even a gate)
    gate = _gate(ctx.doc, {t["t"] for t in terms if t.get("year") != "prior"})
    if gate:
        out.add(gate, check["lhs"][0]["t"], check.get("where", ""))


def _per_subject_gate(out: _Out, ctx, check: dict, policy: str) -> None:
    left, right = check["left"]["t"], check["right"]["t"]
    gate = _gate(ctx.doc, {left, right})
    if gate:
        out.add(gate, left, f"{left}-{right}")


GATES = {
    **SHAPES,
    "row_sum": _row_sum_gate,
    "tree": _tree_gate,
    "econ_tree": _row_sum_gate,
    "equation": _equation_gate,
    "per_subject": _per_subject_gate,
}


def seed_rows(rules: list[dict] | None = None) -> list[dict[str, str | int]]:
    """One row per (check, part column) for row_sum, one per (check, table) for the trees."""
    out: list[dict[str, str | int]] = []
    for rule in rules if rules is not None else load_rules():
        policy = rule.get("tolerance", "addends")
        for check_no, check in enumerate(rule["checks"], start=1):
            shape = check["shape"]
            if shape not in SQL_SHAPES:
                continue
            base: dict[str, str | int] = {
                "rule_id": rule["id"], "check_no": check_no, "shape": shape, "tolerance_policy": policy
            }  # fmt: skip
            blank: dict[str, str | int] = {"side": "", "total_column": "", "part_column": "", "part_sign": 1}
            if shape == "row_sum":
                for part in check["parts"]:
                    sign = -1 if part.startswith("-") else 1
                    out.append({**base, **blank, "table_id": check["t"], "side": check.get("side") or "",
                                "total_column": check["total"], "part_column": part.lstrip("-"),
                                "part_sign": sign})  # fmt: skip
            else:
                for t in check.get("tables") or [check["t"]]:
                    out.append({**base, **blank, "table_id": t})
    return out


TERM_COLUMNS = (
    "rule_id", "check_no", "shape", "check_location", "op", "tolerance_policy", "term_side", "term_no",
    "table_id", "side", "column_key", "pick", "pick_value", "sign", "prior_year",
)  # fmt: skip
PICKS = ("row", "label", "code", "level", "before")  # how a term picks its rows (docs/rules.md, Terms)


def _pick(term: dict) -> tuple[str, str]:
    key = next(k for k in PICKS if k in term)
    return ("total", "") if key == "row" else (key, str(term[key]))


def term_rows(rules: list[dict] | None = None) -> list[dict[str, str | int]]:
    """One row per term of each SQL equation (lhs, rhs) and per side of a per_subject
    check (left = lhs, right = rhs; pick ``subject``, value its level)."""
    out: list[dict[str, str | int]] = []
    for rule in rules if rules is not None else load_rules():
        policy = rule.get("tolerance", "addends")
        for check_no, check in enumerate(rule["checks"], start=1):
            shape = check["shape"]
            if shape not in TERM_SHAPES or not is_sql_check(check):
                continue
            base: dict[str, str | int] = {
                "rule_id": rule["id"], "check_no": check_no, "shape": shape,
                "check_location": check.get("where", ""), "op": check.get("op", "eq"), "tolerance_policy": policy,
            }  # fmt: skip
            if shape == "per_subject":
                sides = [("lhs", [check["left"]]), ("rhs", [check["right"]])]
            else:
                sides = [("lhs", check["lhs"]), ("rhs", check["rhs"])]
            for term_side, terms in sides:
                for term_no, term in enumerate(terms, start=1):
                    pick = (
                        ("subject", str(check.get("level", "all"))) if shape == "per_subject" else _pick(term)
                    )
                    out.append({**base, "term_side": term_side, "term_no": term_no, "table_id": term["t"],
                                "side": term.get("side") or "", "column_key": term.get("col", "amount"),
                                "pick": pick[0], "pick_value": pick[1], "sign": int(term.get("sign", 1)),
                                "prior_year": int(term.get("year") == "prior")})  # fmt: skip
    return out


def _csv(columns: tuple[str, ...], rows: list[dict[str, str | int]]) -> str:
    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=columns, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return buf.getvalue()


def seed_text(rules: list[dict] | None = None) -> str:
    return _csv(SEED_COLUMNS, seed_rows(rules))


def term_seed_text(rules: list[dict] | None = None) -> str:
    return _csv(TERM_COLUMNS, term_rows(rules))


def main() -> None:
    SEED_PATH.write_text(seed_text(), encoding="utf-8")
    TERM_SEED_PATH.write_text(term_seed_text(), encoding="utf-8")
    print(f"wrote {SEED_PATH} and {TERM_SEED_PATH}")


if __name__ == "__main__":
    main()
