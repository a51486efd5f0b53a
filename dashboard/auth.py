"""Accounts, login and roles.

- Users live in a JSON file outside the repository (``$JUESUAN_USERS_FILE``,
  default ``~/.config/juesuan/users.json``): ``{"users": {name: {"hash":
  bcrypt hash, "role": "viewer" | "reviewer" | "admin"}}}``; manage it with
  ``juesuan users add NAME --role reviewer``.
- Login is required whenever the server listens beyond loopback (Streamlit's
  default is every interface) or ``JUESUAN_LOGIN=1``. Serving beyond
  loopback without login needs ``JUESUAN_ALLOW_OPEN=1``; otherwise the app
  refuses to show data. The local demo binds to 127.0.0.1 and has no login.
- Wrong passwords are throttled per user name and per client address.
- A login survives a reload: a signed, expiring token in a cookie, checked on
  the server with a secret kept next to the users file; logout revokes it.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import os
import secrets
import threading
import time
from pathlib import Path

import streamlit as st

ROLES = {"viewer": "查看", "reviewer": "审核（可确认检查结果）", "admin": "管理员"}
CAN_ACK = {"reviewer", "admin"}
LOOPBACK = {"127.0.0.1", "localhost", "::1"}
COOKIE = "juesuan_session"
SESSION_SECONDS = 12 * 3600
MAX_FAILURES = 5  # within WINDOW seconds, then locked for LOCK seconds
WINDOW = 300
LOCK = 300


def users_file() -> Path:
    env = os.environ.get("JUESUAN_USERS_FILE")
    return Path(env) if env else Path.home() / ".config" / "juesuan" / "users.json"


def load_users(path: Path | None = None) -> dict[str, dict]:
    path = path or users_file()
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return {}
    return dict(data.get("users", {}))


def save_users(users: dict[str, dict], path: Path | None = None) -> Path:
    path = path or users_file()
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps({"users": users}, ensure_ascii=False, indent=1), encoding="utf-8")
    os.chmod(tmp, 0o600)
    os.replace(tmp, path)
    return path


def hash_password(password: str) -> str:
    import bcrypt

    return bcrypt.hashpw(password.encode("utf-8"), bcrypt.gensalt(rounds=12)).decode("ascii")


def verify_password(password: str, hashed: str) -> bool:
    import bcrypt

    try:
        return bcrypt.checkpw(password.encode("utf-8"), hashed.encode("ascii"))
    except ValueError:  # a malformed hash, or a password bcrypt refuses (> 72 bytes)
        return False


def add_user(name: str, password: str, role: str = "viewer", path: Path | None = None) -> Path:
    if role not in ROLES:
        raise ValueError(f"未知的角色：{role}（可选：{'、'.join(ROLES)}）")
    if not name.strip() or len(password) < 8:
        raise ValueError("用户名不能为空，密码至少 8 个字符。")
    users = load_users(path)
    users[name.strip()] = {"hash": hash_password(password), "role": role}
    return save_users(users, path)


# --------------------------------------------------------------------------- throttling


class Throttle:
    """Failed logins per key (user name, client address); locked after
    MAX_FAILURES within WINDOW seconds."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.failures: dict[str, list[float]] = {}

    def locked_for(self, keys: list[str], now: float | None = None) -> float:
        now = now or time.monotonic()
        with self.lock:
            waits = []
            for k in keys:
                recent = [t for t in self.failures.get(k, []) if now - t < WINDOW]
                self.failures[k] = recent
                if len(recent) >= MAX_FAILURES:
                    waits.append(recent[-1] + LOCK - now)
            return max(waits, default=0.0)

    def fail(self, keys: list[str]) -> None:
        with self.lock:
            for k in keys:
                self.failures.setdefault(k, []).append(time.monotonic())

    def clear(self, keys: list[str]) -> None:
        with self.lock:
            for k in keys:
                self.failures.pop(k, None)


THROTTLE = Throttle()


def login(name: str, password: str, client: str | None = None) -> tuple[str | None, str]:
    """(role, message): the user's role when the password is right, else None
    and a Chinese reason. Every attempt costs one bcrypt check."""
    keys = [f"user:{name}", f"ip:{client or '-'}"]
    wait = THROTTLE.locked_for(keys)
    if wait > 0:
        return None, f"登录失败次数过多，请 {int(wait // 60) + 1} 分钟后再试。"
    user = load_users().get(name)
    # A dummy check for unknown users so both cases take the same time.
    hashed = user["hash"] if user else "$2b$12$" + "C" * 53
    ok = verify_password(password, hashed) and user is not None
    if not ok or user is None:  # ok implies a user; the test narrows the type
        THROTTLE.fail(keys)
        return None, "用户名或密码不正确。"
    THROTTLE.clear([keys[0]])
    return user.get("role", "viewer"), ""


