"""The canonical record every front end produces: one document, its table cells,
narrative facts and problems. This is the `juesuan parse --json` contract
(docs/contract.md); keep it stable."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field

TABLE_IDS = ("01", "02", "03", "04", "05", "06", "07", "08", "09")


@dataclass
class Line:
    """One table cell, amount always in 万元."""

    table: str  # "01".."09"
    side: str | None  # "income"/"expenditure" for 01 and 04, else None
    row_label: str  # as printed, ordinal prefix (一、) removed
    subject_code: str | None  # functional code (economic code for 06); None for totals
    column: str  # contract column key, e.g. "total", "basic"
    amount: float
    page: int
    row: int  # row number within the table, 1-based, in reading order
    placement: str | None = None  # set when the identities placed it, not the printed layout


@dataclass
class Fact:
    """A number stated in the narrative, with the sentence it came from."""

    kind: str
    subject_code: str | None
    label: str
    value: float
    unit: str  # "万元", "%", "辆", "个", "台(套)"
    page: int
    text: str


@dataclass
class Problem:
    severity: str  # "error" | "warning"
    table: str | None
    code: str  # stable machine code, e.g. "R-row", "table_missing"
    message: str  # Chinese, for the finance officer


@dataclass
class Document:
    unit_name: str | None
    fiscal_year: int | None
    amount_unit: str | None  # as printed: "万元" or "元"
    format: str  # "text" | "pdf" | "xlsx" | "html" | "scan"
    sha256: str
    tables: list[str] = field(default_factory=list)
    publication_date: str | None = None  # ISO date when printed
    source_path: str | None = None
    tables_promised: list[str] = field(default_factory=list)  # listed in its own table of contents
    cells_unchecked: int = 0  # non-zero cells no identity reads: a change there passes every check


@dataclass
class ParseResult:
    document: Document
    lines: list[Line] = field(default_factory=list)
    facts: list[Fact] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    identities_checked: int = 0

    def balance(self) -> tuple[int, int]:
        """(tables that balance, tables with numbers): the truth-free check on any document."""
        with_numbers = {ln.table for ln in self.lines}
        failing = {p.table for p in self.problems if p.severity == "error" and p.table}
        return len(with_numbers - failing), len(with_numbers)

    def to_dict(self) -> dict:
        return {
            "document": asdict(self.document),
            "lines": [asdict(x) for x in self.lines],
            "facts": [asdict(x) for x in self.facts],
            "problems": [asdict(x) for x in self.problems],
        }


class ParseError(Exception):
    """A document that cannot be read at all. `message` is one Chinese line naming the file."""

    def __init__(self, path: str, reason: str):
        self.path = path
        self.reason = reason
        super().__init__(f"{path}: {reason}")

    @property
    def message(self) -> str:
        return f"无法读取文件 {self.path}：{self.reason}"
