"""Drive the dashboard in Debian's Chromium: start Streamlit on a free
loopback port, open pages, time each render, collect visible text. Shared by
the browser tests (tests/test_browser.py) and bench/bench_pages.py."""

from __future__ import annotations

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
# Rule identifiers (R-row, N-06, X-05: expectations/rules.yml) are codes, like subject codes.
RULE_ID = re.compile(r"\b[A-Z]-[A-Za-z0-9]+\b")
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


_WATCH_JS = """() => {
  window.__runs = [];
  window.__t0 = performance.now();
  if (!window.__watching) {
    window.__watching = true;
    // The whole document: Streamlit may remount its app element. Old values
    // too: a fast run's two changes may arrive in one callback.
    new MutationObserver((records) => {
      for (const r of records) window.__runs.push(r.oldValue, r.target.getAttribute('data-test-script-state'));
    }).observe(document.documentElement, {subtree: true, attributes: true, attributeOldValue: true,
                                          attributeFilter: ['data-test-script-state']});
  }
}"""
_DONE_JS = """() => {
  const runs = window.__runs || [];
  const started = runs.indexOf('running');
  const idle = !!document.querySelector('[data-testid="stApp"][data-test-script-state="notRunning"]')
    && !document.querySelector('[data-stale="true"]');
  // A run the observer missed entirely (the app element was replaced): after
  // 5 s of silence an idle page counts as done, so the time errs on the slow side.
  if (runs.length === 0) return idle && performance.now() - window.__t0 > 5000;
  return started >= 0 && runs.slice(started).includes('notRunning') && idle;
}"""


def settle(page, timeout: float = 30.0) -> None:
    """Wait until the page is idle and nothing on it is stale (after a page load)."""
    page.wait_for_selector(IDLE, timeout=timeout * 1000)
    page.wait_for_function("() => !document.querySelector('[data-stale=\"true\"]')", timeout=timeout * 1000)


def timed(page, action, navigation: bool = False, timeout: float = 30.0) -> float:
    """Seconds from ``action()`` until Streamlit has run the script it caused
    and drawn the result (``navigation``: the action loads a new document)."""
    if not navigation:
        page.evaluate(_WATCH_JS)
    t0 = time.perf_counter()
    action()
    if navigation:
        page.wait_for_selector('[data-testid="stMain"]', timeout=timeout * 1000)
        settle(page, timeout)
    else:
        page.wait_for_function(_DONE_JS, timeout=timeout * 1000, polling=20)
    return time.perf_counter() - t0


def open_page(page, base: str, title: str, query: str = "") -> float:
    """Open ``title`` by the sidebar navigation (as a user does); render seconds."""
    if query:
        return timed(page, lambda: page.goto(f"{base}/{query}"), navigation=True)
    return timed(page, lambda: page.get_by_role("link", name=title, exact=True).click())


_TEXT_JS = """() => {
  const out = [];
  for (const sel of ['[data-testid="stAppViewContainer"]', '[data-testid="stSidebar"]', '[role="dialog"]']) {
    for (const el of document.querySelectorAll(sel)) {
      if (!el.getClientRects().length) continue;  // hidden (display: none here or above)
      const copy = el.cloneNode(true);  // icons are ligature names in an icon font, not words
      copy.querySelectorAll('[data-testid="stIconMaterial"]').forEach(i => i.remove());
      document.body.appendChild(copy);
      out.push(copy.innerText);
      copy.remove();
    }
  }
  return out.join("\\n");
}"""


def visible_text(page) -> str:
    """What the user can read: the page, the sidebar and any dialog (hidden
    elements excluded, icon glyphs excluded)."""
    return page.evaluate(_TEXT_JS)


def english_words(text: str, allowed_extra: set[str] = frozenset()) -> set[str]:
    return {w for w in LATIN.findall(RULE_ID.sub(" ", text)) if w not in ALLOWED_LATIN | set(allowed_extra)}


def screenshot(page, name: str) -> Path:
    out = Path(os.environ.get("JUESUAN_SCREENSHOT_DIR", ROOT / "tests" / "artifacts"))
    out.mkdir(parents=True, exist_ok=True)
    path = out / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path
