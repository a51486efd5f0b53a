"""部门决算公开 dashboard: ``streamlit run app.py`` (settings in .streamlit/).

Reads the published warehouse ($JUESUAN_WAREHOUSE, else data/warehouse.duckdb)
read-only; a refresh is picked up on the next interaction. Login: see
dashboard/auth.py (required whenever the server listens beyond loopback)."""

import logging

import streamlit as st

from dashboard import auth, ui
from dashboard.pages import (
    compare,
    outliers,
    overview,
    quality,
    rankings,
    refresh,
    roster,
    subjects,
    unit_detail,
)

log = logging.getLogger("juesuan.dashboard")

st.set_page_config(page_title="部门决算公开数据平台", layout="wide", menu_items={})
ui.chrome()

PAGES = [
    st.Page(overview.render, title="总览", url_path="overview", default=True),
    st.Page(rankings.render, title="排名", url_path="rankings"),
    st.Page(compare.render, title="单位对比", url_path="compare"),
    st.Page(subjects.render, title="科目分析", url_path="subjects"),
    st.Page(unit_detail.render, title="单位详情", url_path="unit"),
    st.Page(outliers.render, title="异常识别", url_path="outliers"),
    st.Page(quality.render, title="数据质量", url_path="quality"),
    st.Page(refresh.render, title="刷新与覆盖", url_path="refresh"),
    st.Page(roster.render, title="单位名录", url_path="roster"),
]

allowed = auth.gate()  # draws the login form when one is needed
# Navigation is declared also behind the login form, so a deep link
# (/quality?year=2024) still opens its page after logging in.
page = st.navigation(PAGES, position="sidebar" if allowed else "hidden")
if allowed:
    auth.sidebar()
    try:
        page.run()
    except Exception:  # details go to the log, never to the finance officer's screen
        log.exception("dashboard page %s failed", page.title)
        st.error("页面出现错误，详细信息已记录在服务器日志中。请刷新页面重试，或联系系统管理员。")
