"""The import rules of docs/architecture.md, read from the source with ast.

Every `import` / `from … import` (module level or inside a function) of each
folder is checked against what the folder may import. The few places that
cross a line today are listed in EXCEPTIONS with the reason; an exception that
is no longer needed fails too, so the list only shrinks."""

from __future__ import annotations

import ast
import re
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("ingest", "warehouse", "expectations", "dashboard", "samplegen")

# (folder or file, forbidden module prefixes). A prefix matches the module itself
# and everything below it ("ingest.tables" forbids "ingest.tables.locate").
RULES: list[tuple[str, tuple[str, ...]]] = [
    # The reader stands alone: it knows nothing of the warehouse, rules, dashboard or generator.
    ("ingest", ("warehouse", "expectations", "dashboard", "samplegen", "app", "cli")),
    # Front ends turn a file into a Grid; they may read the table catalogue, nothing downstream.
    (
        "ingest/frontends",
        (
            "ingest.parse",
            "ingest.narrative",
            "ingest.verify",
            "ingest.realign",
            "ingest.crosscheck",
            "ingest.meta",
            "ingest.tables.locate",
            "ingest.tables.two_sided",
            "ingest.tables.subject",
            "ingest.tables.economic",
            "ingest.tables.sangong",
            "ingest.tables.base",
            "ingest.tables.layout",
        ),
    ),
    # Table readers read a grid; they know neither the formats nor the checks after them.
    ("ingest/tables", ("ingest.frontends", "ingest.verify", "ingest.narrative", "ingest.parse")),
    ("ingest/verify", ("ingest.frontends", "ingest.narrative", "ingest.parse")),
    ("ingest/narrative", ("ingest.frontends", "ingest.tables", "ingest.verify", "ingest.parse")),
    # The warehouse runs the reader by name in worker processes and stores its records.
    (
        "warehouse",
        (
            "dashboard",
            "expectations",
            "samplegen",
            "ingest.parse",
            "ingest.frontends",
            "ingest.tables",
            "ingest.verify",
            "ingest.narrative",
        ),
    ),
    # Rules read the warehouse, never the documents.
    ("expectations", ("ingest", "dashboard", "samplegen")),
    # The dashboard reads the published warehouse through its query functions.
    ("dashboard", ("ingest", "samplegen", "warehouse", "expectations")),
    ("app.py", ("ingest", "samplegen", "warehouse", "expectations")),
    # The generator mirrors our beliefs; it must not borrow the reader's.
    ("samplegen", ("ingest", "warehouse", "expectations", "dashboard")),
]

# (file, imported module) → why it is allowed. Keep short; fix rather than add.
EXCEPTIONS: dict[tuple[str, str], str] = {
    ("ingest/frontends/excel.py", "ingest.verify"): "TABLE_NAMES lives in ingest/verify/common.py",
    ("dashboard/pages/unit_tables.py", "ingest.verify"): "COLUMN_NAMES (Chinese column headers)",
    ("dashboard/commands.py", "samplegen.generate"): "`juesuan demo` writes the sample district",
    ("dashboard/commands.py", "warehouse.paths"): "`juesuan demo`: default inbox and warehouse",
    ("dashboard/commands.py", "warehouse.refresh"): "`juesuan demo` refreshes before serving",
    ("dashboard/db.py", "warehouse.paths"): "where the published warehouse file is",
    ("dashboard/queries/quality.py", "expectations.store"): "acks apply at once: read from the acks log",
    ("dashboard/queries/quality.py", "warehouse.acks"): "acks apply at once: read from the acks log",
    ("dashboard/pages/quality.py", "warehouse.acks"): "an acknowledgement goes through the locked acks log",
    ("dashboard/pages/roster.py", "warehouse.roster"): "the admin's roster edits go through the roster store",
    ("samplegen/roster.py", "warehouse.roster.io"): "writes the roster sheet in the importer's columns",
    (
        "samplegen/roster.py",
        "warehouse.roster.match",
    ): "lists as aliases only names the matcher cannot derive",
    ("warehouse/worker.py", "ingest.frontends"): "relays the OCR front end's page progress",
}


def module_of(path: Path) -> str:
    rel = path.relative_to(ROOT).with_suffix("")
    parts = list(rel.parts)
    if parts[-1] == "__init__":
        parts = parts[:-1]
    return ".".join(parts)


