"""What the narrative says (rules C-*, D-*, P-*, Z-01, H-01, E-01, S-*, V-*):
precision on the clean real documents, recall on the real 2023 text sample with
planted mistakes, each generated text fault found through the reader, and the
shapes' edge cases (a lost input is insufficient_data, never a pass)."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from expectations.engine import Doc, doc_from_parse, evaluate, load_rules
from ingest.narrative import extract_facts
from ingest.parse import parse_bytes, parse_file

REAL = Path(__file__).resolve().parents[1] / ".." / "shared" / "samples" / "real"
WUHAN = REAL / "000_d00643376496db49.txt"
NEW_RULES = {r["id"] for r in load_rules() if r["id"][0] in "CDPZHESV"}
SEVERITY = {r["id"]: r["severity"] for r in load_rules()}


def _needs(path: Path) -> None:
    if not path.exists():
        pytest.skip(f"{path} absent (../shared not linked)")


def _fails(rows: list[dict]) -> list[dict]:
    return [r for r in rows if r["outcome"] == "fail" and r["rule_id"] in NEW_RULES]


@pytest.mark.parametrize(
    "name",
    ["000_d00643376496db49.txt", "putuo_2024_guihuaziran.pdf", "putuo_2024_shehuigongzuobu.pdf",
     "template_blank_juesuan.pdf"],
)  # fmt: skip
def test_clean_real_documents_raise_no_error(name):
    """No error from the new rules; the warnings are the documents' own inconsistencies:
    guihuaziran names two 项 otherwise than its table 05 (S-05), shehuigongzuobu still
    prints the template's instruction under tables 07 and 08 (P-02)."""
    _needs(REAL / name)
    rows = evaluate([doc_from_parse(parse_file(REAL / name))])
    fails = _fails(rows)
    assert not [f for f in fails if f["severity"] == "error"], fails
    warnings = Counter(f["rule_id"] for f in fails)
    expected = {
        "putuo_2024_guihuaziran.pdf": {"S-05": 2},
        "putuo_2024_shehuigongzuobu.pdf": {"P-02": 2},
    }.get(name, {})
    assert warnings == expected
    for f in fails:  # the evidence is the sentence that was read
        assert f["evidence"] and f["page_no"]
    if name.startswith("template"):  # a blank template is not a disclosure to check
        assert not [r for r in rows if r["rule_id"] in ("P-01", "P-02") and r["outcome"] != "not_applicable"]


# (rule, printed text, planted mistake): short phrases of the 2023 sample, changed
PLANTED = [
    ("C-01", "188.93%，支出决算数大于", "188.93%，支出决算数小于"),
    ("C-02", "完成年初预算的105.18%", "完成年初预算的106.18%"),
    ("C-03", "收入增加13.8万元，增长2.7%", "收入增加13.8万元，下降2.7%"),
    ("C-04", "支出合计增加 13.8 万元，增长 2.7%", "支出合计增加 13.8 万元，增长 3.7%"),
    ("P-01", "主要原因是：追加抚恤金", "主要原因是：XX"),
    ("P-03", "第三部分 武汉市江汉区工业企业服务中心", "第三部分 武汉市江汉区城市管理执法局"),
    ("D-01", "2023年度一般公共预算财政拨款支出决算表", "2022年度一般公共预算财政拨款支出决算表"),
    ("D-02", "截至 2023年12月31 日", "截至 2022年12月31 日"),
    ("D-03", "2024年11月07 日", "2023年11月07 日"),
    ("D-04", "524.26 万元，与 2022 年度相比", "524.26 万元，与 2021 年度相比"),
    ("H-01", "44.68万元，占8.52%", "44.68万元，占9.52%"),
    ("Z-01", "2023年度收入合计524.26万元", "2023年度收入合计0万元"),
    ("E-01", "注：我单位无“国有资本经营预算”预算支出。", ""),
    ("S-01", "二、收入决算情况说明\n\n2023年度收入合计", "二、支出决算情况说明\n\n2023年度收入合计"),
    ("S-02", "十二、国有资产占用情况说明\n\n截至", "十一、国有资产占用情况说明\n\n截至"),
    ("S-03", "6. 卫生健康支出(类)行政事业单位医疗(款)公务员", "7. 卫生健康支出(类)行政事业单位医疗(款)公务员"),
    ("S-04", "(款)事业单位医疗(项)。年初预算为6.88万元，支出决算为6.88万元",
     "(款)行政单位医疗(项)。年初预算为6.88万元，支出决算为6.78万元"),
    ("V-01", "主要是用于住房改革支出。", "主要是用于住房改革支出。。"),
    ("V-02", "主要是用于行政事业单位医疗。", "主要是用于行政事业单位医疗"),
]  # fmt: skip


