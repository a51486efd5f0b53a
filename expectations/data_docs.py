"""Data Docs for the data-quality check: one self-contained HTML page (inline CSS,
no script, nothing fetched) rendered from the Great Expectations validation
results of a run. GX's own Data Docs load their CSS/JS from CDNs (STACK.md),
which a machine without internet cannot reach.

One section per rule of the catalogue, in catalogue order: its id, Chinese
description, severity, tolerance, the expectation that validated it, how many
checks ran and failed, and the failing rows (unit, year, table, row, expected,
actual, difference)."""

from __future__ import annotations

import html
from collections.abc import Iterable
from datetime import datetime
from pathlib import Path

INDEX = "index.html"
MAX_ROWS_PER_RULE = 500  # a rule failing everywhere still gives a page a browser opens quickly

SEVERITY = {"error": "错误", "warning": "警告"}
TOLERANCE = {
    "addends": "尾数误差：每个非零加数 0.01 万元（至少 0.01）",
    "exact": "精确：差额达到 0.01 即不通过",
    "percent": "百分比：±0.01 个百分点，另加所印末位的半个单位",
}

CSS = """
body{font-family:"Noto Sans CJK SC","WenQuanYi Micro Hei",sans-serif;margin:2rem;color:#222;max-width:75rem}
h1{font-size:1.5rem}h2{font-size:1.15rem;margin:0 0 .4rem}
section{border:1px solid #ddd;border-radius:6px;padding:1rem;margin:1rem 0}
section.fail{border-left:6px solid #c0392b}section.ok{border-left:6px solid #27ae60}
section.none{border-left:6px solid #aaa}
table{border-collapse:collapse;font-size:.9rem;margin-top:.5rem}
th,td{border:1px solid #ddd;padding:.2rem .5rem;text-align:left}td.n{text-align:right;font-variant-numeric:tabular-nums}
.meta{color:#555;font-size:.9rem}.toc td{padding:.1rem .5rem}
"""


NARRATIVE_SHAPES = frozenset(
    {"claim", "fact_value", "sequence", "order", "share_sum", "empty_note", "coverage"}
)


def expectation_name(rule: dict) -> str:
    """The GX expectation type that validates a rule (``expectations.gx_suites``):
    narrative rules, stated percentages, and identities between amounts."""
    if {c["shape"] for c in rule["checks"]} <= NARRATIVE_SHAPES:
        return "expect_narrative_consistent"
    if rule.get("tolerance") == "percent":
        return "expect_stated_percent_matches"
    return "expect_identity_holds"


def _e(value: object) -> str:
    return html.escape("" if value is None else str(value))


def _amount(value: object) -> str:
    if value is None:
        return ""
    try:
        return f"{float(value):,.2f}"  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return _e(value)


def render(
    rules: list[dict],
    results: dict[str, dict],
    failing: dict[str, list[dict]],
    run_id: str,
    generated_at: datetime | None = None,
) -> str:
    """``results[rule_id]``: {"expectation", "evaluated", "failed", "success"} (a rule
    with no entry did not run); ``failing[rule_id]``: failing rows (dicts with
    unit_id, fiscal_year, table_id, row_label, location, expected, actual, difference)."""
    when = (generated_at or datetime.now()).isoformat(timespec="seconds")
    toc, sections = [], []
    for rule in rules:
        rid = rule["id"]
        res = results.get(rid)
        rows = failing.get(rid, [])
        failed = int(res["failed"]) if res else 0
        state = "none" if not res or not res["evaluated"] else ("fail" if failed else "ok")
        verdict = {"none": "本次无可核对的数据", "ok": "全部通过", "fail": f"{failed} 项不通过"}[state]
        anchor = f"rule-{_e(rid)}"
        toc.append(f'<tr><td><a href="#{anchor}">{_e(rid)}</a></td><td>{verdict}</td></tr>')
        head = (
            f'<section id="{anchor}" class="{state}"><h2>{_e(rid)}　{verdict}</h2>'
            f"<p>{_e(rule.get('description'))}</p>"
            f'<p class="meta">严重程度：{_e(SEVERITY.get(rule.get("severity", "error"), rule.get("severity")))}；'
            f"容差：{_e(TOLERANCE.get(rule.get('tolerance', 'addends'), rule.get('tolerance')))}；"
            f"期望：{_e(res['expectation'] if res else '—')}；"
            f"核对 {int(res['evaluated']) if res else 0} 项</p>"
        )
        body = ""
        if rows:
            shown = rows[:MAX_ROWS_PER_RULE]
            body = (
                "<table><tr><th>单位</th><th>年度</th><th>表</th><th>行</th><th>位置</th>"
                "<th>预期值</th><th>实际值</th><th>差额</th></tr>"
                + "".join(
                    f"<tr><td>{_e(r.get('unit_id'))}</td><td>{_e(r.get('fiscal_year'))}</td>"
                    f"<td>{_e(r.get('table_id'))}</td><td>{_e(r.get('row_label'))}</td>"
                    f"<td>{_e(r.get('location'))}</td><td class=n>{_amount(r.get('expected'))}</td>"
                    f"<td class=n>{_amount(r.get('actual'))}</td><td class=n>{_amount(r.get('difference'))}</td></tr>"
                    for r in shown
                )
                + "</table>"
            )
            if len(rows) > len(shown):
                body += f'<p class="meta">仅列出前 {len(shown)} 行（共 {len(rows)} 行）。</p>'
        sections.append(head + body + "</section>")
    return (
        '<!doctype html><html lang="zh-CN"><head><meta charset="utf-8">'
        f"<title>数据质量检查报告 {_e(run_id)}</title><style>{CSS}</style></head><body>"
        f"<h1>数据质量检查报告</h1><p class=meta>运行 {_e(run_id)}，生成于 {_e(when)}；"
        f"共 {len(rules)} 条规则，由 Great Expectations 逐条验证。</p>"
        f'<table class="toc">{"".join(toc)}</table>{"".join(sections)}</body></html>'
    )


def write(directory: Path, page: str) -> Path:
    """Write the page atomically (a dashboard may be reading the previous one)."""
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / INDEX
    tmp = path.with_suffix(".html.tmp")
    tmp.write_text(page, encoding="utf-8")
    tmp.replace(path)
    return path


def failing_rows(rows: Iterable[dict]) -> dict[str, list[dict]]:
    out: dict[str, list[dict]] = {}
    for r in rows:
        out.setdefault(str(r["rule_id"]), []).append(r)
    return out
