"""Page render times in a real browser (Debian's Chromium) on a district of
40 units × 4 years with faults (text and PDF documents, a quarantined file, a
missing unit), as a finance officer clicks through the dashboard.

    uv run python bench/bench_pages.py [--units 40] [--years 2021-2024] [--reps 5] [--data DIR]

Per page: the first visit in a session (cold caches) and later visits (warm:
Streamlit's cache), plus the interactions behind the five questions. A render
is the time from the click until Streamlit has finished the run it caused and
the browser shows no stale element. Writes a Markdown table to stdout."""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))

import browser_util as bu  # noqa: E402

PAGES = ["总览", "排名", "单位对比", "科目分析", "单位详情", "异常识别", "数据质量", "刷新与覆盖"]
BUDGET_S = 1.0


def build(data: Path, units: int, years: str) -> None:
    from dashboard.commands import add_demo_extras
    from samplegen.generate import generate
    from warehouse.refresh import refresh

    t = time.perf_counter()
    generate(data / "inbox", units=units, years=years, formats="text,pdf", faults=0.1, seed=7)
    add_demo_extras(data / "inbox")
    refresh(data / "inbox", data / "warehouse.duckdb", workers=2)
    print(f"built {data} in {time.perf_counter() - t:.1f} s", file=sys.stderr)


def _choose(page, label: str, option: str) -> float:
    box = page.locator('[data-testid="stSelectbox"]').filter(has_text=label).first
    box.click()
    page.keyboard.press("Control+A")
    page.keyboard.type(option)
    return bu.timed(page, lambda: page.get_by_role("option", name=option, exact=True).first.click())


def session(browser, base: str) -> dict[str, list[float]]:
    """One user session: every page twice (cold, warm), then the questions."""
    out: dict[str, list[float]] = {}
    ctx = browser.new_context(viewport={"width": 1400, "height": 2000}, locale="zh-CN")
    page = ctx.new_page()
    out["打开看板（总览，新会话）"] = [bu.timed(page, lambda: page.goto(f"{base}/"), navigation=True)]
    page.locator('[data-testid="stDataFrame"]').first.wait_for(timeout=60_000)
    bu.settle(page)
    for visit in ("首次", "再次"):
        for title in PAGES[1:] + PAGES[:1]:
            out.setdefault(f"{title}（{visit}）", []).append(bu.open_page(page, base, title))
    bu.open_page(page, base, "排名")
    out["排名：指标选三公经费"] = [_choose(page, "指标", "三公经费")]
    bu.open_page(page, base, "数据质量")
    main = page.locator('[data-testid="stMain"]')
    out["数据质量：查看原文"] = [bu.timed(page, lambda: main.get_by_text("查看原文").click())]
    bu.open_page(page, base, "单位对比")
    out["单位对比：科目级次选经济分类"] = [_choose(page, "科目级次", "经济分类")]
    ctx.close()
    return out


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--units", type=int, default=40)
    ap.add_argument("--years", default="2021-2024")
    ap.add_argument("--reps", type=int, default=5, help="user sessions")
    ap.add_argument("--data", type=Path, help="reuse (or create) this data directory")
    args = ap.parse_args()
    tmp = None
    data = args.data
    if data is None:
        tmp = tempfile.TemporaryDirectory(prefix="juesuan-pages-")
        data = Path(tmp.name)
    if not (data / "warehouse.duckdb").exists():
        build(data, args.units, args.years)
    results: dict[str, list[float]] = {}
    with bu.serve(data, data / "streamlit.log") as base, bu.browser() as browser:
        for _ in range(args.reps):
            for k, v in session(browser, base).items():
                results.setdefault(k, []).extend(v)
    print(f"Page renders in Chromium on {args.units} units × {args.years} ({args.reps} sessions).\n")
    print("| 页面 / 操作 | median s | max s |")
    print("|---|---:|---:|")
    worst = 0.0
    for k, v in results.items():
        med = statistics.median(v)
        if "新会话" not in k:
            worst = max(worst, med)
        flag = "" if med <= BUDGET_S or "新会话" in k else " ⚠"
        print(f"| {k} | {med:.2f} | {max(v):.2f}{flag} |")
    print(f"\nworst median (excluding the new-session load): {worst:.2f} s (budget {BUDGET_S:.0f} s)")
    if tmp is not None:
        tmp.cleanup()
    return 0 if worst <= BUDGET_S else 1


if __name__ == "__main__":
    raise SystemExit(main())