def imports(path: Path) -> list[tuple[str, int]]:
    """Every module `path` imports (absolute names; relative ones resolved)."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    here = module_of(path).split(".")
    package = here if path.name == "__init__.py" else here[:-1]
    out: list[tuple[str, int]] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            out += [(a.name, node.lineno) for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package[: len(package) - (node.level - 1)]
                mod = ".".join([*base, *([node.module] if node.module else [])])
            else:
                mod = node.module or ""
            out.append((mod, node.lineno))
            # `from pkg import sub` imports pkg.sub when sub is a module
            out += [(f"{mod}.{a.name}", node.lineno) for a in node.names if _is_module(f"{mod}.{a.name}")]
    return sorted(out, key=lambda x: x[1])


def _is_module(name: str) -> bool:
    p = ROOT.joinpath(*name.split("."))
    return p.with_suffix(".py").is_file() or (p / "__init__.py").is_file()


def _matches(module: str, prefix: str) -> bool:
    return module == prefix or module.startswith(prefix + ".")


def _files(scope: str) -> list[Path]:
    p = ROOT / scope
    return [p] if p.suffix == ".py" else sorted(p.rglob("*.py"))


def violations(scope: str, forbidden: tuple[str, ...], files: list[Path] | None = None) -> list[str]:
    out = []
    for f in files if files is not None else _files(scope):
        rel = f.relative_to(ROOT).as_posix()
        for mod, line in imports(f):
            hit = next((p for p in forbidden if _matches(mod, p)), None)
            if hit is None:
                continue
            if any(rel == ef and _matches(mod, em) for ef, em in EXCEPTIONS):
                continue
            out.append(f"{rel}:{line} imports {mod} (not allowed in {scope}: {hit})")
    return out


@pytest.mark.parametrize(("scope", "forbidden"), RULES, ids=[s for s, _ in RULES])
def test_import_rules(scope, forbidden):
    files = _files(scope)
    assert files, f"{scope}: no Python files found (rule points nowhere)"
    assert violations(scope, forbidden) == []


def test_exceptions_are_still_needed():
    """An exception nobody uses any more is removed from the list."""
    stale = []
    for (file, mod), why in EXCEPTIONS.items():
        path = ROOT / file
        if not path.is_file() or not any(_matches(m, mod) for m, _ in imports(path)):
            stale.append(f"{file} → {mod} ({why})")
    assert stale == []


def test_checker_sees_a_violation(tmp_path, monkeypatch):
    """The checker is not vacuous: a reader module importing the warehouse is caught,
    both as `from … import` inside a function and as a relative import."""
    pkg = tmp_path / "ingest" / "frontends"
    pkg.mkdir(parents=True)
    (tmp_path / "warehouse").mkdir()
    (tmp_path / "warehouse" / "paths.py").write_text("")
    (tmp_path / "ingest" / "verify.py").write_text("")
    bad = pkg / "bad.py"
    bad.write_text("def f():\n    from warehouse.paths import data_dir\n\nfrom .. import verify\n")
    monkeypatch.setattr(sys.modules[__name__], "ROOT", tmp_path)
    found = violations("ingest/frontends", ("warehouse", "ingest.verify"), [bad])
    assert len(found) == 2, found
    assert "imports warehouse.paths" in found[0]
    assert "imports ingest.verify" in found[1]


# The dashboard reads the marts; besides them only these published tables.
DASHBOARD_TABLES = {
    "dq_findings": "rule outcomes, written by expectations/runner.py",
    "refresh_runs": "the run log, written by warehouse/runlog.py",
    "raw_lines": "evidence of a finding: the printed page and row of a cell",
    "raw_facts": "evidence of a finding: the sentence a narrative rule read",
    "raw_problems": "the reader's problems shown on a unit's table",
}
_FROM = re.compile(r"\b(?:from|join)\s+([a-z_][a-z0-9_]*)", re.I)
_MODEL_PREFIXES = ("stg_", "int_", "raw_", "dim_", "fct_", "dq_", "refresh_")


def _sql_tables(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            names |= {m.lower() for m in _FROM.findall(node.value)}
    return {n for n in names if n.startswith(_MODEL_PREFIXES)}


def test_dashboard_reads_only_marts():
    marts = {p.stem for p in (ROOT / "dbt_project" / "models" / "marts").glob("*.sql")}
    assert {"dim_units", "fct_unit_year_summary"} <= marts
    seen: set[str] = set()
    bad = []
    for f in [*_files("dashboard"), ROOT / "app.py"]:
        for name in _sql_tables(f):
            seen.add(name)
            if name not in marts and name not in DASHBOARD_TABLES:
                bad.append(f"{f.relative_to(ROOT)} reads {name}: not a mart (dbt_project/models/marts)")
    assert bad == []
    assert "fct_unit_year_summary" in seen  # the scan found the queries at all
