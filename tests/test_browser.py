"""The dashboard in a real browser (Debian's Chromium via Playwright), on a
small district with faults, a quarantined file and a missing unit: every page
renders (timed), without an exception or English text; each of the five
questions is answered by clicking; deep links and login across a reload.
Screenshots go to tests/artifacts/ (or $JUESUAN_SCREENSHOT_DIR).

Render times are recorded (tests/artifacts/render_times.json) and checked
only loosely here; bench/bench_pages.py measures them on 40 units × 4 years."""

from __future__ import annotations

import getpass
import json
import os

import browser_util as bu
import polars as pl
import pytest

from dashboard import queries
from dashboard.queries import rankings as rq

pytestmark = pytest.mark.browser

PAGES = ["总览", "排名", "单位对比", "科目分析", "单位详情", "异常识别", "数据质量", "刷新与覆盖"]
YEAR = 2024
SANITY_SECONDS = 15.0  # a hang, not a benchmark (the machine is shared)


@pytest.fixture(scope="module")
def district(tmp_path_factory):
    if not bu.CHROMIUM.exists():
        pytest.skip("/usr/bin/chromium is absent (apt-get install -y chromium fonts-noto-cjk)")
    pytest.importorskip("playwright")
    from dashboard.commands import add_demo_extras
    from samplegen.generate import generate
    from warehouse.refresh import refresh

    d = tmp_path_factory.mktemp("browser-district")
    generate(d / "inbox", units=8, years=f"{YEAR - 1}-{YEAR}", formats="text,pdf", faults=0.2, seed=7)
    add_demo_extras(d / "inbox")
    refresh(d / "inbox", d / "warehouse.duckdb", workers=1)
    return d


def _query(district, fn):
    old = {k: os.environ.pop(k, None) for k in ("JUESUAN_WAREHOUSE", "JUESUAN_DATA_DIR")}
    os.environ["JUESUAN_DATA_DIR"] = str(district)
    try:
        queries.clear_cache()
        return fn()
    finally:
        del os.environ["JUESUAN_DATA_DIR"]
        for k, v in old.items():
            if v is not None:
                os.environ[k] = v
        queries.clear_cache()
        queries.close()


@pytest.fixture(scope="module")
def server(district, tmp_path_factory):
    log = tmp_path_factory.mktemp("log") / "streamlit.log"
    with bu.serve(district, log) as base:
        yield base


@pytest.fixture(scope="module")
def chromium(server):
    with bu.browser() as b:
        yield b


@pytest.fixture
def page(chromium, server):
    ctx = chromium.new_context(viewport={"width": 1400, "height": 2000}, locale="zh-CN")
    p = ctx.new_page()
    bu.timed(p, lambda: p.goto(f"{server}/"), navigation=True)
    p.get_by_role("heading", name="总览").wait_for(timeout=30_000)
    p.locator('[data-testid="stDataFrame"]').first.wait_for(timeout=30_000)  # the first run is complete
    bu.settle(p)
    yield p
    ctx.close()


def _no_error(page) -> None:
    assert page.locator('[data-testid="stException"]').count() == 0
    assert "页面出现错误" not in page.locator('[data-testid="stMain"]').inner_text()


def _choose(page, label: str, option: str) -> float:
    """Pick ``option`` in the selectbox labelled ``label``; render seconds."""
    box = page.locator('[data-testid="stSelectbox"]').filter(has_text=label).first
    if box.locator("input").input_value() == option:  # already chosen (e.g. from the URL)
        return 0.0
    box.click()
    page.keyboard.press("Control+A")  # replace the current choice's text
    page.keyboard.type(option)
    return bu.timed(page, lambda: page.get_by_role("option", name=option, exact=True).first.click())


