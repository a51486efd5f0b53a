"""AppTest per dashboard page on a small known warehouse.

Two warehouses: a synthetic one with the marts' shape (always available; its
numbers are known) and, when the warehouse refresh path works, one built by
the real refresh from the warehouse's synthetic contract corpus."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from dashboard import queries, synthetic

ROOT = Path(__file__).resolve().parents[1]
PAGES = {
    "overview": "总览",
    "compare": "单位对比",
    "subjects": "科目分析",
    "unit_detail": "单位详情",
    "outliers": "异常识别",
    "quality": "数据质量",
    "refresh": "刷新与覆盖",
}


@pytest.fixture(scope="module")
def synth_wh(tmp_path_factory):
    return synthetic.build(tmp_path_factory.mktemp("wh") / "warehouse.duckdb", n_units=12, years=(2023, 2024))


@pytest.fixture(scope="module")
def real_wh(tmp_path_factory):
    fixtures = ROOT / "tests" / "fixtures" / "warehouse"
    try:
        sys.path.insert(0, str(fixtures))
        import synth  # the warehouse tests' contract-JSON corpus

        from warehouse.refresh import refresh
    except ImportError as exc:
        pytest.skip(f"real refresh path unavailable: {exc}")
    finally:
        sys.path.remove(str(fixtures))
    d = tmp_path_factory.mktemp("real")
    synth.write_corpus(d / "inbox", 4, (2022, 2023))
    try:
        refresh(d / "inbox", d / "warehouse.duckdb", parser="warehouse.contract_json:parse_file")
    except Exception as exc:  # the warehouse is under construction in parallel
        pytest.skip(f"real refresh failed, cannot build the test warehouse: {str(exc)[:300]}")
    wh = d / "warehouse.duckdb"
    queries.clear_cache()
    os.environ["JUESUAN_WAREHOUSE"] = str(wh)
    try:
        if queries.years() != [2023, 2022]:
            pytest.skip(f"real refresh loaded no documents for 2022-2023 (years: {queries.years()})")
    finally:
        del os.environ["JUESUAN_WAREHOUSE"]
    return wh


def _page(name: str, wh: Path, monkeypatch) -> AppTest:
    monkeypatch.setenv("JUESUAN_WAREHOUSE", str(wh))
    queries.clear_cache()
    return AppTest.from_string(f"from dashboard.pages import {name}\n{name}.render()", default_timeout=60)


def _ok(at: AppTest, title: str) -> None:
    assert not at.exception, [e.value for e in at.exception]
    assert [t.value for t in at.title] == [title]


@pytest.mark.parametrize("name", list(PAGES))
def test_page_renders_on_synthetic(name, synth_wh, monkeypatch):
    at = _page(name, synth_wh, monkeypatch).run()
    _ok(at, PAGES[name])


@pytest.mark.parametrize("name", list(PAGES))
def test_page_renders_on_real_refresh(name, real_wh, monkeypatch):
    at = _page(name, real_wh, monkeypatch).run()
    _ok(at, PAGES[name])
    assert not at.warning, [w.value for w in at.warning]


def test_overview_headline(synth_wh, monkeypatch):
    at = _page("overview", synth_wh, monkeypatch).run()
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["单位数"] == "12"
    expected = queries.headline(2024)["expenditure_total"]
    assert metrics["本年支出合计（万元）"] == f"{expected:,.2f}"
    assert len(at.dataframe) == 1
    at.multiselect(key="overview-deps").select("部门01").run()
    assert at.metric[0].value == str(len(queries.overview(2024, ["部门01"])))


def test_compare_two_units(synth_wh, monkeypatch):
    at = _page("compare", synth_wh, monkeypatch).run()
    assert at.info  # asks to pick units
    at.multiselect(key="compare-units").select("U00001").select("U00002").run()
    _ok(at, "单位对比")
    totals = at.table[0].value
    shown = dict(zip(totals["单位"], totals["合计（万元）"], strict=True))
    ov = queries.overview(2024).set_index("unit_id")
    for u in ("U00001", "U00002"):
        assert float(shown[ov.loc[u, "unit_name"]]) == pytest.approx(ov.loc[u, "expenditure_total"])
    assert len(at.get("plotly_chart")) >= 3
    at.selectbox(key="compare-level").select(queries.ECONOMIC_LEVEL).run()
    _ok(at, "单位对比")
    at.selectbox(key="compare-type").select("行政单位").run()
    _ok(at, "单位对比")


def test_unit_detail_switch_unit(synth_wh, monkeypatch):
    at = _page("unit_detail", synth_wh, monkeypatch).run()
    at.selectbox(key="detail-unit").select("U00005").run()
    at.selectbox(key="detail-year").select(2023).run()
    _ok(at, "单位详情")
    s = queries.unit_summary("U00005", 2023)
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["本年支出合计"] == f"{s['expenditure_total']:,.2f}"
    assert any("D000052023" in c.value for c in at.caption)


def test_quality_without_dq_findings_shows_notice(synth_wh, monkeypatch):
    at = _page("quality", synth_wh, monkeypatch).run()
    _ok(at, "数据质量")
    assert any("dq_findings" in i.value for i in at.info)


def test_quality_with_findings(tmp_path, monkeypatch):
    wh = synthetic.build(tmp_path / "dq.duckdb", n_units=10, years=(2024,), with_dq=True)
    at = _page("quality", wh, monkeypatch).run()
    _ok(at, "数据质量")
    at.selectbox(key="dq-outcome").select("fail").run()
    _ok(at, "数据质量")
    assert not at.info
    at.text_input[0].input("已与单位核实，系印刷错误")
    at.button[0].click().run()
    _ok(at, "数据质量")
    assert at.success
    acks = (tmp_path / "dq_acks.jsonl").read_text(encoding="utf-8").splitlines()
    assert len(acks) == 1 and "印刷错误" in acks[0]


def test_refresh_page_lists_missing_and_quarantine(synth_wh, monkeypatch):
    at = _page("refresh", synth_wh, monkeypatch).run()
    _ok(at, "刷新与覆盖")
    assert at.table[0].value["应公开"].tolist() == [12, 12]
    assert len(at.dataframe) >= 2  # runs, quarantine (no unit misses a year with 12 units)


def test_missing_warehouse_notice(tmp_path, monkeypatch):
    for name, title in PAGES.items():
        at = _page(name, tmp_path / "absent.duckdb", monkeypatch).run()
        _ok(at, title)
        assert at.warning


def test_app_navigation_and_login(synth_wh, monkeypatch):
    monkeypatch.setenv("JUESUAN_WAREHOUSE", str(synth_wh))
    monkeypatch.delenv("JUESUAN_DASHBOARD_PASSWORD_SHA256", raising=False)
    monkeypatch.chdir(ROOT)
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60).run()
    _ok(at, "总览")
    import hashlib

    monkeypatch.setenv("JUESUAN_DASHBOARD_PASSWORD_SHA256", hashlib.sha256(b"s3cret").hexdigest())
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60).run()
    assert not at.exception and not at.metric
    at.text_input[0].input("wrong")
    at.button[0].click().run()
    assert at.error
    at.text_input[0].input("s3cret")
    at.button[0].click().run()
    _ok(at, "总览")


# --------------------------------------------------------------------------- browser

CHROMIUM = Path("/usr/bin/chromium")


@pytest.mark.browser
def test_browser_compare_two_units(synth_wh, tmp_path):
    if not CHROMIUM.exists():
        pytest.skip("/usr/bin/chromium is absent (apt-get install -y chromium fonts-noto-cjk)")
    import socket
    import subprocess
    import time
    import urllib.request

    from playwright.sync_api import expect, sync_playwright

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    env = {**os.environ, "JUESUAN_WAREHOUSE": str(synth_wh), "STREAMLIT_BROWSER_GATHER_USAGE_STATS": "false"}
    env.pop("JUESUAN_DASHBOARD_PASSWORD_SHA256", None)
    cmd = [sys.executable, "-m", "streamlit", "run", str(ROOT / "app.py"), "--server.headless", "true",
           "--server.port", str(port), "--server.address", "127.0.0.1"]  # fmt: skip
    log = open(tmp_path / "streamlit.log", "w")  # noqa: SIM115
    proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    try:
        base = f"http://127.0.0.1:{port}"
        for _ in range(120):
            try:
                if urllib.request.urlopen(f"{base}/_stcore/health", timeout=1).status == 200:
                    break
            except OSError:
                time.sleep(0.25)
        else:
            pytest.fail("streamlit did not become healthy: " + (tmp_path / "streamlit.log").read_text())
        ov = queries_overview(synth_wh)
        units = [(ov.loc[u, "unit_name"], ov.loc[u, "expenditure_total"]) for u in ("U00001", "U00002")]
        with sync_playwright() as pw:
            browser = pw.chromium.launch(
                executable_path=str(CHROMIUM),
                args=[
                    "--no-sandbox",
                    "--disable-gpu",
                    "--headless=new",
                    "--disable-background-networking",
                    "--disable-component-update",
                    "--disable-sync",
                    "--no-first-run",
                ],
            )
            page = browser.new_page(viewport={"width": 1400, "height": 2400})
            page.goto(f"{base}/compare")
            page.get_by_role("heading", name="单位对比").wait_for(timeout=30_000)
            box = page.locator('[data-testid="stMultiSelect"]').first
            for name, _ in units:
                box.click()
                page.keyboard.type(name)
                page.get_by_role("option", name=name, exact=True).click()
                page.keyboard.press("Escape")
            table = page.locator('[data-testid="stTable"]').first
            for name, total in units:
                expect(table).to_contain_text(name, timeout=30_000)
                expect(table).to_contain_text(f"{total:,.2f}")
            expect(page.locator(".js-plotly-plot").first).to_be_visible(timeout=30_000)
            shot = Path(os.environ.get("JUESUAN_SCREENSHOT_DIR", tmp_path)) / "dashboard_compare.png"
            shot.parent.mkdir(parents=True, exist_ok=True)
            page.screenshot(path=str(shot), full_page=True)
            browser.close()
        assert shot.stat().st_size > 10_000
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
        log.close()


def queries_overview(wh: Path):
    os.environ["JUESUAN_WAREHOUSE"] = str(wh)
    try:
        queries.clear_cache()
        return queries.overview(2024).set_index("unit_id")
    finally:
        del os.environ["JUESUAN_WAREHOUSE"]
        queries.close()
