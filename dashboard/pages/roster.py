"""单位名录: the roster the bureau maintains (import, template, export,
history), the review queue of printed names (admins accept or reject), and
the coverage section the overview shows (on time / late / quarantined /
missing, per department, exportable for the units)."""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
from pathlib import Path

import polars as pl
import streamlit as st

from dashboard import auth, queries, ui
from warehouse.roster import io
from warehouse.roster.store import RosterStore, roster_dir
from warehouse.roster.sync import import_sheet

STATUS_LABELS = {"on_time": "按时公开", "late": "逾期公开", "received": "已公开（未设截止日期）",
                 "quarantined": "已收到但被隔离", "not_due": "未到截止日期", "missing": "未公开"}  # fmt: skip
SUGGESTION_LABELS = {"proposed": "高度可信", "possible": "仅供参考", "contains": "名称包含"}
BASIS_LABELS = {"publication_date": "文件所印公开日期", "first_received": "首次收到日期"}
COLUMNS = {
    "fiscal_year": "年度", "unit_id": "单位编码", "unit_name": "单位名称", "department": "主管部门",
    "unit_level": "级次", "coverage_status": "公开情况", "deadline": "截止日期", "received_date": "公开/收到日期",
    "date_basis": "日期依据", "days_late": "逾期天数", "quarantine_reason": "隔离原因",
    "quarantined_file_name": "被隔离的文件", "expected_count": "应公开", "on_time": "按时公开", "late": "逾期公开",
    "received": "已公开（未设截止日期）", "quarantined": "被隔离", "not_due": "未到期", "missing": "未公开",
    "printed_name": "文件所印名称", "suggested_unit_id": "建议对应编码", "suggested_name": "建议对应单位",
    "suggestion_status": "建议可信度", "suggestion_score": "相似度", "suggestion_reason": "建议依据",
    "review_reason": "待审原因", "documents_count": "文档数", "first_fiscal_year": "最早年度",
    "last_fiscal_year": "最近年度", "unit_type": "单位类型", "staff_count": "人数",
    "department_id": "部门编码", "department_name": "部门", "member_units": "本级及下属单位数",
    "member_units_reporting": "已公开的本级及下属单位", "members_expenditure_total": "本级及下属支出合计（万元）",
    "members_basic_expenditure": "基本支出（万元）", "members_project_expenditure": "项目支出（万元）",
    "members_personnel_expenditure": "人员经费（万元）", "members_public_expenditure": "公用经费（万元）",
    "members_sangong_actual": "三公经费（万元）", "department_expenditure_total": "部门汇总决算支出（万元）",
    "consolidation_difference": "部门汇总与下属合计之差（万元）",
}  # fmt: skip


# The change log as the history table shows it (newest first).
HISTORY = {"version_no": "版本", "changed_at": "时间", "changed_by": "修改人", "unit_id": "单位编码",
           "field": "项目", "old_value": "原值", "new_value": "新值", "change_source": "来源"}  # fmt: skip

REPO = Path(__file__).resolve().parents[2]
APPLY_TIMEOUT = 900  # seconds; well above a dbt build of the roster models


def _store() -> RosterStore:
    return RosterStore(roster_dir(queries.warehouse_path()))


def apply_now() -> dict:
    """Make the recorded decisions take effect in the published warehouse now
    (``warehouse.roster.apply``, in its own process: dbt changes the working
    directory). Returns {status, message}; the next query sees the new file."""
    cmd = [sys.executable, "-m", "warehouse.roster.apply", str(queries.warehouse_path().resolve())]
    try:
        done = subprocess.run(
            cmd, cwd=REPO, capture_output=True, text=True, timeout=APPLY_TIMEOUT, check=False
        )
    except subprocess.TimeoutExpired:
        return {"status": "failed", "message": "名录决定生效超时：决定已记录，下一次刷新时生效。"}
    lines = [ln for ln in done.stdout.splitlines() if ln.startswith("{")]
    try:
        result = json.loads(lines[-1])
    except (IndexError, ValueError):
        print(done.stderr, file=sys.stderr)  # the server's log; the officer gets the Chinese summary
        result = {
            "status": "failed",
            "message": "名录决定生效失败（详见服务器日志）：决定已记录，下一次刷新时生效。",
        }
    queries.clear_cache()
    return result


def _decide_and_apply(store: RosterStore, name: str, unit: str | None, decision: str, who: str) -> None:
    store.decide(name, unit, decision, who)
    with st.spinner("正在使决定生效（重新归属相关文档）…"):
        result = apply_now()
    st.session_state["roster-applied"] = result
    st.rerun()