def test_every_page_renders_in_chinese(page, server):
    times = {}
    for title in PAGES[1:] + PAGES[:1]:  # the session starts on 总览: visit it last
        times[title] = bu.open_page(page, server, title)
        page.get_by_role("heading", name=title, exact=True).wait_for(timeout=30_000)
        _no_error(page)
        # The acknowledging user without login is the OS account (a name, like a unit name).
        english = bu.english_words(bu.visible_text(page), {getpass.getuser()})
        assert not english, (title, english)
        assert "None" not in bu.visible_text(page)
        bu.screenshot(page, f"page_{title}")
    out = bu.ROOT / "tests" / "artifacts" / "render_times.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(times, ensure_ascii=False, indent=1), encoding="utf-8")
    print("render seconds:", {k: round(v, 2) for k, v in times.items()})
    assert max(times.values()) < SANITY_SECONDS, times


def test_which_units_sangong_grew_most(page, server, district):
    """One page (排名), one choice (指标 = 三公经费)."""
    bu.open_page(page, server, "排名")
    _choose(page, "指标", "三公经费")
    expected = _query(district, lambda: rq.ranking("sangong_actual", YEAR, YEAR - 1, "change"))
    top = expected.drop_nulls("change").row(0, named=True)
    chart = page.locator(".js-plotly-plot").first
    chart.wait_for(timeout=30_000)
    ys = chart.evaluate("el => Array.from(el._fullData[0].y)")
    xs = chart.evaluate("el => Array.from(el._fullData[0].x)")
    assert ys[-1] == top["unit_name"]  # the top bar is the unit that grew most
    assert float(xs[-1]) == pytest.approx(float(top["change"]), abs=0.005)
    assert "三公经费" in page.locator('[data-testid="stMain"]').inner_text()
    bu.screenshot(page, "q1_sangong_grew_most")


def test_basic_structure_of_two_units(page, server, district):
    """单位对比: choice 1 the two units, choice 2 科目级次 = 经济分类 → the structure table."""
    ov = _query(district, lambda: queries.overview(YEAR))
    a, b = ov["unit_name"][0], ov["unit_name"][1]
    bu.open_page(page, server, "单位对比")
    box = page.locator('[data-testid="stMultiSelect"]').first
    for name in (a, b):
        box.click()
        page.keyboard.type(name)
        bu.timed(page, lambda n=name: page.get_by_role("option", name=n, exact=True).click())
        page.keyboard.press("Escape")
    _choose(page, "科目级次", "经济分类")
    table = page.locator('[data-testid="stTable"]').first
    text = table.inner_text()
    assert a in text and b in text and "工资福利支出" in text
    bu.screenshot(page, "q2_basic_structure")


def test_who_has_not_published(page, server):
    """刷新与覆盖 lists the registered unit with no disclosure, per year (one choice)."""
    bu.open_page(page, server, "刷新与覆盖")
    _choose(page, "年度", f"{YEAR} 年")
    assert (
        "滨江市清河区档案馆" in page.locator('[data-testid="stTable"]').filter(has_text="档案馆").inner_text()
    )
    bu.screenshot(page, "q3_missing")


def test_errors_and_where_in_the_source(page, server, district):
    """数据质量 opens on the errors; choice 1 a finding, choice 2 查看原文 → the source."""
    bu.open_page(page, server, "数据质量")
    heads = page.locator('[data-testid="stHeading"]').all_inner_texts()
    groups = [h for h in heads if h[:2] in ("错误", "警告", "提示")]
    assert groups and groups[0].startswith("错误"), heads
    found = _query(district, lambda: queries.attention(None))
    pdf_errors = found.filter((pl.col("document_format") == "pdf") & pl.col("page_no").is_not_null())
    main = page.locator('[data-testid="stMain"]')
    if not pdf_errors.is_empty():  # prefer a PDF finding: the page image is the strongest evidence
        target = pdf_errors.row(0, named=True)
        want = f"{target['rule_id']}｜{target['unit_name']} {int(target['fiscal_year'])} 年"
        box = page.locator('[data-testid="stSelectbox"]').filter(has_text="检查结果").first
        current = box.locator("input")
        if want not in current.input_value():  # choice 1 (unless it is already the first finding)
            box.click()
            page.keyboard.press("Control+A")
            page.keyboard.type(want)
            bu.timed(page, lambda: page.get_by_role("option").filter(has_text=want).first.click())
        assert want in current.input_value()
    evidence = page.locator('[data-testid="stTable"]').filter(has_text="应为（万元）").first
    assert "文件" in evidence.inner_text() and ("." in evidence.inner_text())
    seconds = bu.timed(page, lambda: main.get_by_text("查看原文").click())
    shown = page.locator('[data-testid="stImage"], [data-testid="stCode"]').first
    shown.wait_for(timeout=30_000)
    if not pdf_errors.is_empty():  # the PDF page, rendered to an image
        img = page.locator('[data-testid="stImage"] img').first
        img.wait_for(timeout=30_000)
        # the element appears before its bytes arrive (naturalWidth 0 until then)
        img.evaluate("i => i.complete ? true : new Promise(r => { i.onload = i.onerror = () => r(true); })")
        assert img.evaluate("i => i.naturalWidth") > 500
    print("source view seconds:", round(seconds, 2))
    bu.screenshot(page, "q4_error_source")


