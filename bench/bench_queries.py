"""Every query behind every dashboard page, on a synthetic warehouse of 10,000
units × 5 years (tests/fixtures/synthetic_marts.py; ~600k 功能分类 lines, ~350k 经济分类 lines).
Each call is uncached (the result cache is cleared before every call) and runs
on the dashboard's shared read-only connection; reopening it (what the first
query after a refresh pays) is measured as its own row. Prints a Markdown table of p50 / p95 wall time and fails (exit 1)
when any p95 exceeds the budget.

    uv run python bench/bench_queries.py [--units 10000] [--years 5] [--reps 20]
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))

from fixtures import synthetic_marts  # noqa: E402

from dashboard import queries  # noqa: E402
from dashboard.queries import rankings  # noqa: E402

BUDGET_MS = 150.0


def cases(year: int, unit_ids: list[str], doc: str) -> dict[str, tuple[str, callable]]:
    u2, u10 = unit_ids[:2], unit_ids[:10]
    deps = list(queries.department_options(year)["department_id"])[:10]
    return {
        "first query after a refresh (reopen)": ("通用", lambda: (queries.close(), queries.years())),
        "years": ("通用", lambda: queries.years()),
        "departments + unit_types": ("通用", lambda: (queries.departments(), queries.unit_types())),
        "overview (all units)": ("总览", lambda: queries.overview(year)),
        "overview (filtered)": ("总览", lambda: queries.overview(year, ["部门01"], ["行政单位"])),
        "headline": ("总览", lambda: queries.headline(year)),
        "morning check (last run, counts)": ("总览", lambda: (queries.last_run(), queries.morning(year))),
        "ranking 本年支出合计 by change": (
            "排名",
            lambda: rankings.ranking("expenditure_total", year, year - 1),
        ),
        "ranking 三公 item, year range": (
            "排名",
            lambda: rankings.ranking("actual_reception", year, year - 3, "change_pct"),
        ),
        "ranking a 类 by share": (
            "排名",
            lambda: rankings.ranking("subject:205", year, year - 1, "share_pct"),
        ),
        "ranking subject options": ("排名", lambda: rankings.rank_subjects(year)),
        "units_for_year": ("单位对比", lambda: queries.units_for_year(year)),
        "compare 2 units 项": ("单位对比", lambda: queries.compare(year, u2, "total", "项")),
        "compare 10 units 款": ("单位对比", lambda: queries.compare(year, u10, "basic", "款")),
        "compare 经济分类": ("单位对比", lambda: queries.compare(year, u10, "total", queries.ECONOMIC_LEVEL)),
        "compare unit type": (
            "单位对比",
            lambda: queries.compare(year, None, "total", "类", unit_type="行政单位"),
        ),
        "compare 10 departments 类 (roll-up)": (
            "单位对比",
            lambda: queries.compare(year, deps, "total", "类", departments=True),
        ),
        "compare departments 经济分类": (
            "单位对比",
            lambda: queries.compare(year, deps, "total", queries.ECONOMIC_LEVEL, departments=True),
        ),
        "department options + basis": (
            "单位对比",
            lambda: (queries.department_options(year), queries.department_basis(year, deps)),
        ),
        "department trend + execution": (
            "单位对比",
            lambda: (
                queries.department_trend(deps, "expenditure_total"),
                queries.department_execution(year, deps),
            ),
        ),
        "trend": ("单位对比", lambda: queries.trend(u10, "expenditure_total")),
        "execution": ("单位对比", lambda: queries.execution(year, u10)),
        "subject_options": ("科目分析", lambda: queries.subject_options(year)),
        "subject_by_unit (类)": ("科目分析", lambda: queries.subject_by_unit(year, "205")),
        "subject_trend": ("科目分析", lambda: queries.subject_trend("20502")),
        "subject_tree": ("科目分析", lambda: queries.subject_tree(year)),
        "all_units": ("单位详情", lambda: queries.all_units()),
        "unit_years + summary": (
            "单位详情",
            lambda: (queries.unit_years(unit_ids[0]), queries.unit_summary(unit_ids[0], year)),
        ),
        "unit_table_03": ("单位详情", lambda: queries.unit_table_03(doc, year)),
        "unit_table_06": ("单位详情", lambda: queries.unit_table_06(doc)),
        **{
            f"unit_subject_table {no}": ("单位详情", lambda no=no: queries.unit_subject_table(no, doc, year))
            for no in ("02", "05")
        },
        **{
            f"unit_two_sided_table {no}": ("单位详情", lambda no=no: queries.unit_two_sided_table(no, doc))
            for no in queries.TWO_SIDED_TABLES
        },
        **{
            f"document_table {t}": ("单位详情", lambda t=t: queries.document_table(t, doc))
            for t in queries.DOCUMENT_TABLES
        },
        "unit_documents": ("单位详情", lambda: queries.unit_documents(unit_ids[0])),
        "unit_findings": ("单位详情", lambda: queries.unit_findings(unit_ids[0], year)),
        "outliers": ("异常识别", lambda: queries.outliers(year)),
        "dq findings (fail)": ("数据质量", lambda: queries.findings(year, "fail")),
        "dq attention with evidence": ("数据质量", lambda: queries.attention(year)),
        "dq failed matrix": ("数据质量", lambda: queries.failed_matrix(year)),
        "dq matrix": ("数据质量", lambda: queries.dq_matrix(year)),
        "runs + last_success": ("刷新与覆盖", lambda: (queries.runs(), queries.last_success())),
        "coverage": ("刷新与覆盖", lambda: queries.coverage()),
        "missing_disclosures": ("刷新与覆盖", lambda: queries.missing_disclosures(year)),
        "quarantine": ("刷新与覆盖", lambda: queries.quarantine()),
    }


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--units", type=int, default=10_000)
    ap.add_argument("--years", type=int, default=5)
    ap.add_argument("--reps", type=int, default=20)
    ap.add_argument("--warehouse", type=Path, help="reuse (or create) this synthetic warehouse file")
    args = ap.parse_args()

    tmp = None
    path = args.warehouse
    if path is None:
        tmp = tempfile.TemporaryDirectory(prefix="juesuan-bench-")
        path = Path(tmp.name) / "warehouse.duckdb"
    years = tuple(range(2020, 2020 + args.years))
    if not path.exists():
        t = time.perf_counter()
        synthetic_marts.build(path, n_units=args.units, years=years, with_dq=True)
        print(
            f"built {path} in {time.perf_counter() - t:.1f} s ({path.stat().st_size / 1e6:.0f} MB)",
            file=sys.stderr,
        )
    os.environ["JUESUAN_WAREHOUSE"] = str(path)
    year = max(years)
    unit_ids = list(queries.units_for_year(year)["unit_id"])
    doc = queries.unit_summary(unit_ids[0], year)["document_id"]

    rows, worst = [], 0.0
    for name, (page, fn) in cases(year, unit_ids, doc).items():
        queries.clear_cache()
        fn()  # warm the OS page cache
        times = []
        for _ in range(args.reps):
            queries.clear_cache()
            t = time.perf_counter()
            fn()
            times.append(1000 * (time.perf_counter() - t))
        times.sort()
        p50 = statistics.median(times)
        p95 = times[min(len(times) - 1, round(0.95 * (len(times) - 1)))]
        worst = max(worst, p95)
        rows.append((page, name, p50, p95))

    print(f"Dashboard queries on a synthetic warehouse of {args.units:,} units × {args.years} years, "
          f"{args.reps} uncached runs each (shared read-only connection).\n")  # fmt: skip
    print("| 页面 | query | p50 ms | p95 ms |")
    print("|---|---|---:|---:|")
    for page, name, p50, p95 in rows:
        flag = "" if p95 <= BUDGET_MS else " ⚠"
        print(f"| {page} | {name} | {p50:.1f} | {p95:.1f}{flag} |")
    print(f"\nworst p95: {worst:.1f} ms (budget {BUDGET_MS:.0f} ms)")
    if tmp is not None:
        tmp.cleanup()
    return 0 if worst <= BUDGET_MS else 1


if __name__ == "__main__":
    raise SystemExit(main())
