"""What the rule shapes share: a document as the rules see it (``Doc``: rows and
stated facts), a value with its provenance, the tolerance judgement and the
finding rows one check writes (``_Out``)."""

from __future__ import annotations

import hashlib
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

_EPS = 1e-6


@dataclass
class Row:
    table: str
    side: str | None
    label: str
    code: str | None
    row_no: int
    page: int | None
    vals: dict[str, float] = field(default_factory=dict)


LINE_FIELDS = ("table", "side", "row_label", "subject_code", "column", "amount", "page", "row")


def rows_by_document(lines: Iterable[tuple]) -> dict[str, list[Row]]:
    """Printed rows from lines (tuples: document_id, then ``LINE_FIELDS``) in reading
    order: the lines sharing table, side, row number and label are one row, its code
    and page those of its first line, its cells summed per column."""
    out: dict[str, list[Row]] = defaultdict(list)
    index: dict[tuple, Row] = {}
    for doc_id, t, side, label, code, column, amount, page, row_no in lines:
        key = (doc_id, t, side, row_no, label)
        row = index.get(key)
        if row is None:
            row = index[key] = Row(t, side, label or "", code, row_no or 0, page)
            out[doc_id].append(row)
        row.vals[column] = row.vals.get(column, 0.0) + float(amount or 0.0)
    return out


def facts_by_kind(facts: Iterable[tuple]) -> dict[str, list[tuple[str | None, str, float, int | None, str]]]:
    """Stated facts (tuples: kind, subject_code, label, value, page, text; in document
    order) by kind, as ``Doc.facts`` holds them."""
    out: dict[str, list] = {}
    for kind, code, label, value, page, text in facts:
        out.setdefault(kind, []).append((code, label or "", float(value), page, text or ""))
    return out


@dataclass
class Doc:
    document_id: str
    unit_id: str
    fiscal_year: int | None
    tables: set[str] = field(default_factory=set)  # tables printed in the document
    unreadable: set[str] = field(default_factory=set)  # found but could not be read
    rows: dict[tuple[str, str | None], list[Row]] = field(default_factory=dict)
    # kind -> [(subject_code, label, value, page, text)] in document order
    facts: dict[str, list[tuple[str | None, str, float, int | None, str]]] = field(default_factory=dict)
    _index: dict = field(default_factory=dict, repr=False)

    def rows_of(self, t: str, side: str | None) -> tuple[list[Row], dict[str, Row], dict[str, Row]]:
        """Rows of a table (side None: all sides) in reading order, plus first row by label and by code."""
        key = (t, side)
        hit = self._index.get(key)
        if hit is None:
            if side is None:
                rows = sorted(
                    (r for (tt, _s), rs in self.rows.items() if tt == t for r in rs), key=lambda r: r.row_no
                )
            else:
                rows = self.rows.get(key, [])
            by_label: dict[str, Row] = {}
            by_code: dict[str, Row] = {}
            for r in rows:
                by_label.setdefault(r.label, r)
                if r.code:
                    by_code.setdefault(r.code, r)
            hit = self._index[key] = (rows, by_label, by_code)
        return hit

    @classmethod
    def build(cls, document_id, unit_id, fiscal_year, tables, unreadable, lines, facts) -> Doc:
        """``lines``: dicts with table, side, row_label, subject_code, column, amount, page, row.
        ``facts``: dicts with kind, subject_code, label, value, page, text (in document order)."""
        rows = rows_by_document((document_id, *(ln.get(k) for k in LINE_FIELDS)) for ln in lines)
        grouped = facts_by_kind(
            (f["kind"], f.get("subject_code"), f.get("label"), f["value"], f.get("page"), f.get("text"))
            for f in facts
        )
        return cls.from_rows(
            document_id, unit_id, fiscal_year, tables, unreadable, rows[document_id], grouped
        )

    @classmethod
    def from_rows(
        cls,
        document_id,
        unit_id,
        fiscal_year,
        tables,
        unreadable,
        rows: Iterable[Row],
        facts: dict[str, list],
    ) -> Doc:
        """``rows``: the printed rows in reading order (a row's cells already summed per
        column); ``facts``: by kind, as ``facts_by_kind`` gives them."""
        doc = cls(document_id, unit_id, fiscal_year, set(tables or []), set(unreadable or []), facts=facts)
        for row in rows:
            doc.rows.setdefault((row.table, row.side), []).append(row)
            doc.tables.add(row.table)
        for table_rows in doc.rows.values():
            table_rows.sort(key=lambda r: r.row_no)
        return doc

    def has_lines(self, t: str) -> bool:
        return bool(self.rows_of(t, None)[0])


class _Ctx:
    """What a shape reads: the document and, for the cross-year rules, last year's."""

    def __init__(self, doc: Doc, prior: Doc | None):
        self.doc, self.prior = doc, prior


@dataclass
class Value:
    value: float
    addends: int  # leaf values that are not zero
    table: str | None = None
    row_label: str | None = None
    page: int | None = None
    text: str | None = None  # the sentence a stated value came from
    missing: bool = False  # a named row of a table that holds amounts was not found


def finding_id(document_id: str, rule_id: str, table: str | None, where: str) -> str:
    """Stable id of one check of one document (what `juesuan ack` names): the same
    file (sha256), rule and location give the same id in every run.
    runner.FINDING_ID_SQL computes the same in DuckDB."""
    key = f"{document_id}|{rule_id}|{table or ''}|{where}"
    return hashlib.md5(key.encode()).hexdigest()[:12]


def _judge(diff: float, addends: int, policy: str, op: str = "eq", stated_decimals: int = 2):
    """Return (outcome, tolerance, excess) where excess > 0 means fail."""
    if policy == "exact":
        tol = 0.005
    elif policy == "percent":
        tol = 0.01 + 0.5 * 10 ** (-stated_decimals)
    else:
        tol = 0.01 * max(1, addends)
    if op == "le":
        over = diff
    elif op == "ge":
        over = -diff
    else:
        over = abs(diff)
    excess = over - tol - _EPS
    if over < 0.005:
        return "pass", tol, excess
    if excess <= 0 and policy != "exact":
        return "rounding", tol, excess
    return "fail", tol, excess


def _decimals(x: float) -> int:
    s = f"{x:.6f}".rstrip("0").rstrip(".")
    return len(s.split(".")[1]) if "." in s else 0


class _Out:
    def __init__(self, doc: Doc, rule: dict):
        self.doc, self.rule = doc, rule
        self.rows: list[dict] = []

    def add(
        self,
        outcome,
        table,
        where,
        expected=None,
        actual=None,
        tol=None,
        excess=None,
        page=None,
        label=None,
        evidence=None,
    ):
        diff = None if expected is None or actual is None else actual - expected
        self.rows.append(
            {
                "document_id": self.doc.document_id,
                "unit_id": self.doc.unit_id,
                "fiscal_year": self.doc.fiscal_year,
                "rule_id": self.rule["id"],
                "severity": self.rule.get("severity", "error"),
                "outcome": outcome,
                "expected": expected,
                "actual": actual,
                "difference": diff,
                "tolerance": tol,
                "excess": excess,
                "table_id": table,
                "row_label": label if label is not None else where,
                "location": where,
                "page_no": page,
                "evidence": evidence,
            }
        )


def _gate(doc: Doc, tables: set[str]) -> str | None:
    """not_applicable / insufficient_data for the current-year tables a check reads."""
    if tables & doc.unreadable:
        return "insufficient_data"
    if doc.tables and not tables <= doc.tables:
        return "not_applicable"
    return None