# --------------------------------------------------------------------------- session tokens

_revoked: set[str] = set()


def _secret() -> bytes:
    env = os.environ.get("JUESUAN_SESSION_SECRET")
    if env:
        return env.encode()
    path = users_file().with_name("session.key")
    try:
        return path.read_bytes()
    except FileNotFoundError:
        path.parent.mkdir(parents=True, exist_ok=True)
        key = secrets.token_hex(32).encode()
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "wb") as fh:
            fh.write(key)
        return key


def make_token(name: str, now: float | None = None) -> str:
    expiry = int((now or time.time()) + SESSION_SECONDS)
    body = base64.urlsafe_b64encode(f"{name}|{expiry}|{secrets.token_hex(8)}".encode()).decode()
    sig = hmac.new(_secret(), body.encode(), hashlib.sha256).hexdigest()
    return f"{body}.{sig}"


def read_token(token: str | None, now: float | None = None) -> str | None:
    """The user name of a valid, unexpired, unrevoked token, else None."""
    if not token or "." not in token or token in _revoked:
        return None
    body, sig = token.rsplit(".", 1)
    good = hmac.new(_secret(), body.encode(), hashlib.sha256).hexdigest()
    if not hmac.compare_digest(sig, good):
        return None
    try:
        name, expiry, _ = base64.urlsafe_b64decode(body.encode()).decode().split("|")
    except (ValueError, UnicodeDecodeError):
        return None
    if int(expiry) < (now or time.time()) or name not in load_users():
        return None
    return name


def _set_cookie(value: str, max_age: int) -> None:
    st.html(
        f"<script>document.cookie = '{COOKIE}={value}; path=/; max-age={max_age}; SameSite=Strict';</script>",
        unsafe_allow_javascript=True,
    )


# --------------------------------------------------------------------------- the gate


def server_address() -> str:
    return str(st.get_option("server.address") or "0.0.0.0")


def login_required() -> bool:
    if os.environ.get("JUESUAN_LOGIN") == "1":
        return True
    return server_address() not in LOOPBACK


def open_allowed() -> bool:
    return os.environ.get("JUESUAN_ALLOW_OPEN") == "1"


def current_user() -> str | None:
    return st.session_state.get("auth-user")


def current_role() -> str:
    """The logged-in user's role; without login (local demo) everyone may review."""
    return st.session_state.get("auth-role", "admin" if not st.session_state.get("auth-on") else "viewer")


def can_ack() -> bool:
    return current_role() in CAN_ACK


def gate() -> bool:
    """True when the visitor may see the app."""
    required = login_required()
    st.session_state["auth-on"] = required and not open_allowed()
    if not st.session_state["auth-on"]:
        return True
    if current_user():
        return True
    users = load_users()
    if not users:
        st.title("部门决算公开数据平台")
        st.error(
            f"看板对本机以外开放（监听 {server_address()}），但尚未配置用户：请用 "
            f"juesuan users add 用户名 --role reviewer 创建用户（用户文件 {users_file()}）；"
            "确需无登录开放时设置 JUESUAN_ALLOW_OPEN=1。"
        )
        return False
    name = read_token(st.context.cookies.get(COOKIE))
    if name:
        st.session_state["auth-user"] = name
        st.session_state["auth-role"] = users[name].get("role", "viewer")
        return True
    if st.session_state.pop("auth-clear-cookie", False):
        _set_cookie("", 0)
    st.title("部门决算公开数据平台")
    with st.form("login"):
        user = st.text_input("用户名")
        pw = st.text_input("密码", type="password")
        if st.form_submit_button("登录"):
            role, message = login(user.strip(), pw, st.context.ip_address)
            if role:
                st.session_state["auth-user"] = user.strip()
                st.session_state["auth-role"] = role
                token = make_token(user.strip())
                st.session_state["auth-token"] = st.session_state["auth-token-current"] = token
                st.rerun()
            st.error(message)
    return False


def sidebar() -> None:
    """Who is logged in, and the logout button (sets the session cookie once)."""
    token = st.session_state.pop("auth-token", None)
    if token:
        _set_cookie(token, SESSION_SECONDS)
    if not current_user():
        return
    with st.sidebar:
        st.caption(f"当前用户：{current_user()}（{ROLES.get(current_role(), current_role())}）")
        if st.button("退出登录", key="logout"):
            for old in (st.context.cookies.get(COOKIE), st.session_state.get("auth-token-current")):
                if old:
                    _revoked.add(old)
            for k in ("auth-user", "auth-role", "auth-token-current"):
                st.session_state.pop(k, None)
            st.session_state["auth-clear-cookie"] = True
            st.rerun()
