"""数据质量: what needs attention first — failures grouped by severity (错误 /
警告 / 提示; a rounding difference is 提示), each with its evidence and the
source page — then the rule × unit × year matrix; passes only when asked."""

from __future__ import annotations

import getpass
from datetime import datetime
from pathlib import Path

import polars as pl
import streamlit as st

from dashboard import auth, evidence, queries, ui
from warehouse.acks import acknowledge as record_ack

FINDING_COLUMNS = ["rule_id", "rule_description", "unit_name", "fiscal_year", "file_name", "page_no", "row_no",
                   "row_label", "expected", "actual", "difference", "acknowledged"]  # fmt: skip


def render() -> None:
    st.title("数据质量")
    if not ui.require_warehouse():
        return
    if not queries.dq_available():
        st.info("数据质量检查结果尚未生成：运行 juesuan check 或下一次刷新后将在此显示。")
        return
    years = [None, *queries.years()]
    c1, _ = st.columns([1, 3])
    year = ui.url_selectbox("年度", years, "year", "dq-year", c1,
                            format_func=lambda v: "全部年度" if v is None else f"{v} 年")  # fmt: skip
    found = queries.attention(year)
    rules = evidence.rule_descriptions()
    found = found.with_columns(
        severity_label=pl.Series(
            [evidence.severity_label(s, o) for s, o in zip(found["severity"], found["outcome"], strict=True)],
            dtype=pl.String,
        ),
        rule_description=pl.col("rule_id").replace_strict(rules, default="", return_dtype=pl.String),
        location=pl.Series([evidence.location_label(v) for v in found["location"]], dtype=pl.String),
    )
    counts = dict(found["severity_label"].value_counts().iter_rows())
    m = st.columns(4)
    for col, sev in zip(m, evidence.SEVERITY_ORDER, strict=False):
        col.metric(sev, f"{int(counts.get(sev, 0)):,}")
    open_n = int((~found["acknowledged"].cast(pl.Boolean).fill_null(False)).sum())
    m[3].metric("未确认", f"{open_n:,}")
    if found.is_empty():
        st.success("没有需要处理的检查结果：全部通过。")
    for sev in evidence.SEVERITY_ORDER:
        group = found.filter(pl.col("severity_label") == sev)
        if group.is_empty():
            continue
        st.subheader(f"{sev}（{len(group):,} 条）")
        shown = group.select(FINDING_COLUMNS)
        ui.show_table(
            shown, f"dq-{sev}", f"数据质量_{sev}", title=f"数据质量检查：{sev}（{_year_text(year)}）"
        )
    if not found.is_empty():
        _ack_form(_evidence(found))
    _data_docs()
    matrix = st.expander("规则 × 单位 × 年度（未通过数）", key="dq-matrix-open", on_change="rerun")
    if matrix.open:  # built only when opened
        with matrix:
            _matrix(year)
    if st.toggle("显示全部检查结果（含通过）", key="dq-all"):
        ui.show_table(queries.findings(year), "dq-findings", "数据质量检查结果")


def _data_docs() -> None:
    """The check's report (every rule, its description and failing rows), written by
    each check next to the warehouse; self-contained, so it opens offline."""
    page = queries.data_docs()
    if page is None:
        st.caption("检查报告尚未生成：下一次检查或刷新后可在此查看。")
        return
    html = page.read_text(encoding="utf-8")
    c1, c2 = st.columns([1, 3])
    c1.download_button("下载检查报告（网页文件）", html.encode("utf-8"), file_name="数据质量检查报告.html",
                       mime="text/html", key="dq-docs-download")  # fmt: skip
    made = datetime.fromtimestamp(page.stat().st_mtime).strftime("%Y-%m-%d %H:%M")
    c2.caption(f"检查报告：逐条规则的说明与未通过的行（生成于 {made}）")  # no server path shown
    report = st.expander("查看检查报告（逐条规则）", key="dq-docs-open", on_change="rerun")
    if report.open:
        with report:
            import streamlit.components.v1 as components

            components.html(html, height=640, scrolling=True)


