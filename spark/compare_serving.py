"""The dashboard's queries and the data-quality findings on two warehouse files
must agree: the refresh's DuckDB warehouse and a serving file imported from the
Parquet files a Spark build wrote (warehouse/serving.py). Every probe is a
``dashboard.queries`` function, called with arguments taken from the data.

    uv run python spark/compare_serving.py DUCKDB_FILE SERVED_FILE
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable
from pathlib import Path

import polars as pl

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

RUN_TABLES = {"dq_state"}  # the rules' bookkeeping (last run id, rules fingerprint)
# Columns a run stamps (when, which run), not data: they differ between any two builds.
RUN_STAMPS = {"run_id", "checked_at", "loaded_run_id", "first_seen_at", "loaded_at", "evaluated_at"}


def probes(q) -> dict[str, Callable[[], object]]:
    """Query functions with arguments read from the warehouse ``q`` points at."""
    year = q.years()[0]
    unit = q.all_units().sort("unit_id")["unit_id"][0]
    units = q.units_for_year(year).sort("unit_id")["unit_id"].to_list()[:4]
    doc = q.unit_documents(unit).sort("document_id")["document_id"][0]
    out: dict[str, Callable[[], object]] = {
        "years": q.years,
        "departments": q.departments,
        "unit_types": q.unit_types,
        "all_units": q.all_units,
        "overview": lambda: q.overview(year),
        "headline": lambda: q.headline(year),
        "trend": lambda: q.trend(units, "expenditure_total"),
        "execution": lambda: q.execution(year, units),
        "subject_tree": lambda: q.subject_tree(year),
        "subject_options": lambda: q.subject_options(year),
        "outliers": lambda: q.outliers(year),
        "coverage_units": lambda: q.coverage_units(year),
        "coverage_departments": lambda: q.coverage_departments(year),
        "department_rollup": lambda: q.department_rollup(year),
        "review_queue": q.review_queue,
        "registry_units": q.registry_units,
        "failed_matrix": q.failed_matrix,
        "dq_status": lambda: q.dq_status(year),
        "unit_tree_06": lambda: q.unit_tree_06(doc, year),
        "findings": q.findings,
        "dq_matrix": q.dq_matrix,
        "dq_summary": q.dq_summary,
        "attention": q.attention,
        "quarantine": q.quarantine,
        "missing_disclosures": q.missing_disclosures,
        "coverage": q.coverage,
        "unit_summary": lambda: q.unit_summary(unit, year),
        "unit_history": lambda: q.unit_history(unit),
        "unit_findings": lambda: q.unit_findings(unit, year),
        "unit_table_03": lambda: q.unit_table_03(doc, year),
        "unit_table_06": lambda: q.unit_table_06(doc),
        "document_problems": lambda: q.document_problems(doc),
        "placed_cells": lambda: q.placed_cells(doc),
    }
    for level in [*q.SUBJECT_LEVELS, q.ECONOMIC_LEVEL]:
        out[f"compare {level}"] = lambda level=level: q.compare(year, units, "total", level)
    for t in q.SQL_UNIT_TWO_SIDED:
        out[f"table {t}"] = lambda t=t: q.unit_two_sided_table(t, doc)
    for t in q.SQL_UNIT_SUBJECT_TABLE:
        out[f"table {t}"] = lambda t=t: q.unit_subject_table(t, doc, year)
    for t in q.DOCUMENT_TABLES:
        out[t] = lambda t=t: q.document_table(t, doc)
    return out


def _canonical(value: object) -> object:
    if isinstance(value, pl.DataFrame):
        df = value.drop([c for c in value.columns if c in RUN_STAMPS])
        # -0.0 and 0.0 are one amount (a DuckDB sum of signed zeros is -0.0, Spark's 0.0)
        rows = (tuple(0.0 if v == 0 and isinstance(v, float) else v for v in r) for r in df.rows())
        return sorted(map(repr, rows)), df.columns
    if isinstance(value, dict):
        return {k: v for k, v in value.items() if k not in RUN_STAMPS}
    return value


def results(warehouse: Path) -> dict[str, object]:
    from dashboard import queries

    os.environ["JUESUAN_WAREHOUSE"] = str(warehouse)
    queries.clear_cache()
    try:
        return {name: _canonical(probe()) for name, probe in probes(queries).items()}
    finally:
        queries.close()


def relation_differences(a: Path, b: Path) -> list[str]:
    """Every relation the served file holds (imported, and the rules' dq_* tables)
    against the same relation in ``a``: the multiset of rows, run stamps left out.
    Says which relation a probe's difference comes from."""
    import duckdb

    out = []
    with duckdb.connect(":memory:") as con:
        con.execute(f"attach '{a}' as a (read_only)")
        con.execute(f"attach '{b}' as b (read_only)")
        names = [r[0] for r in con.execute(
            "select table_name from information_schema.tables where table_catalog = 'b' order by 1"
        ).fetchall()]  # fmt: skip
        for name in (n for n in names if n not in RUN_TABLES):
            cols = [r[0] for r in con.execute(
                "select column_name from information_schema.columns "
                "where table_catalog = 'b' and table_name = ? order by column_name", [name]
            ).fetchall() if r[0] not in RUN_STAMPS]  # fmt: skip
            sel = ", ".join(f'"{c}"' for c in cols)
            try:
                only_a, only_b = (
                    con.execute(f'select count(*) from (select {sel} from {x}."{name}" except all '
                                f'select {sel} from {y}."{name}")').fetchone()[0]  # type: ignore[index]
                    for x, y in (("a", "b"), ("b", "a"))
                )  # fmt: skip
            except duckdb.Error as exc:
                out.append(f"{name}: not comparable ({str(exc).splitlines()[0]})")
                continue
            if only_a or only_b:
                out.append(
                    f"{name}: {only_a} rows only in {a.name} ({a.parent.name}), {only_b} only in the served file"
                )
    return out


def differences(a: Path, b: Path) -> tuple[int, list[str]]:
    """(probes run, the probes whose results differ), then any relation that differs."""
    ra, rb = results(a), results(b)
    found = [f"{n}: {ra[n]!r:.300} vs {rb.get(n)!r:.300}" for n in ra if ra[n] != rb.get(n)]
    return len(ra), found + relation_differences(a, b)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("duckdb_file", type=Path)
    ap.add_argument("served_file", type=Path)
    args = ap.parse_args(argv)
    n, found = differences(args.duckdb_file, args.served_file)
    for d in found:
        print("DIFFERENCE", d, file=sys.stderr)
    print(f"{'FAILED' if found else 'OK'}: {len(found)} differences on the served file "
          f"({n} dashboard probes, every served relation)")  # fmt: skip
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main())
