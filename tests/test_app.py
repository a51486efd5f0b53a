"""AppTest per dashboard page on a small known warehouse.

Two warehouses: a synthetic one with the marts' shape (always available; its
numbers are known) and, when the warehouse refresh path works, one built by
the real refresh from the warehouse's synthetic contract corpus."""

from __future__ import annotations

import os
from pathlib import Path

import pandas as pd  # AppTest hands back what Streamlit shows as pandas frames
import polars as pl
import pytest
from fixtures import synthetic_marts
from streamlit.testing.v1 import AppTest

from dashboard import queries

ROOT = Path(__file__).resolve().parents[1]
PAGES = {
    "overview": "总览",
    "rankings": "排名",
    "compare": "单位对比",
    "subjects": "科目分析",
    "unit_detail": "单位详情",
    "outliers": "异常识别",
    "quality": "数据质量",
    "refresh": "刷新与覆盖",
}


@pytest.fixture(scope="module")
def synth_wh(tmp_path_factory):
    return synthetic_marts.build(
        tmp_path_factory.mktemp("wh") / "warehouse.duckdb", n_units=12, years=(2023, 2024)
    )


@pytest.fixture(scope="module")
def real_wh(tmp_path_factory):
    """The warehouse tests' contract-JSON corpus through the real refresh. A refresh
    that fails fails the tests that use it (an error, never a skip)."""
    from fixtures.warehouse import synth

    from warehouse.refresh import refresh

    d = tmp_path_factory.mktemp("real")
    synth.write_corpus(d / "inbox", 4, (2022, 2023))
    refresh(d / "inbox", d / "warehouse.duckdb", parser="warehouse.contract_json:parse_file")
    wh = d / "warehouse.duckdb"
    queries.clear_cache()
    os.environ["JUESUAN_WAREHOUSE"] = str(wh)
    try:
        assert queries.years() == [2023, 2022], f"the refresh loaded years {queries.years()}"
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
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["单位数"] == str(len(queries.overview(2024, ["部门01"])))
    assert at.query_params["deps"] in ("部门01", ["部门01"])  # the filter is in the URL


def test_compare_two_units(synth_wh, monkeypatch):
    at = _page("compare", synth_wh, monkeypatch).run()
    assert at.info  # asks to pick units
    at.multiselect(key="compare-units").select("U00001").select("U00002").run()
    _ok(at, "单位对比")
    structure = at.table[0].value  # shares of each unit's total, by subject
    for name in structure.columns:
        assert pd.to_numeric(structure[name], errors="coerce").sum() == pytest.approx(100, abs=0.1)
    totals = next(t.value for t in at.table if "单位" in t.value.columns)
    shown = dict(zip(totals["单位"], totals["合计（万元）"], strict=True))
    ov = {r["unit_id"]: r for r in queries.overview(2024).iter_rows(named=True)}
    for u in ("U00001", "U00002"):
        assert float(shown[ov[u]["unit_name"]]) == pytest.approx(ov[u]["expenditure_total"])
    assert len(at.get("plotly_chart")) == 1  # tabs are lazy: only the open one runs
    for tab in ("构成（100%）", "历年趋势"):
        at.session_state["compare-tab"] = tab
        at.run()
        _ok(at, "单位对比")
        assert len(at.get("plotly_chart")) == 1
    at.session_state["compare-tab"] = "分组柱状图"
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
    assert any("U00005_2023.pdf" in c.value for c in at.caption)  # the file, not a hash


def test_quality_without_dq_findings_shows_notice(synth_wh, monkeypatch):
    at = _page("quality", synth_wh, monkeypatch).run()
    _ok(at, "数据质量")
    assert any("尚未生成" in i.value for i in at.info)


def _logged_in(at: AppTest, name: str, role: str) -> AppTest:
    at.session_state["auth-on"] = True
    at.session_state["auth-user"] = name
    at.session_state["auth-role"] = role
    return at


