"""Drive the dashboard in Debian's Chromium: start Streamlit on a free
loopback port, open pages, time each render, collect visible text. Shared by
the browser tests (tests/test_browser.py) and bench/bench_pages.py."""

from __future__ import annotations

import contextlib
import os
import re
import socket
import subprocess
import sys
import time
import urllib.request
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = Path("/usr/bin/chromium")
ARGS = ["--no-sandbox", "--disable-gpu", "--headless=new", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run"]  # fmt: skip
# Latin words a finance officer may see: file formats and the CLI commands the
# notices name. Anything else in Latin letters is untranslated UI.
ALLOWED_LATIN = {"XLSX", "CSV", "PDF", "Parquet", "MAD", "juesuan", "refresh", "check", "ack", "users", "add",
                 "role", "reviewer", "JSON", "txt", "pdf", "z"}  # fmt: skip
LATIN = re.compile(r"[A-Za-z][A-Za-z_]+")
IDLE = '[data-testid="stApp"][data-test-script-state="notRunning"]'


@contextmanager
def serve(data_dir: Path, log_path: Path, extra_env: dict | None = None):
    """Streamlit on the data directory's warehouse; yields the base URL."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    env = {**os.environ, "JUESUAN_DATA_DIR": str(data_dir), "STREAMLIT_BROWSER_GATHER_USAGE_STATS": "false"}
    env.pop("JUESUAN_WAREHOUSE", None)
    env.update(extra_env or {})
    cmd = [sys.executable, "-m", "streamlit", "run", str(ROOT / "app.py"), "--server.headless", "true",
           "--server.port", str(port), "--server.address", "127.0.0.1"]  # fmt: skip
    with open(log_path, "w") as log:
        proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
        try:
            base = f"http://127.0.0.1:{port}"
            for _ in range(240):
                try:
                    if urllib.request.urlopen(f"{base}/_stcore/health", timeout=1).status == 200:
                        break
                except OSError:
                    time.sleep(0.25)
            else:
                raise RuntimeError("streamlit did not become healthy: " + log_path.read_text())
            yield base
        finally:
            proc.terminate()
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                proc.kill()


@contextmanager
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        try:
            yield b
        finally:
            b.close()


def settle(page, timeout: float = 30.0) -> None:
    """Wait until Streamlit has started and finished the run the last action
    caused, and nothing on the page is stale."""
    with contextlib.suppress(Exception):  # the run may have finished before we looked
        page.wait_for_selector('[data-testid="stApp"][data-test-script-state="running"]', timeout=1500)
    page.wait_for_selector(IDLE, timeout=timeout * 1000)
    page.wait_for_function("() => !document.querySelector('[data-stale=\"true\"]')", timeout=timeout * 1000)


def timed(page, action) -> float:
    """Seconds from ``action()`` until the page has rendered its result."""
    t0 = time.perf_counter()
    action()
    settle(page)
    return time.perf_counter() - t0


def open_page(page, base: str, title: str, query: str = "") -> float:
    """Open ``title`` by the sidebar navigation (as a user does); render seconds."""
    if query:
        return timed(page, lambda: page.goto(f"{base}/{query}"))
    return timed(page, lambda: page.get_by_role("link", name=title, exact=True).click())


def visible_text(page) -> str:
    return (
        page.locator('[data-testid="stAppViewContainer"]').inner_text()
        + "\n"
        + page.locator('[data-testid="stSidebar"]').inner_text()
    )


def english_words(text: str, allowed_extra: set[str] = frozenset()) -> set[str]:
    return {w for w in LATIN.findall(text) if w not in ALLOWED_LATIN | set(allowed_extra)}


def screenshot(page, name: str) -> Path:
    out = Path(os.environ.get("JUESUAN_SCREENSHOT_DIR", ROOT / "tests" / "artifacts"))
    out.mkdir(parents=True, exist_ok=True)
    path = out / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path
