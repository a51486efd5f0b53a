"""Widgets whose state lives in the URL, and the Streamlit chrome the app hides."""

from __future__ import annotations

import streamlit as st

# --------------------------------------------------------------------------- URL filters
# A page's filters live in the URL (?year=2024&units=U001,U002), so a view can
# be shared and a deep link opens it, also after the login form.


def _from_url(param: str, options: list):
    raw = st.query_params.get(param)
    if raw is None:
        return None
    for o in options:
        if str(o) == raw:
            return o
    return None


def url_selectbox(label: str, options: list, param: str, key: str, container=None, index: int = 0, **kw):
    """A selectbox whose choice is read from and written to ``?param=``."""
    container = container or st
    if key not in st.session_state:
        picked = _from_url(param, options)
        if picked is not None:
            st.session_state[key] = picked
    if key in st.session_state and st.session_state[key] not in options:
        del st.session_state[key]
    kw.setdefault("placeholder", "请选择")
    value = container.selectbox(label, options, index=index if options else None, key=key, **kw)
    if value is None:
        st.query_params.pop(param, None)
    else:
        st.query_params[param] = str(value)
    return value


def url_multiselect(label: str, options: list, param: str, key: str, container=None, **kw) -> list:
    """A multiselect whose choices are read from and written to ``?param=a,b``."""
    container = container or st
    if key not in st.session_state and st.query_params.get(param):
        by_text = {str(o): o for o in options}
        st.session_state[key] = [by_text[v] for v in st.query_params[param].split(",") if v in by_text]
    kw.setdefault("placeholder", "请选择")
    values = container.multiselect(label, options, key=key, **kw)
    if values:
        st.query_params[param] = ",".join(map(str, values))
    else:
        st.query_params.pop(param, None)
    return values


# --------------------------------------------------------------------------- chrome
# Streamlit's own menus, toolbars and tooltips are English and cannot be
# translated: hide them (the app offers its own Chinese export buttons). An
# unknown address opens the default page (总览) without Streamlit's English
# "Page not found" modal.
_HIDE_CSS = """
<style>
[data-testid="stMainMenu"], [data-testid="stAppDeployButton"], [data-testid="stToolbarActions"],
[data-testid="stStatusWidget"], [data-testid="stElementToolbar"], [data-testid="stDecoration"],
[data-testid="stSkipToContent"],
[data-testid="stDialog"],  /* Streamlit's own modals ("Page not found"); the app opens none */
.modebar-container { display: none !important; }
</style>
"""


def chrome() -> None:
    st.html(_HIDE_CSS)
