"""General-budget basic spending as economic items (table 06), drawn before it is
mapped to functional 项 so that 06 and 05 agree by construction."""

from __future__ import annotations

import random

from samplegen.truth import cents
from samplegen.unit_params import UnitParams
from samplegen.unit_templates import Template

# Personnel-related economic items and the functional 项 they are charged to.
# (admin units use the first code, 事业单位 the second)
ECON_TO_SUBJECT = {
    "30108": ("2080505", "2080505"),
    "30109": ("2080506", "2080506"),
    "30110": ("2101101", "2101102"),
    "30111": ("2101103", "2101103"),
    "30113": ("2210201", "2210201"),
    "30301": ("2080501", "2080502"),
    "30302": ("2080501", "2080502"),
    "30304": ("2080801", "2080801"),
}


def economic_items(
    p: UnitParams,
    t: Template,
    staff: int,
    salary_index: float,
    vehicles: int,
    r: random.Random,
    staff_f: float,
) -> dict[str, int]:
    """The 5-digit economic items of general-budget basic spending (table 06) for one
    year, in cents; `staff_f` is the staff the general budget pays for."""
    w = p.per_staff * salary_index
    opt = p.optional_items

    def noisy(x: float) -> float:
        return x * r.uniform(0.9, 1.1)

    e: dict[str, float] = {}
    e["30101"] = noisy(0.21 * w * staff_f)
    e["30102"] = noisy((0.20 if t.admin else 0.08) * w * staff_f)
    if opt["30103"]:
        e["30103"] = noisy(0.04 * w * staff_f)
    if opt["30106"]:
        e["30106"] = noisy(0.01 * w * staff_f)
    e["30107"] = noisy((0.16 if t.admin else 0.31) * w * staff_f)
    base = e["30101"] + e["30102"] + e.get("30103", 0) + e["30107"]
    e["30108"] = 0.16 * base
    e["30109"] = 0.08 * base
    e["30110"] = noisy(0.075 * base)
    if opt["30111"]:
        e["30111"] = noisy(0.03 * base)
    e["30112"] = noisy(0.005 * base)
    e["30113"] = 0.12 * base
    if opt["30114"]:
        e["30114"] = noisy(0.01 * base)
    if opt["30199"]:
        e["30199"] = r.uniform(0.0, 0.03) * base
    retirees = staff * p.retiree_ratio
    if retirees >= 1:
        e["30302"] = noisy(retirees * r.uniform(0.4, 1.6))
    if opt["30301"]:
        e["30301"] = r.uniform(3, 25)
    if opt["30304"] and r.random() < 0.6:
        e["30304"] = r.uniform(5, 40)
    if opt["30305"]:
        e["30305"] = r.uniform(0.5, 6)
    if opt["30309"]:
        e["30309"] = r.uniform(0.5, 5)
    if opt["30399"]:
        e["30399"] = r.uniform(0.01, 0.06) * base
    pub = p.public_per * staff_f
    e["30201"] = noisy(0.18 * pub)
    for code, share in (
        ("30202", 0.03),
        ("30203", 0.05),
        ("30205", 0.02),
        ("30206", 0.06),
        ("30209", 0.12),
        ("30214", 0.08),
        ("30215", 0.02),
        ("30216", 0.03),
        ("30218", 0.10),
        ("30226", 0.05),
        ("30227", 0.06),
        ("30240", 0.005),
    ):
        if opt[code]:
            e[code] = noisy(share * pub)
    e["30207"] = noisy(0.04 * pub)
    e["30211"] = noisy(0.05 * pub)
    e["30213"] = noisy(0.06 * pub) if r.random() < 0.8 else 0.0
    if opt["30217"] and r.random() < 0.85:
        e["30217"] = r.uniform(0.05, 0.02 * pub + 0.5)
    if r.random() < 0.03 and t.admin:
        e["30212"] = r.uniform(2, 12)
    e["30228"] = 0.02 * base
    e["30229"] = noisy(0.015 * base)
    if vehicles:
        e["30231"] = vehicles * r.uniform(1.2, 2.6)
    if opt["30239"]:
        e["30239"] = noisy(0.4 * staff_f)
    e["30299"] = noisy(0.05 * pub) if r.random() < 0.8 else 0.0
    if opt["31002"] and r.random() < 0.7:
        e["31002"] = r.uniform(0.5, 2.0) * (staff_f**0.5)
    if opt["31003"] and r.random() < 0.6:
        e["31003"] = r.uniform(2, 20) * (staff_f**0.5)
    if opt["31007"] and r.random() < 0.6:
        e["31007"] = r.uniform(1, 8)
    return {k: cents(v) for k, v in e.items() if cents(v) > 0}
