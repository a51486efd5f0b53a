"""Optional login. Off unless ``JUESUAN_DASHBOARD_PASSWORD_SHA256`` holds the
hex SHA-256 of the password (generate: ``python -c "import hashlib;
print(hashlib.sha256(b'secret').hexdigest())"``). The demo leaves it unset."""

from __future__ import annotations

import hashlib
import hmac
import os

import streamlit as st

ENV = "JUESUAN_DASHBOARD_PASSWORD_SHA256"


def enabled() -> bool:
    return bool(os.environ.get(ENV, "").strip())


def check(password: str) -> bool:
    expected = os.environ.get(ENV, "").strip().lower()
    return bool(expected) and hmac.compare_digest(hashlib.sha256(password.encode()).hexdigest(), expected)


def gate() -> bool:
    """True when the visitor may see the app (login off, or logged in)."""
    if not enabled() or st.session_state.get("auth-ok"):
        return True
    st.title("部门决算公开数据平台")
    with st.form("login"):
        pw = st.text_input("密码", type="password")
        if st.form_submit_button("登录"):
            if check(pw):
                st.session_state["auth-ok"] = True
                st.rerun()
            st.error("密码不正确。")
    return False