def test_quality_with_findings(tmp_path, monkeypatch):
    """Failures first, grouped by severity; the acknowledging user is the logged-in one."""
    import json

    wh = synthetic_marts.build(tmp_path / "dq.duckdb", n_units=10, years=(2024,), with_dq=True)
    (tmp_path / "dq_docs").mkdir()
    (tmp_path / "dq_docs" / "index.html").write_text("<html><body>R-row</body></html>", encoding="utf-8")
    at = _logged_in(_page("quality", wh, monkeypatch), "张审核", "reviewer").run()
    assert any(c.value.startswith("检查报告：") for c in at.caption)  # the Data Docs page is linked
    _ok(at, "数据质量")
    fails = queries.findings(2024, "fail")
    rounding = queries.findings(2024, "rounding")
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["错误"] == f"{int((fails['severity'] == 'error').sum()):,}"
    assert metrics["提示"] == f"{len(rounding) + int((fails['severity'] == 'info').sum()):,}"
    heads = [h.value for h in at.subheader]
    groups = [h for h in heads if h.split("（")[0] in ("错误", "警告", "提示")]
    assert groups and groups == sorted(groups, key=lambda h: "错误警告提示".index(h[:2]))
    assert "证据与原文" in heads
    first = at.dataframe[0].value
    assert {"规则说明", "文件名", "页码", "应为", "实际", "差额"} <= set(first.columns)
    assert (first["规则说明"] != "").all()
    note = next(t for t in at.text_input if t.label.startswith("说明"))
    note.input("已与单位核实，系印刷错误")
    next(b for b in at.button if b.label == "确认").click().run()
    _ok(at, "数据质量")
    assert at.success
    acks = (tmp_path / "dq_acks.jsonl").read_text(encoding="utf-8").splitlines()
    assert len(acks) == 1 and json.loads(acks[0])["acked_by"] == "张审核"
    acked = json.loads(acks[0])["finding_id"]
    now = queries.attention(2024)  # applies at once: no check or refresh in between
    assert now.filter(pl.col("finding_id") == acked)["acknowledged"].to_list() == [True]
    at.run()
    after = {m.label: m.value for m in at.metric}
    assert int(after["未确认"].replace(",", "")) == int(metrics["未确认"].replace(",", "")) - 1


def test_quality_viewer_cannot_acknowledge(tmp_path, monkeypatch):
    wh = synthetic_marts.build(tmp_path / "dq.duckdb", n_units=6, years=(2024,), with_dq=True)
    at = _logged_in(_page("quality", wh, monkeypatch), "李查看", "viewer").run()
    _ok(at, "数据质量")
    assert not [b for b in at.button if b.label == "确认"]
    assert any("只有审核人员" in c.value for c in at.caption)


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


def _users_file(tmp_path, monkeypatch, **users) -> Path:
    """A users file outside the repo with cheap bcrypt hashes (cost 4, tests only)."""
    import bcrypt

    from dashboard import auth

    path = tmp_path / "conf" / "users.json"
    monkeypatch.setenv("JUESUAN_USERS_FILE", str(path))
    hashed = {
        n: {"hash": bcrypt.hashpw(pw.encode(), bcrypt.gensalt(4)).decode(), "role": role}
        for n, (pw, role) in users.items()
    }
    auth.save_users(hashed, path)
    auth.THROTTLE.failures.clear()
    return path


def _app(monkeypatch, wh) -> AppTest:
    monkeypatch.setenv("JUESUAN_WAREHOUSE", str(wh))
    monkeypatch.chdir(ROOT)
    return AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)


def test_app_refuses_to_serve_open_beyond_loopback(synth_wh, tmp_path, monkeypatch):
    """Streamlit listens on every interface by default: without users the app shows no data."""
    monkeypatch.setenv("JUESUAN_USERS_FILE", str(tmp_path / "none.json"))
    monkeypatch.delenv("JUESUAN_ALLOW_OPEN", raising=False)
    at = _app(monkeypatch, synth_wh).run()
    assert not at.exception and not at.metric
    assert any("尚未配置用户" in e.value for e in at.error)
    monkeypatch.setenv("JUESUAN_ALLOW_OPEN", "1")  # told explicitly
    at = _app(monkeypatch, synth_wh).run()
    _ok(at, "总览")


