"""What a manifest document printed, read back for the identity checks: cells by
table (subject tables by code and column, two-sided tables by side and label,
06 by item, 09 by column) and stated facts; and how a broken identity is
recorded (`Violation`, in 万元, or percentage points for rates)."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

SUBJECT_TABLES = ("02", "03", "05", "07", "08")


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


def cents(x: float) -> int:
    return round(x * 100)


class Printed:
    def __init__(self, doc: dict):
        self.tables = set(doc.get("tables") or [])
        self.subject: dict[str, dict[tuple[str | None, str], int]] = defaultdict(dict)
        self.codes: dict[str, set[str]] = defaultdict(set)
        self.two: dict[tuple[str, str, str, str], int] = {}  # (table, side, label|code, column)
        self.carry04: dict[str, int] = {}
        self.econ: dict[str, int] = {}
        self.s09: dict[str, int] = {}
        for c in doc.get("cells", []):
            t, amt = c["table"], cents(c["amount"])
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


def add(
    out: list[Violation], rule: str, table: str | None, where: str, lhs: int, rhs: int, addends: int = 1
) -> None:
    if lhs != rhs:
        out.append(Violation(rule, table, where, round((lhs - rhs) / 100, 2), addends))


def add_rate(out: list[Violation], rule: str, where: str, stated: float, num: int, den: int) -> None:
    if den == 0:
        return
    exact = num / den * 100
    if abs(stated - exact) > 0.01 + 1e-9:
        out.append(Violation(rule, None, where, round(stated - exact, 4), 1))