def _year_text(year) -> str:
    return "全部年度" if year is None else f"{year} 年"


def _number(v) -> str | None:
    """A page or row number as text (None when missing)."""
    return None if v is None or v != v else str(int(v))


def _finding_label(r: dict) -> str:
    page = "" if _number(r.get("page_no")) is None else f" 第 {_number(r['page_no'])} 页"
    return f"{r['severity_label']}｜{r['rule_id']}｜{r.get('unit_name') or r['unit_id']} {r['fiscal_year']} 年｜{r.get('location') or ''}{page}"


def _evidence(found: pl.DataFrame) -> dict:
    """The chosen finding's evidence and source; returns the finding."""
    st.subheader("证据与原文")
    rows = {r["finding_id"]: r for r in found.iter_rows(named=True)}
    fid = ui.url_selectbox(
        "检查结果", list(rows), "finding", "dq-evidence", format_func=lambda k: _finding_label(rows[k])
    )
    r = rows[fid]
    left, right = st.columns([2, 3])
    with left:
        st.markdown(f"**规则 {r['rule_id']}（{r['severity_label']}）**：{r['rule_description'] or '—'}")
        facts = {
            "文件": r.get("file_name") or "—",
            "页码": _number(r.get("page_no")) or "—",
            "行号": _number(r.get("row_no")) or "—",
            "位置": r.get("location") or r.get("row_label") or "—",
            "应为（万元）": ui.wan(r.get("expected")),
            "实际（万元）": ui.wan(r.get("actual")),
            "差额（万元）": ui.wan(r.get("difference")),
            "容差（万元）": ui.wan(r.get("tolerance")),
        }
        ui.static_table(pl.DataFrame({"项目": list(facts), "内容": list(facts.values())}), index="项目")
        if isinstance(r.get("sentence"), str) and r["sentence"]:
            st.markdown(f"**原文语句**：{r['sentence']}")
    with right:
        if st.toggle("查看原文", key="dq-source"):
            evidence.show_source(r, queries.last_inbox())
    return r


def _matrix(year) -> None:
    matrix = queries.failed_matrix(year)
    if matrix.is_empty():
        st.caption("没有未通过的规则。")
        return
    pivot = matrix.pivot("rule_id", index=["unit_id", "fiscal_year"], values="failed", aggregate_function="sum",
                         sort_columns=True).sort("unit_id", "fiscal_year")  # fmt: skip
    rules = pl.exclude("unit_id", "fiscal_year")
    ui.show_table(pivot.with_columns(rules.fill_null(0).cast(pl.Int64)), "dq-matrix", "规则矩阵")


def acknowledge(row: dict, note: str, by: str, user: str | None = None) -> Path:
    """Record an acknowledgement in the locked acks log next to the warehouse, as
    ``juesuan ack`` does; the page shows it at once (``queries.with_acks``).
    ``user``: the logged-in user (then the acknowledging user). Returns the log."""
    path = queries.acks_log()
    record_ack(path, row, note, by=by, user=user)
    return path


def _ack_form(r: dict) -> None:
    """Acknowledge the finding shown above, as the logged-in user."""
    if not auth.can_ack():
        st.caption("只有审核人员可以确认检查结果。")
        return
    if str(r.get("acknowledged")) == "True":  # True, numpy True; never NA
        st.caption(f"该检查结果已由 {r.get('acked_by') or '—'} 确认：{r.get('ack_note') or ''}")
        return
    by = auth.current_user() or getpass.getuser()
    with st.form("dq-ack"):
        st.markdown("**确认这条检查结果**")
        note = st.text_input("说明（必填）")
        st.caption(f"确认人：{by}")
        if st.form_submit_button("确认"):
            if not note.strip():
                st.error("请填写说明。")
            else:
                path = acknowledge(r, note.strip(), by, user=auth.current_user())
                st.success(f"已确认，立即生效（记录于 {path.name}）。")