def test_login_roles_and_logout(synth_wh, tmp_path, monkeypatch):
    from dashboard import auth

    _users_file(tmp_path, monkeypatch, wang=("correct horse", "reviewer"))
    monkeypatch.delenv("JUESUAN_ALLOW_OPEN", raising=False)
    at = _app(monkeypatch, synth_wh).run()
    assert not at.metric
    at.text_input[0].input("wang")
    at.text_input[1].input("wrong password")
    at.button[0].click().run()
    assert at.error and not at.metric
    at.text_input[1].input("correct horse")
    at.button[0].click().run()
    _ok(at, "总览")
    assert at.session_state["auth-user"] == "wang" and at.session_state["auth-role"] == "reviewer"
    token = at.session_state["auth-token-current"]
    assert auth.read_token(token) == "wang"
    at.button(key="logout").click().run()
    assert not at.metric and auth.read_token(token) is None  # revoked


def test_login_is_throttled(tmp_path, monkeypatch):
    from dashboard import auth

    _users_file(tmp_path, monkeypatch, li=("right password", "viewer"))
    for _ in range(auth.MAX_FAILURES):
        assert auth.login("li", "nope", "10.0.0.9")[0] is None
    role, message = auth.login("li", "right password", "10.0.0.9")
    assert role is None and "次数过多" in message
    auth.THROTTLE.failures.clear()
    assert auth.login("li", "right password", "10.0.0.9")[0] == "viewer"


def test_password_hashes_are_salted_bcrypt(tmp_path, monkeypatch):
    from dashboard import auth

    path = tmp_path / "u.json"
    monkeypatch.setenv("JUESUAN_USERS_FILE", str(path))
    a, b = auth.hash_password("same password"), auth.hash_password("same password")
    assert a != b and a.startswith("$2b$12$")  # salted, cost 12
    assert auth.verify_password("same password", a) and not auth.verify_password("other", a)
    auth.add_user("zhao", "long enough", "admin")
    assert auth.load_users()["zhao"]["role"] == "admin"
    assert "long enough" not in path.read_text()
    assert oct(path.stat().st_mode & 0o777) == "0o600"
    with pytest.raises(ValueError):
        auth.add_user("x", "short")


def test_session_tokens(tmp_path, monkeypatch):
    import time

    from dashboard import auth

    _users_file(tmp_path, monkeypatch, zhou=("whatever1", "viewer"))
    token = auth.make_token("zhou")
    assert auth.read_token(token) == "zhou"
    body, sig = token.rsplit(".", 1)
    assert auth.read_token(body + "." + "0" * len(sig)) is None
    assert auth.read_token(token, now=time.time() + auth.SESSION_SECONDS + 5) is None
    assert auth.read_token("garbage") is None and auth.read_token(None) is None


def test_login_required_beyond_loopback(monkeypatch):
    from dashboard import auth

    monkeypatch.delenv("JUESUAN_LOGIN", raising=False)
    for addr, required in (("127.0.0.1", False), ("localhost", False), ("0.0.0.0", True), ("10.1.2.3", True)):
        monkeypatch.setattr(auth, "server_address", lambda a=addr: a)
        assert auth.login_required() is required
    monkeypatch.setattr(auth, "server_address", lambda: "127.0.0.1")
    monkeypatch.setenv("JUESUAN_LOGIN", "1")
    assert auth.login_required()


def test_page_error_is_logged_not_shown(synth_wh, monkeypatch, caplog):
    """A failing page shows a Chinese notice; the traceback goes to the log."""
    from dashboard.pages import overview

    def boom():
        raise RuntimeError("secret /etc/path detail")

    monkeypatch.setattr(overview, "render", boom)
    monkeypatch.setenv("JUESUAN_ALLOW_OPEN", "1")
    at = _app(monkeypatch, synth_wh).run()
    assert not at.exception
    assert any("页面出现错误" in e.value for e in at.error)
    assert not any("secret" in e.value for e in at.error)


# --------------------------------------------------------------------------- sample district

CHROMIUM = Path("/usr/bin/chromium")
ARTIFACTS = ROOT / "tests" / "artifacts"  # git-ignored
SAMPLE_YEAR = 2024