def _run_text(text: str) -> list[dict]:
    return evaluate([doc_from_parse(parse_bytes(text.encode("utf-8"), "planted.txt"))])


@pytest.fixture(scope="module")
def wuhan_text() -> str:
    _needs(WUHAN)
    return WUHAN.read_text(encoding="utf-8")


def test_planted_mistakes_on_the_real_sample_are_all_reported(wuhan_text):
    clean = {(r["rule_id"], r["location"]) for r in _fails(_run_text(wuhan_text))}
    assert not clean
    text = wuhan_text
    for _rule, old, new in PLANTED:
        assert old in text, old
        text = text.replace(old, new, 1)
    got = Counter(r["rule_id"] for r in _fails(_run_text(text)))
    missed = [rule for rule, _, _ in PLANTED if not got.get(rule)]
    assert not missed, (missed, got)


@pytest.mark.parametrize("rule,old,new", PLANTED, ids=[p[0] for p in PLANTED])
def test_each_planted_mistake_alone(wuhan_text, rule, old, new):
    rows = _run_text(wuhan_text.replace(old, new, 1))
    fails = _fails(rows)
    hit = [f for f in fails if f["rule_id"] == rule]
    assert hit, Counter(f["rule_id"] for f in fails)
    if rule != "E-01":  # E-01's evidence is the missing note
        assert all(f["evidence"] for f in hit)


def test_generated_text_faults_are_found_through_the_reader(tmp_path):
    """Every recipe of samplegen/text_faults.py on a generated document is a fail of
    its rule once the document is read back (text and, when a CJK font is there, PDF)."""
    from samplegen.faults import TEXT_FAULTS
    from samplegen.generate import generate
    from samplegen.text_faults import RECIPES

    assert set(RECIPES) == set(TEXT_FAULTS)
    out = tmp_path / "c"
    manifest = generate(out, units=24, years="2022-2023", formats="text", faults=1.0, seed=11)
    found: dict[str, bool] = {}
    for e in manifest["documents"]:
        text_faults = [f for f in e["faults"] if f["rule"] in TEXT_FAULTS]
        if e["kind"] not in ("original", "correction") or not text_faults:
            continue
        rows = evaluate([doc_from_parse(parse_file(out / e["file"]))])
        fails = {r["rule_id"] for r in rows if r["outcome"] == "fail"}
        for f in text_faults:
            found[f["rule"]] = found.get(f["rule"], False) or f["rule"] in fails
            assert f["rule"] in fails, (e["file"], f)
    assert len(found) >= len(TEXT_FAULTS) // 2, sorted(found)


@pytest.mark.parametrize(
    "old,new",
    [
        ("占政府采购支出总额的100%", "占政府采购支出总额的90%"),
        ("占一般公共预算项目支出总额的100%", "占一般公共预算项目支出总额的80%"),
    ],
)
def test_stated_shares_of_procurement_and_performance(wuhan_text, old, new):
    """Each stated 占 …% is recomputed from the amounts it names (N-02)."""
    assert old in wuhan_text
    before = [r for r in _run_text(wuhan_text) if r["rule_id"] == "N-02"]
    assert before and not [r for r in before if r["outcome"] == "fail"]
    after = [
        r
        for r in _run_text(wuhan_text.replace(old, new, 1))
        if r["rule_id"] == "N-02" and r["outcome"] == "fail"
    ]
    assert len(after) == 1 and after[0]["evidence"] and after[0]["expected"] == pytest.approx(100.0)


def _doc(facts: list[dict], lines: list[dict] | None = None, year: int = 2023) -> Doc:
    lines = lines or [
        {
            "table": "01",
            "side": "income",
            "row_label": "本年收入合计",
            "column": "amount",
            "amount": 10.0,
            "row": 1,
        }
    ]
    tables = sorted({ln["table"] for ln in lines})
    return Doc.build("d", "u", year, tables, [], lines, facts)


def _fact(kind, value, label="x", code=None, text="某句。", page=1):
    return {"kind": kind, "subject_code": code, "label": label, "value": value, "page": page, "text": text}


def _outcomes(doc: Doc, rule: str) -> list[str]:
    return [r["outcome"] for r in evaluate([doc], [r for r in load_rules() if r["id"] == rule])]


def test_n01_is_insufficient_when_the_01_total_is_lost():
    lines = [
        {
            "table": "01",
            "side": "income",
            "row_label": "本年收入合计",
            "column": "amount",
            "amount": 5.0,
            "row": 1,
        }
    ]
    doc = _doc([_fact("total", 0.0)], lines)  # 总计 row not read: not "0 = 0"
    out = _outcomes(doc, "N-01")
    assert "insufficient_data" in out and "pass" not in out


