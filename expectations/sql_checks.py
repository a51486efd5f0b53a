"""The table-arithmetic checks whose residuals dbt computes in SQL
(``dbt_project/models/rules/``), as a seed derived from ``rules.yml``.

rules.yml stays the one place a rule is written. The shapes listed in
``SQL_SHAPES`` are evaluated by the dbt models, which read their parameters
from the seed ``dbt_project/seeds/rule_sql_checks.csv``; this module writes that
seed (``python -m expectations.sql_checks``) and ``tests/test_rules_sql.py``
fails when the committed seed no longer matches the catalogue."""

from __future__ import annotations

import csv
import io
from pathlib import Path

from expectations.engine import SHAPES, load_rules
from expectations.model import Doc, _gate, _Out

SQL_SHAPES = frozenset({"row_sum", "tree", "econ_tree"})
SEED_PATH = Path(__file__).resolve().parents[1] / "dbt_project" / "seeds" / "rule_sql_checks.csv"
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


GATES = {**SHAPES, "row_sum": _row_sum_gate, "tree": _tree_gate, "econ_tree": _row_sum_gate}


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


def seed_text(rules: list[dict] | None = None) -> str:
    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=SEED_COLUMNS, lineterminator="\n")
    writer.writeheader()
    writer.writerows(seed_rows(rules))
    return buf.getvalue()


def main() -> None:
    SEED_PATH.write_text(seed_text(), encoding="utf-8")
    print(f"wrote {SEED_PATH}")


if __name__ == "__main__":
    main()