@pytest.fixture(scope="session")
def sample_district(tmp_path_factory):
    """The demo's data: the sample district (samplegen, text files, 6 units ×
    2023-2024) refreshed into a warehouse by the real refresh, once per session.
    Returns the data directory (``$JUESUAN_DATA_DIR``: inbox/ and warehouse.duckdb)."""
    from samplegen.generate import generate
    from warehouse.refresh import refresh

    d = tmp_path_factory.mktemp("sample-district")
    generate(
        d / "inbox", units=6, years=f"{SAMPLE_YEAR - 1}-{SAMPLE_YEAR}", formats="text", faults=0.0, seed=7
    )
    refresh(d / "inbox", d / "warehouse.duckdb", workers=1)  # a failure errors every test using it
    return d


@pytest.mark.parametrize("name", list(PAGES))
def test_page_renders_on_sample_district(name, sample_district, monkeypatch):
    monkeypatch.delenv("JUESUAN_WAREHOUSE", raising=False)
    monkeypatch.setenv("JUESUAN_DATA_DIR", str(sample_district))
    queries.clear_cache()
    at = AppTest.from_string(f"from dashboard.pages import {name}\n{name}.render()", default_timeout=60).run()
    _ok(at, PAGES[name])
    assert not at.warning, [w.value for w in at.warning]


def test_unit_types_are_chinese_on_sample_district(sample_district, monkeypatch):
    """The registry stores English unit-type codes; the finance officer sees Chinese
    in the filter, the table and its exports."""
    from dashboard import ui

    monkeypatch.delenv("JUESUAN_WAREHOUSE", raising=False)
    monkeypatch.setenv("JUESUAN_DATA_DIR", str(sample_district))
    queries.clear_cache()
    codes = set(queries.unit_types())
    assert codes and codes <= set(ui.UNIT_TYPE_LABELS), codes
    at = AppTest.from_string(
        "from dashboard.pages import overview\noverview.render()", default_timeout=60
    ).run()
    _ok(at, "总览")
    assert set(at.multiselect(key="overview-types").options) == {ui.UNIT_TYPE_LABELS[c] for c in codes}
    shown = set(at.dataframe[0].value["单位类型"])
    assert shown == {ui.UNIT_TYPE_LABELS[c] for c in codes}
    at.multiselect(key="overview-types").select("school").run()
    _ok(at, "总览")
    assert set(at.dataframe[0].value["单位类型"]) == {"学校"}
    exported = ui.display(queries.overview(SAMPLE_YEAR))
    assert not set(exported["单位类型"]) & codes


def test_unit_detail_published_tables_on_sample_district(sample_district, monkeypatch):
    """单位详情 rebuilds 01-05 in the published layout; their totals are the unit's."""
    monkeypatch.delenv("JUESUAN_WAREHOUSE", raising=False)
    monkeypatch.setenv("JUESUAN_DATA_DIR", str(sample_district))
    queries.clear_cache()
    s = queries.unit_summary("U001", SAMPLE_YEAR)
    at = AppTest.from_string(
        "from dashboard.pages import unit_detail\nunit_detail.render()", default_timeout=60
    )
    at.run()
    at.selectbox(key="detail-unit").select("U001").run()
    at.selectbox(key="detail-year").select(SAMPLE_YEAR).run()
    _ok(at, "单位详情")
    from dashboard.pages.unit_detail import PUBLISHED_TABS

    frames, tables = [], []
    for label in [*PUBLISHED_TABS.values(), "历年"]:  # lazy tabs: open each in turn
        at.session_state["detail-tab"] = label
        at.run()
        _ok(at, "单位详情")
        frames += [d.value for d in at.dataframe]
        tables += [t.value for t in at.table]

    def frame(*cols):
        found = [f for f in frames if set(cols) <= set(f.columns)]
        assert found, (cols, [list(f.columns) for f in frames])
        return found[0]

    t01 = frame("收入项目", "收入金额（万元）", "支出项目", "支出金额（万元）")
    row = t01[t01["支出项目"] == "本年支出合计"].iloc[0]
    assert row["收入项目"] == "本年收入合计"
    assert row["支出金额（万元）"] == pytest.approx(float(s["expenditure_total"]))
    assert row["收入金额（万元）"] == pytest.approx(float(s["income_total"]))
    t02 = frame("本年收入合计（万元）", "财政拨款收入（万元）")
    assert list(t02["科目名称"][:1]) == ["合计"]
    assert t02["本年收入合计（万元）"].iloc[0] == pytest.approx(float(s["income_total"]))
    t03 = frame("本年支出合计（万元）", "上缴上级支出（万元）")
    assert t03["本年支出合计（万元）"].iloc[0] == pytest.approx(float(s["expenditure_total"]))
    assert set(t03["级次"]) == {"合计", "类", "款", "项"}
    frame("决算数：合计（万元）", "基本支出（万元）")
    frame("支出合计（万元）", "一般公共预算财政拨款（万元）", "政府性基金预算财政拨款（万元）")
    t06 = next(t for t in tables if "经济分类名称" in t.columns)  # the economic tree
    assert list(t06["级次"][:2]) == ["合计", "类"] and set(t06["级次"]) == {"合计", "类", "款"}
    groups = t06[t06["级次"] == "类"]["金额（万元）"].astype(float).sum()
    assert float(t06["金额（万元）"].iloc[0]) == pytest.approx(groups)
    items = t06[t06["级次"] == "款"]["金额（万元）"].astype(float).sum()
    assert items == pytest.approx(groups)
    t09 = next(t for t in tables if "因公出国（境）费" in t.columns)  # 09 as published
    assert list(t09.index) == ["预算数", "决算数"]
    assert float(t09.loc["决算数", "合计"]) == pytest.approx(float(s["sangong_actual"]))
    hist = next(t for t in tables if "本年支出合计（万元）" in t.columns and "年度" in t.columns)
    assert list(hist["年度"]) == sorted(queries.unit_years("U001"))


