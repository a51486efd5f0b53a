"""数据质量: rule × unit × year matrix and findings (from dq_findings when the
data-quality step has produced it)."""

from __future__ import annotations

import getpass
from pathlib import Path

import streamlit as st

from dashboard import queries, ui

OUTCOMES = {None: "全部结果", "fail": "未通过", "rounding": "舍入差异", "pass": "通过",
            "not_applicable": "不适用", "insufficient_data": "数据不足"}  # fmt: skip


def render() -> None:
    st.title("数据质量")
    if not ui.require_warehouse():
        return
    if not queries.dq_available():
        st.info(
            "数据质量检查结果尚未生成：仓库中没有 dq_findings 表。运行 juesuan check 或下一次刷新后将在此显示。"
        )
        return
    summary = queries.dq_summary()
    if summary is not None:
        st.subheader("按单位年度汇总")
        ui.show_table(summary, "dq-summary", "数据质量汇总")
    c1, c2 = st.columns(2)
    years = [None, *queries.years()]
    year = c1.selectbox(
        "年度", years, key="dq-year", format_func=lambda v: "全部年度" if v is None else f"{v} 年"
    )
    outcome = c2.selectbox("结果", list(OUTCOMES), format_func=OUTCOMES.get, key="dq-outcome")
    matrix = queries.dq_matrix(year)
    if matrix is not None and not matrix.empty:
        st.subheader("规则 × 单位 × 年度（未通过数）")
        pivot = matrix.pivot_table(index=["unit_id", "fiscal_year"], columns="rule_id", values="failed",
                                   aggfunc="sum", fill_value=0).reset_index()  # fmt: skip
        ui.show_table(pivot, "dq-matrix", "规则矩阵")
    f = queries.findings(year, outcome)
    st.subheader(f"检查结果（{len(f)} 条）")
    ui.show_table(f, "dq-findings", "数据质量检查结果")
    _ack_form(f)


def acknowledge(row: dict, note: str, by: str, user: str | None = None) -> Path:
    """Record an acknowledgement exactly as ``juesuan ack`` does (a line in the
    acks file next to the warehouse, appended under its lock); the next
    check/refresh writes it into the warehouse. ``user``: the logged-in user
    (then the acknowledging user). Returns the acks file."""
    from expectations.runner import acks_path
    from warehouse import acks

    path = acks_path(queries.warehouse_path())
    acks.acknowledge(path, row, note, by=by, user=user)
    return path


def _ack_form(findings) -> None:
    st.subheader("确认检查结果")
    if "finding_id" not in findings.columns or findings.empty:
        st.caption('也可在命令行确认：juesuan ack 编号 --note "说明"。')
        return
    todo = findings[findings["outcome"].isin(["fail", "rounding"])]
    if "acknowledged" in todo.columns:
        todo = todo[~todo["acknowledged"].fillna(False).astype(bool)]
    if todo.empty:
        st.caption("没有待确认的未通过结果。")
        return
    rows = {r["finding_id"]: r for r in todo.to_dict("records")}
    with st.form("dq-ack"):
        fid = st.selectbox(
            "检查结果",
            list(rows),
            format_func=lambda k: (
                f"{k}（{rows[k].get('rule_id')}，{rows[k].get('unit_id')} {rows[k].get('fiscal_year')}）"
            ),
        )
        note = st.text_input("说明（必填）")
        by = st.text_input("确认人", value=getpass.getuser())
        if st.form_submit_button("确认"):
            if not note.strip():
                st.error("请填写说明。")
            else:
                path = acknowledge(rows[fid], note.strip(), by.strip() or getpass.getuser())
                st.success(f"已确认 {fid}；下次检查或刷新时写入仓库（{path.name}）。")