def _flash() -> None:
    result = st.session_state.pop("roster-applied", None)
    if not result:
        return
    if result.get("status") in ("applied", "current"):
        st.success(result["message"])
    elif result.get("status") == "locked":
        st.warning(
            f"{result['message']} 决定已记录，该次刷新结束后点击“使已记录的决定立即生效”，或等待下一次刷新。"
        )
    else:
        st.warning(result.get("message") or "决定已记录，下一次刷新时生效。")


def _chinese(df: pl.DataFrame) -> pl.DataFrame:
    exprs = [
        pl.col(col).replace(labels)
        for col, labels in (("coverage_status", STATUS_LABELS), ("suggestion_status", SUGGESTION_LABELS),
                            ("date_basis", BASIS_LABELS))
        if col in df.columns
    ]  # fmt: skip
    for col in ("deadline", "received_date"):
        if col in df.columns:
            day = pl.col(col).dt.strftime("%Y-%m-%d") if df.schema[col].is_temporal() else pl.col(col)
            exprs.append(day.fill_null("—"))
    if "days_late" in df.columns:
        exprs.append(pl.col("days_late").cast(pl.Int64))
    return df.with_columns(exprs).rename(COLUMNS, strict=False)


def _coverage_units(year: int) -> pl.DataFrame | None:
    if not queries.has_coverage_status():
        return None
    units = queries.coverage_units(year)
    return None if units.is_empty() else units


def coverage_section(year: int) -> None:
    """公开情况 counts for the overview's morning check (the tables come at the
    end of the page, ``coverage_tables``)."""
    units = _coverage_units(year)
    if units is None:
        return
    st.subheader(f"{year} 年公开情况")
    counts = dict(units["coverage_status"].value_counts().iter_rows())
    cols = st.columns(len(STATUS_LABELS))
    for c, (code, text) in zip(cols, STATUS_LABELS.items(), strict=True):
        c.metric(text, f"{int(counts.get(code, 0)):,}")
    st.caption(
        "逾期按文件所印的公开日期判断；未印完整日期的，按数据平台首次收到文件的日期。各部门和逐单位明细见页面底部。"
    )


def coverage_tables(year: int) -> None:
    """Per department, and the per-unit list the bureau can send to units."""
    units = _coverage_units(year)
    if units is None:
        return
    with st.expander(f"{year} 年各部门公开情况", expanded=False):
        ui.show_table(_chinese(queries.coverage_departments(year)), "coverage-departments",
                      f"各部门公开情况_{year}", static=True)  # fmt: skip
    with st.expander(f"{year} 年逐单位公开情况（可导出发给各单位）", expanded=False):
        ui.show_table(
            _chinese(units), "coverage-units", f"公开情况_{year}", title=f"{year} 年部门决算公开情况"
        )


def _import(store: RosterStore) -> None:
    up = st.file_uploader(
        "导入名录（Excel 或 CSV，按模板填写）", type=["xlsx", "xls", "csv"], key="roster-upload"
    )
    if up is None or not st.button("导入为新版本", key="roster-import"):
        return
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / Path(up.name).name
        path.write_bytes(up.getvalue())
        try:
            roster, sheet = import_sheet(store, path, auth.current_user() or "看板管理员")
        except (io.RosterSheetError, UnicodeDecodeError) as exc:
            st.error(str(exc))
            return
    st.success(f"已导入 {up.name}：{len(roster.units)} 个单位，名录版本 {roster.version_no}，"
               f"修改 {roster.meta.get('changes', 0)} 项。下一次刷新后按新名录归属文档。")  # fmt: skip
    for w in sheet.warnings:
        st.warning(w)