def test_evidence_source_views(tmp_path):
    """The source of a finding: a PDF page as an image, text lines around the cell;
    nothing outside the inbox is read."""
    from reportlab.pdfgen import canvas

    from dashboard import evidence

    inbox = tmp_path / "inbox"
    (inbox / "2024").mkdir(parents=True)
    pdf = inbox / "2024" / "a.pdf"
    c = canvas.Canvas(str(pdf))
    c.drawString(72, 720, "page one")
    c.showPage()
    c.drawString(72, 720, "page two")
    c.save()
    png = evidence.pdf_page_png(str(pdf), pdf.stat().st_mtime_ns, 2)
    assert png and png.startswith(b"\x89PNG")
    assert evidence.pdf_page_png(str(pdf), pdf.stat().st_mtime_ns, 9) is None
    txt = inbox / "2024" / "b.txt"
    txt.write_text(
        "\n".join([f"第{i}行" for i in range(1, 40)] + ["三公经费决算合计 12.00"]), encoding="utf-8"
    )
    first, text = evidence.text_context(str(txt), txt.stat().st_mtime_ns, ("", "三公经费决算合计"), None)
    assert "三公经费决算合计 12.00" in text and first == 40 - evidence.TEXT_CONTEXT
    assert evidence.source_file("2024/a.pdf", str(inbox)) == pdf.resolve()
    (tmp_path / "secret.txt").write_text("x")
    assert evidence.source_file("../secret.txt", str(inbox)) is None
    assert evidence.source_file("2024/none.pdf", str(inbox)) is None
    assert evidence.severity_label("error", "rounding") == "提示"
    assert evidence.severity_label("warning", "fail") == "警告"
    assert evidence.location_label("210 卫生健康支出.total") == "210 卫生健康支出（合计）"
    assert evidence.rule_descriptions().get("R-row")


def test_rankings_one_choice_and_lazy_trend(synth_wh, monkeypatch):
    """排名: choosing 三公经费 is enough to see who grew most; the trend builds when opened."""
    from dashboard.queries import rankings as rq

    at = _page("rankings", synth_wh, monkeypatch).run()
    _ok(at, "排名")
    at.selectbox(key="rank-measure").select("sangong_actual").run()
    _ok(at, "排名")
    shown = at.dataframe[0].value
    expected = rq.ranking("sangong_actual", 2024, 2023, "change")
    assert shown["单位名称"].iloc[0] == expected["unit_name"][0]
    assert float(shown["增减额（万元）"].iloc[0]) == pytest.approx(float(expected["change"].max()), abs=0.005)
    assert at.query_params["measure"] in ("sangong_actual", ["sangong_actual"])
    assert len(at.get("plotly_chart")) == 1
    at.session_state["rank-trend-open"] = True
    at.run()
    _ok(at, "排名")
    assert len(at.get("plotly_chart")) == 2