def test_comparison_word_against_the_amounts():
    def claim(word, cur, base):
        t = f"年初预算为{base}万元，支出决算为{cur}万元。"
        return [
            _fact("cmp_word", word, text=t),
            _fact("cmp_current", cur, text=t),
            _fact("cmp_base", base, text=t),
        ]

    assert _outcomes(_doc(claim(1, 12.0, 10.0)), "C-01") == ["pass"]
    assert _outcomes(_doc(claim(-1, 12.0, 10.0)), "C-01") == ["fail"]
    assert _outcomes(_doc(claim(0, 10.0, 10.0)), "C-01") == ["pass"]
    assert _outcomes(_doc(claim(0, 10.5, 10.0)), "C-01") == ["fail"]
    assert _outcomes(_doc(claim(1, 10.0, 10.0)), "C-01") == ["fail"]  # 大于 needs a difference
    assert _outcomes(_doc([]), "C-01") == ["not_applicable"]  # nothing stated: not a pass


def test_this_year_against_last_year_with_both_amounts():
    def rules(text: str) -> dict[str, str]:
        facts = [f.__dict__ for f in extract_facts([text]) if f.kind.startswith("cmp_")]
        rows = evaluate([_doc(facts)], [r for r in load_rules() if r["id"] in ("C-01", "C-04")])
        return {r["rule_id"]: r["outcome"] for r in rows}

    good = "2023年度收入合计524.26万元，比上年510.46万元增加13.8万元，增长2.7%。"
    assert rules(good) == {"C-01": "pass", "C-04": "pass"}
    assert rules(good.replace("增加13.8", "减少13.8"))["C-01"] == "fail"
    assert rules(good.replace("增长2.7%", "增长3.7%"))["C-04"] == "fail"


def test_years_dates_and_sequences():
    d = _doc([_fact("heading_year", 2023), _fact("heading_year", 2022, label="y2")])
    assert sorted(_outcomes(d, "D-01")) == ["fail", "pass"]
    assert _outcomes(_doc([_fact("publication_date", 20231107)]), "D-03") == ["fail"]
    assert _outcomes(_doc([_fact("publication_date", 20240607)]), "D-03") == ["pass"]
    seq = [_fact("section_no", n, label=str(n)) for n in (1, 2, 4)]
    assert "fail" in _outcomes(_doc(seq), "S-02")
    ranks = [_fact("section_rank", n, label=str(n)) for n in (1, 3, 2)]
    assert "fail" in _outcomes(_doc(ranks), "S-01")


def test_placeholder_rule_passes_only_a_read_narrative():
    assert _outcomes(_doc([_fact("total", 10.0)]), "P-01") == ["pass"]
    assert _outcomes(_doc([]), "P-01") == ["not_applicable"]  # no narrative read: nothing passes
    assert _outcomes(_doc([_fact("placeholder", 1.0)]), "P-01") == ["fail"]


def test_reader_claims_and_layout_facts():
    pages = [
        "2023年度某某单位部门决算公开\n2024年3月1日\n",
        "第三部分 测试单位2023年度部门决算情况说明\n一、收入支出决算总体情况说明\n"
        "2023年度收、支总计100.00万元。与2022年度相比，收、支总计增加10.00万元，增长11.11%。\n"
        "二、收入决算情况说明\n本年收入合计100.00万元。。\n"
        "四、支出决算情况说明\n年初预算为90.00万元，支出决算为100.00万元，完成年初预算的111.11%。"
        "决算数小于年初预算数的主要原因是：XX。\n截至2023年12月31日，共有车辆0辆。\n",
    ]
    facts = extract_facts(pages)
    by = {}
    for f in facts:
        by.setdefault(f.kind, []).append(f)
    assert [f.value for f in by["section_no"]] == [1, 2, 4]
    assert [f.value for f in by["section_rank"]] == [1, 2, 3]
    assert by["cmp_word"][0].value == -1 and by["cmp_rate"][0].value == pytest.approx(111.11)
    assert by["cmp_change_pct"][0].value == pytest.approx(11.11)
    assert by["cmp_prior_year"][0].value == 2022
    assert by["period_end"][0].value == 20231231
    assert by["publication_date"][0].value == 20240301
    assert {f.label for f in by["placeholder"]} >= {"占位符“某某”", "占位符“XX”"}
    assert by["punct_double"][0].page == 2
    for f in facts:
        assert f.text and f.page in (1, 2)
