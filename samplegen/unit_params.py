"""A unit's fixed character, drawn once from its template: pay levels, fiscal
share, which optional economic items it has, its projects and their weights.
The same for every year it is simulated (samplegen.model)."""

from __future__ import annotations

import random
from dataclasses import dataclass

from samplegen.district import Unit


@dataclass
class UnitParams:
    per_staff: float
    public_per: float
    fiscal_share: float
    project_intensity: float
    retiree_ratio: float
    has_gen_carry: bool
    vehicles: int
    optional_items: dict[str, bool]
    project_weights: dict[str, float]
    project_names: dict[str, list[str]]
    fund_base: float
    sc_base: float
    housing_subsidy: float  # share of 30102 charged to 2210203 购房补贴
    rent_subsidy: float  # share of 30102 charged to 2210202 提租补贴
    other_pension: bool  # 30399 charged to 2080599
    large_equipment: int


def draw_params(unit: Unit, seed: int) -> UnitParams:
    t = unit.template
    r = random.Random(f"{seed}/params/{t.key}")
    optional = {
        code: r.random() < p
        for code, p in (
            ("30103", 0.4),
            ("30106", 0.08),
            ("30111", 1.0 if t.admin else 0.0),
            ("30114", 0.12),
            ("30199", 0.6),
            ("30301", 0.08),
            ("30304", 0.2),
            ("30305", 0.1),
            ("30309", 0.1),
            ("30399", 0.4),
            ("30202", 0.5),
            ("30203", 0.2),
            ("30205", 0.5),
            ("30206", 0.6),
            ("30209", 0.5),
            ("30214", 0.15),
            ("30215", 0.5),
            ("30216", 0.6),
            ("30217", 0.45),
            ("30218", 0.6 if t.unit_type in ("hospital", "school") else 0.1),
            ("30226", 0.5),
            ("30227", 0.4),
            ("30239", 0.7 if t.admin else 0.1),
            ("30240", 0.05),
            ("31002", 0.45),
            ("31003", 0.5 if t.unit_type in ("hospital", "institution") else 0.05),
            ("31007", 0.25),
        )
    }
    weights = {code: r.uniform(0.3, 1.0) for code, _ in t.projects}
    names: dict[str, list[str]] = {}
    for code, pool in t.projects:
        k = r.randint(1, len(pool))
        names[code] = list(pool[:k])
    return UnitParams(
        per_staff=r.uniform(*t.per_staff),
        public_per=r.uniform(*t.public_per_staff),
        fiscal_share=r.uniform(*t.fiscal_share),
        project_intensity=r.uniform(*t.project_intensity),
        retiree_ratio=r.uniform(*t.retiree_ratio),
        has_gen_carry=r.random() < 0.35,
        vehicles=r.randint(*t.vehicles),
        optional_items=optional,
        project_weights=weights,
        project_names=names,
        fund_base=r.uniform(0.1, 0.6),
        sc_base=r.uniform(0.3, 0.9),
        housing_subsidy=r.uniform(0.05, 0.14) if r.random() < 0.5 else 0.0,
        rent_subsidy=r.uniform(0.02, 0.05) if r.random() < 0.3 else 0.0,
        other_pension=r.random() < 0.3,
        large_equipment=r.randint(*t.large_equipment),
    )
