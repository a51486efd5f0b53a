"""部门决算公开 dashboard: ``streamlit run app.py --server.headless true``.

Reads the published warehouse ($JUESUAN_WAREHOUSE, else data/warehouse.duckdb)
read-only; a refresh is picked up on the next interaction."""

import streamlit as st

from dashboard import auth
from dashboard.pages import compare, outliers, overview, quality, refresh, subjects, unit_detail

st.set_page_config(page_title="部门决算公开数据平台", layout="wide")

PAGES = [
    st.Page(overview.render, title="总览", url_path="overview", default=True),
    st.Page(compare.render, title="单位对比", url_path="compare"),
    st.Page(subjects.render, title="科目分析", url_path="subjects"),
    st.Page(unit_detail.render, title="单位详情", url_path="unit"),
    st.Page(outliers.render, title="异常识别", url_path="outliers"),
    st.Page(quality.render, title="数据质量", url_path="quality"),
    st.Page(refresh.render, title="刷新与覆盖", url_path="refresh"),
]

if auth.gate():
    st.navigation(PAGES).run()