def _review(store: RosterStore, admin: bool) -> None:
    st.subheader("待审核的单位名称")
    queue = queries.review_queue()
    if queue.is_empty():
        st.success("没有待审核的单位名称。")
        return
    roster = store.load()
    decided = roster.latest_decisions()
    names = {u["unit_id"]: u["unit_name"] for u in roster.units}

    def recorded(name: str) -> str:
        d = decided.get(name)
        if d is None:
            return ""
        what = f"接受为 {names.get(d['unit_id'], d['unit_id'])}" if d["decision"] == "accepted" else "驳回"
        return f"已{what}（尚未生效）"

    shown = queue.with_columns(
        recorded=pl.Series([recorded(n) for n in queue["printed_name"]], dtype=pl.String)
    )
    ui.show_table(_chinese(shown).rename({"recorded": "已记录的决定"}), "roster-review", "待审核单位名称")
    if not admin:
        st.caption("只有管理员可以接受或驳回建议。")
        return
    st.caption("接受：把这个名称加为所选单位的别名，其文档立即归入该单位；驳回：建议的单位不对，保留为名录外单位。"
               "高度可信的建议也不会自动合并。决定保存在单位名录中，刷新和重建后仍然有效。")  # fmt: skip
    if any(n in decided for n in queue["printed_name"]) and st.button(
        "使已记录的决定立即生效", key="roster-apply"
    ):
        with st.spinner("正在使决定生效（重新归属相关文档）…"):
            st.session_state["roster-applied"] = apply_now()
        st.rerun()
    options = sorted(names, key=lambda u: names[u])
    for row in queue.iter_rows(named=True):
        if row["printed_name"] in decided:
            continue
        c1, c2, c3, c4 = st.columns([3, 3, 1, 1])
        c1.write(f"**{row['printed_name']}**（{int(row.get('documents_count') or 0)} 个文档）")
        suggested = row.get("suggested_unit_id")
        # only a confident proposal is preselected; a mere hint needs a deliberate choice
        confident = row.get("suggestion_status") == "proposed" and suggested in names
        index = options.index(suggested) if confident else None
        pick = c2.selectbox("对应单位", options, index=index, key=f"pick-{row['unit_id']}",
                            format_func=lambda u: f"{names[u]}（{u}）", placeholder="选择名录中的单位",
                            label_visibility="collapsed")  # fmt: skip
        who = auth.current_user() or "看板管理员"
        if c3.button("接受", key=f"accept-{row['unit_id']}", disabled=pick is None):
            _decide_and_apply(store, row["printed_name"], pick, "accepted", who)
        if c4.button("驳回", key=f"reject-{row['unit_id']}"):
            _decide_and_apply(store, row["printed_name"], suggested if isinstance(suggested, str) else None,
                              "rejected", who)  # fmt: skip


def _rollup() -> None:
    years = queries.years() if queries.has_table("fct_unit_year_summary") else []
    if not years:
        return
    st.subheader("部门汇总（本级和下属单位合计）")
    year = st.selectbox("年度", years, key="roster-rollup-year", format_func=lambda y: f"{y} 年")
    df = queries.department_rollup(year)
    if df is None or df.is_empty():
        st.info("名录中还没有部门及其下属单位的数据。")
        return
    st.caption(
        "本级和下属单位逐项相加，与部门自己公开的汇总决算并列；差额来自未公开的下属单位或汇总口径不同。"
    )
    ui.show_table(_chinese(df), "roster-rollup", f"部门汇总_{year}", title=f"{year} 年部门汇总（万元）")


def render() -> None:
    st.title("单位名录")
    _flash()
    store = _store()
    admin = auth.current_role() == "admin"
    roster = store.load()
    c = st.columns(3)
    c[0].metric("名录单位数", f"{len(roster.units):,}")
    c[1].metric("名录版本", roster.version_no or "—")
    c[2].metric("最近修改", f"{roster.meta.get('changed_at', '—')}（{roster.meta.get('changed_by', '—')}）"
                if roster.version_no else "—")  # fmt: skip
    d1, d2 = st.columns(2)
    d1.download_button("下载名录模板", io.template_xlsx, file_name="单位名录模板.xlsx", key="roster-template",
                       on_click="ignore")  # fmt: skip
    d2.download_button("导出当前名录（Excel）", lambda: io.export_xlsx(store.load()), file_name="单位名录.xlsx",
                       key="roster-export", on_click="ignore", disabled=not roster.units)  # fmt: skip
    if admin:
        _import(store)
    if not roster.units:
        st.info("尚未导入单位名录：下载模板填写后导入。未导入前，单位以 units.csv 为准。")
    try:
        present = queries.tables()
    except queries.WarehouseMissing as exc:
        st.warning(str(exc))
        return
    if "dim_units" in present:
        _review(store, admin)
        st.subheader("名录单位（部门 → 本级、下属单位）")
        ui.show_table(_chinese(queries.registry_units()), "roster-units", "名录单位")
        _rollup()
    if roster.changes:
        with st.expander("修改历史（谁在何时改了什么）"):
            hist = pl.DataFrame(
                [{k: None if c.get(k) is None else (c[k] if k == "version_no" else str(c[k])) for k in HISTORY}
                 for c in roster.changes],
                schema={k: pl.Int64 if k == "version_no" else pl.String for k in HISTORY},
            ).rename(HISTORY)  # fmt: skip
            ui.show_table(hist.reverse(), "roster-history", "名录修改历史")
