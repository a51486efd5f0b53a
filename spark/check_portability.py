"""Fail on DuckDB-only SQL in the dbt project outside the portability macros.

Every engine-specific construct lives in ``dbt_project/macros/portability.sql``
(adapter.dispatch: default__ DuckDB, spark__ Spark); the models and the other
macros must be SQL both engines read the same way. Run by ``make lint``:

    python spark/check_portability.py [dbt_project]
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

ALLOWED = {Path("macros/portability.sql")}

# (pattern, what to use instead); matched case-insensitively on SQL text
# without comments, string literals and Jinja tags.
SQL_RULES: list[tuple[str, str]] = [
    (r'"[^"\n]*"', "a double-quoted identifier is a string literal on Spark: {{ col('name') }}"),
    (r"::", "a :: cast: cast(x as type)"),
    (r"\bvarchar\b", "varchar needs a length on Spark: {{ dbt.type_string() }}"),
    (r"\[", "a list literal or subscript: {{ list_of([...]) }}"),
    (r"\*\s*(exclude|replace)\s*\(", "select * exclude/replace: list the columns"),
    (r"\bescape\s*'", "like ... escape: {{ starts_with_text(...) }}"),
    (r"\bqualify\b", "qualify: filter a window in an outer select"),
    (r"\bunion\s+(all\s+)?by\s+name\b", "union by name: list the columns"),
    (r"->", "a lambda or JSON arrow"),
]
# DuckDB-only functions (also looked for in the SQL fragments passed to macros).
FUNCTIONS: dict[str, str] = {
    "list": "sorted_list()",
    "list_value": "list_of()",
    "list_contains": "list_has()",
    "list_has_any": "a macro in portability.sql",
    "array_length": "size()/len() via a macro",
    "len": "length()",
    "string_split": "split_text()",
    "str_split": "split_text()",
    "regexp_full_match": "matches_fully()",
    "regexp_matches": "a macro in portability.sql",
    "unnest": "join_unnested()",
    "first": "first_by()",
    "last": "first_by() with the order reversed",
    "arg_min": "first_by()",
    "arg_max": "first_by()",
    "any_value": "any_non_null()",
    "string_agg": "a macro in portability.sql",
    "struct_pack": "a macro in portability.sql",
    "strftime": "a macro in portability.sql",
    "strptime": "a macro in portability.sql",
    "epoch_ms": "a macro in portability.sql",
    "date_diff": "a macro in portability.sql",
    "columns": "list the columns",
}
FUNCTION_RE = re.compile(r"\b(" + "|".join(FUNCTIONS) + r")\s*\(", re.IGNORECASE)
JINJA_TAG = re.compile(r"\{\{.*?\}\}|\{%.*?%\}", re.DOTALL)
JINJA_COMMENT = re.compile(r"\{#.*?#\}", re.DOTALL)
SQL_COMMENT = re.compile(r"--[^\n]*")
SQL_STRING = re.compile(r"'(?:[^']|'')*'")
JINJA_STRING = re.compile(r"\"(?:[^\"\\]|\\.)*\"|'(?:[^'\\]|\\.)*'")


def _blank(match: re.Match[str]) -> str:
    """Keep line numbers: replace a match by its newlines only."""
    return "\n" * match.group(0).count("\n")


def problems_in(text: str) -> list[tuple[int, str]]:
    """(line, message) for every DuckDB-only construct in one SQL/Jinja file."""
    text = JINJA_COMMENT.sub(_blank, text)
    found: list[tuple[int, str]] = []
    # SQL fragments handed to macros as Jinja strings: functions only.
    for tag in JINJA_TAG.finditer(text):
        line0 = text.count("\n", 0, tag.start()) + 1
        for literal in JINJA_STRING.finditer(tag.group(0)):
            for m in FUNCTION_RE.finditer(literal.group(0)):
                found.append((line0, f"{m.group(1)}(): use {FUNCTIONS[m.group(1).lower()]}"))
    sql = JINJA_TAG.sub(_blank, text)
    sql = SQL_COMMENT.sub("", sql)
    sql = SQL_STRING.sub(lambda m: "''" + _blank(m), sql)
    for pattern, advice in SQL_RULES:
        for m in re.finditer(pattern, sql, re.IGNORECASE):
            found.append((sql.count("\n", 0, m.start()) + 1, f"{m.group(0)!r}: {advice}"))
    for m in FUNCTION_RE.finditer(sql):
        found.append(
            (sql.count("\n", 0, m.start()) + 1, f"{m.group(1)}(): use {FUNCTIONS[m.group(1).lower()]}")
        )
    return sorted(found)


def check(project: Path) -> list[str]:
    out = []
    for path in sorted([*project.glob("models/**/*.sql"), *project.glob("macros/**/*.sql")]):
        rel = path.relative_to(project)
        if rel in ALLOWED:
            continue
        for line, message in problems_in(path.read_text(encoding="utf-8")):
            out.append(f"{project.name}/{rel}:{line}: DuckDB-only {message}")
    return out


def main(argv: list[str]) -> int:
    project = Path(argv[0]) if argv else Path(__file__).resolve().parents[1] / "dbt_project"
    found = check(project)
    for line in found:
        print(line)
    if found:
        print(f"{len(found)} DuckDB-only constructs outside macros/portability.sql (see its header)")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