def test_last_refresh_and_status(page, district):
    """总览 answers it with no choice at all."""
    runs = _query(district, lambda: queries.runs())
    last = runs.row(0, named=True)
    metrics = page.locator('[data-testid="stMetric"]')
    metrics.filter(has_text="刷新状态").wait_for(timeout=30_000)
    text = metrics.all_inner_texts()
    assert any("最近一次刷新" in t and str(last["finished_at"])[:16] in t for t in text), text
    assert any("刷新状态" in t and "成功" in t for t in text), text
    bu.screenshot(page, "q5_last_refresh")


def test_deep_link_and_unknown_page(page, server):
    bu.open_page(page, server, "排名", query="rankings?measure=sangong_actual&by=change_pct")
    page.get_by_role("heading", name="排名", exact=True).wait_for(timeout=30_000)
    main = page.locator('[data-testid="stMain"]').inner_text()
    assert "三公经费" in main and "增减率" in main
    bu.timed(page, lambda: page.goto(f"{server}/no-such-page"), navigation=True)
    page.get_by_role("heading", name="总览", exact=True).wait_for(timeout=30_000)  # the default page
    text = bu.visible_text(page)  # includes any open dialog
    assert not bu.english_words(text, {getpass.getuser()}), text


def test_login_survives_reload_and_logout(district, chromium, tmp_path):
    import bcrypt

    from dashboard import auth

    users = tmp_path / "conf" / "users.json"
    auth.save_users({"wang": {"hash": bcrypt.hashpw(b"pw-for-test", bcrypt.gensalt(4)).decode(),
                              "role": "reviewer"}}, users)  # fmt: skip
    env = {"JUESUAN_USERS_FILE": str(users), "JUESUAN_LOGIN": "1"}
    with bu.serve(district, tmp_path / "log.txt", env) as base:
        p = chromium.new_context(viewport={"width": 1400, "height": 1400}).new_page()
        bu.timed(p, lambda: p.goto(f"{base}/quality?year={YEAR}"), navigation=True)
        p.get_by_label("用户名").fill("wang")
        p.get_by_label("密码").fill("pw-for-test")
        bu.timed(p, lambda: p.get_by_role("button", name="登录").click())
        p.get_by_role("heading", name="数据质量", exact=True).wait_for(timeout=30_000)  # the deep link
        assert f"year={YEAR}" in p.url
        bu.timed(p, lambda: p.reload(), navigation=True)
        p.get_by_role("heading", name="数据质量", exact=True).wait_for(timeout=30_000)
        assert "当前用户：wang" in p.locator('[data-testid="stSidebar"]').inner_text()
        bu.timed(p, lambda: p.get_by_role("button", name="退出登录").click())
        p.get_by_role("button", name="登录").wait_for(timeout=30_000)
        bu.timed(p, lambda: p.reload(), navigation=True)
        p.get_by_role("button", name="登录").wait_for(timeout=30_000)
        bu.screenshot(p, "login")
