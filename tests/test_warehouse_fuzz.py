"""Seeded fuzz test (CI): a few hundred mutations of the real samples (byte
flips, truncations, digit and code swaps, encodings, giant lines, PDF damage,
a 1 GiB Flate bomb, a line bomb) through the real parse workers and their
limits. Every input finishes or is quarantined within its limit, no exception
escapes the worker boundary, every refusal has a Chinese reason, and no wrong
amount or code is loaded without a new problem on its table. bench/bench_fuzz.py
runs the same on 10,000 inputs."""

from __future__ import annotations

import importlib.util
import re
import sys
from pathlib import Path

import pytest

from warehouse.workers import ParseLimits

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "tests" / "fixtures" / "warehouse"
REAL = ROOT.parent / "shared" / "samples" / "real"
SAMPLES = [REAL / "000_d00643376496db49.txt", REAL / "putuo_2024_guihuaziran.pdf",
           REAL / "putuo_2024_shehuigongzuobu.pdf"]  # fmt: skip
N, SEED = 300, 15
LIMITS = ParseLimits(seconds=10, memory_mb=1024, max_file_mb=20)


def _load(name: str):
    spec = importlib.util.spec_from_file_location(name, FIXTURES / f"{name}.py")
    mod = importlib.util.module_from_spec(spec)
    sys.modules[name] = mod
    spec.loader.exec_module(mod)
    return mod


@pytest.fixture(scope="module")
def report():
    missing = [p.name for p in SAMPLES if not p.is_file()]
    if missing:
        pytest.skip(f"real samples not available (../shared absent): {', '.join(missing)}")
    mutate, fuzzcheck = _load("mutate"), _load("fuzzcheck")
    return fuzzcheck.run(mutate.mutations(SAMPLES, N, SEED), SAMPLES, LIMITS)


def test_every_input_has_an_outcome_and_nothing_escapes(report):
    assert len(report.verdicts) == N
    assert report.crashes == 0, [v.error for v in report.verdicts if v.outcome == "boundary_crash"][:5]
    kinds = {v.kind for v in report.verdicts}
    assert {"byte_flip", "truncate", "digit_swap", "code_swap", "pdf_damage", "bomb"} <= kinds


def test_no_hang_past_the_limit(report):
    assert report.hangs == 0
    slow = [v for v in report.verdicts if v.outcome == "loaded" and v.seconds > LIMITS.seconds]
    assert slow == []


def test_refusals_carry_a_chinese_reason(report):
    for v in report.verdicts:
        if v.outcome.startswith("quarantined:") and v.outcome not in (
            "quarantined:no_unit",
            "quarantined:no_year",
        ):
            assert re.search(r"[\u4e00-\u9fff]", v.error), v


def test_bombs_are_stopped_by_the_limits(report):
    bombs = {v.name: v.outcome for v in report.verdicts if v.kind == "bomb"}
    assert bombs["bomb.flate"] in (
        "quarantined:memory_limit",
        "quarantined:timeout",
        "quarantined:unreadable",
    )


def test_no_silent_wrong_number(report):
    amounts = [(v.name, v.detail) for v in report.verdicts if v.silent_amount]
    codes = [(v.name, v.detail) for v in report.verdicts if v.silent_code]
    assert amounts == []
    assert codes == []
    # the mutations did change loaded numbers: each of those was flagged on its table
    assert report.count(lambda v: v.changed) > 50
