"""Printed names -> roster units (warehouse/roster/match.py): exact first, then
proposals over region-stripped keys; near misses are never proposed."""

from __future__ import annotations

import pytest

from warehouse.roster.match import Candidate, Matcher, light_key, region_prefixes, strong_key

ROSTER = [
    Candidate("D-EDU", "滨江市清河区教育局", "部门"),
    Candidate("B-EDU", "滨江市清河区教育局本级", "本级"),
    Candidate("S-1", "滨江市清河区第一中学", "下属单位"),
    Candidate("S-2", "滨江市清河区第二中学", "下属单位"),
    Candidate("D-FIN", "滨江市清河区财政局", "部门"),
    Candidate("D-WJ", "滨江市清河区望江街道办事处", "部门"),
    Candidate("D-NR", "滨江市清河区自然资源和规划局", "部门"),
    Candidate("D-NR", "滨江市清河区规划局", "部门"),  # former name (曾用名)
    Candidate("U-SPORT", "滨江市清河区体育中心", "下属单位"),
]


@pytest.fixture(scope="module")
def matcher() -> Matcher:
    return Matcher(ROSTER)


def test_region_prefixes_found_from_the_roster_names():
    prefixes = region_prefixes([c.name for c in ROSTER])
    assert prefixes[0] == "滨江市清河区"
    assert {"滨江市", "清河区", "清河"} <= set(prefixes)
    assert strong_key("清河区教育局（本级）", prefixes) == ("教育局", True)
    assert strong_key("滨江市清河区第一中学", prefixes) == ("第一中学", False)


def test_light_key_mirrors_the_sql_normalisation():
    assert light_key(" 滨江市清河区 教育局（本级）") == "滨江市清河区教育局(本级)"
    assert light_key("清河区·财政局\u3000") == "清河区财政局"


@pytest.mark.parametrize(
    ("printed", "status", "unit"),
    [
        ("滨江市清河区教育局", "exact", "D-EDU"),
        ("滨江市清河区 教育局", "exact", "D-EDU"),
        ("滨江市清河区规划局", "exact", "D-NR"),  # old name after a rename: an alias
        ("清河区财政局", "proposed", "D-FIN"),  # city prefix dropped
        ("财政局", "proposed", "D-FIN"),  # both prefixes dropped
        ("清河区规划局", "proposed", "D-NR"),  # old name, prefix dropped
        ("清河区教育局（本级）", "proposed", "B-EDU"),  # 本级 in brackets: the 本级 unit, not the 部门
        ("清河区教育局", "proposed", "D-EDU"),  # no 本级: the 部门
        ("滨江市清河区第一中学（本级）", "proposed", "S-1"),
        ("滨江市清河区第一中学", "exact", "S-1"),
        ("清河第一中学", "proposed", "S-1"),  # short region form
    ],
)
def test_variants_of_a_roster_name(matcher, printed, status, unit):
    m = matcher.match(printed)
    assert (m.status, m.unit_id) == (status, unit), m


@pytest.mark.parametrize(
    "printed",
    [
        "滨江市清河区第三中学",  # another school: only the number differs
        "滨江市清河区望海街道办事处",  # one character off, a different street
        "清河区体育局",  # 体育 like 体育中心, a different unit
        "滨江市清河区教育培训中心",
    ],
)
def test_wrong_but_similar_names_are_never_proposed(matcher, printed):
    m = matcher.match(printed)
    assert m.status in ("possible", "none"), m
    assert m.status != "exact"


def test_numbers_veto_even_a_high_similarity():
    m = Matcher([Candidate("H1", "滨江市清河区第一人民医院")]).match("滨江市清河区第二人民医院")
    assert m.status == "possible" and m.score < 90


def test_two_units_equally_close_are_not_proposed():
    m = Matcher([Candidate("A", "清河区社区服务中心"), Candidate("B", "清河区社区服务站")]).match(
        "清河区社区服务中站"
    )
    assert m.status == "possible"


def test_a_rejected_pair_is_not_proposed_again():
    m = Matcher(ROSTER, rejected=[("清河区财政局", "D-FIN")]).match("清河区财政局")
    assert m.unit_id != "D-FIN"
    assert m.status != "proposed"


def test_a_name_two_roster_units_share_is_only_possible():
    m = Matcher([Candidate("A", "清河区档案馆"), Candidate("B", "清河区档案馆")]).match("清河区档案馆")
    assert m.status == "possible"


def test_full_width_digits_and_letters():
    m = Matcher([Candidate("C", "清河区第1幼儿园")]).match("清河区第１幼儿园")
    assert (m.status, m.unit_id) == ("proposed", "C")
