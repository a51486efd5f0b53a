"""Evaluate the rules catalogue (rules.yml) on documents in Python: the checks
dbt does not compute (stated facts, the narrative), or every check on documents
without a warehouse (``doc_from_parse``, the raw-tables fallback).

A rule is a list of checks; each check has a ``shape`` (a family of
computations: ``table_shapes``, ``narrative_shapes``). Adding a rule of an
existing shape is a YAML edit only."""

from __future__ import annotations

from functools import cache
from pathlib import Path

import yaml

from expectations import narrative_shapes, table_shapes
from expectations.model import Doc, Row, Value, _Ctx, _Out, finding_id

RULES_PATH = Path(__file__).with_name("rules.yml")
OUTCOMES = ("pass", "rounding", "fail", "not_applicable", "insufficient_data")


@cache
def _load(path: str) -> tuple:
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    data = yaml.load(Path(path).read_text(encoding="utf-8"), Loader=loader)
    return tuple(data["rules"])


def load_rules(path: Path | str | None = None) -> list[dict]:
    return list(_load(str(path or RULES_PATH)))


SHAPES = {
    **narrative_shapes.SHAPES,  # what the narrative says: comparisons, years, structure, text
    **table_shapes.SHAPES,  # table cells and stated amounts
}


def evaluate(
    docs: list[Doc], rules: list[dict] | None = None, only: set[str] | None = None, shapes: dict | None = None
) -> list[dict]:
    """One row per check instance (pass/rounding/fail/insufficient_data/not_applicable),
    plus one not_applicable row per rule and document where nothing could run.
    ``only``: evaluate just these document ids (the others are context: last year's
    documents of the cross-year rules). ``shapes``: the shape functions (default
    ``SHAPES``; the check passes ``sql_checks.GATES`` for the shapes dbt computes)."""
    rules = rules if rules is not None else load_rules()
    shapes = shapes if shapes is not None else SHAPES
    by_unit_year = {(d.unit_id, d.fiscal_year): d for d in docs}
    rows: list[dict] = []
    for doc in docs:
        if only is not None and doc.document_id not in only:
            continue
        prior = by_unit_year.get((doc.unit_id, doc.fiscal_year - 1)) if doc.fiscal_year else None
        ctx = _Ctx(doc, prior)
        for rule in rules:
            out = _Out(doc, rule)
            policy = rule.get("tolerance", "addends")
            for check in rule["checks"]:
                shapes[check["shape"]](out, ctx, check, policy)
            if not out.rows:
                out.add("not_applicable", None, "（无可核对的数据）")
            rows.extend(out.rows)
    return rows


def rule_outcome(outcomes: list[str]) -> str:
    """A rule's outcome for one document: a rule that did not fully run is never a pass."""
    s = set(outcomes)
    for o in ("fail", "insufficient_data", "rounding", "pass"):
        if o in s:
            return o
    return "not_applicable"


EMPTY_ALLOWED = ("07", "08", "09")  # tables a unit may print empty (it has no such funds)
UNREADABLE_CODES = ("table_empty", "table_zero")  # the reader found the table but read no usable number


def doc_from_parse(result, unit_id: str | None = None) -> Doc:
    """A ``Doc`` from an ``ingest`` ParseResult (or its ``to_dict()``)."""
    d = result.to_dict() if hasattr(result, "to_dict") else result
    meta = d["document"]
    # An empty 07/08/09 without its note is what E-01 checks, not an unread table.
    unreadable = {
        p["table"]
        for p in d.get("problems", [])
        if p.get("code") in UNREADABLE_CODES and p.get("table") and p["table"] not in EMPTY_ALLOWED
    }
    return Doc.build(
        meta["sha256"],
        unit_id or meta.get("unit_name") or meta["sha256"],
        meta.get("fiscal_year"),
        meta.get("tables") or [],
        unreadable,
        d.get("lines", []),
        d.get("facts", []),
    )


__all__ = [
    "OUTCOMES",
    "SHAPES",
    "Doc",
    "Row",
    "Value",
    "doc_from_parse",
    "evaluate",
    "finding_id",
    "load_rules",
]
