"""The rules catalogue as Great Expectations suites: one suite per rule, one
expectation in it, of a small class per rule family that carries the rule's
id, Chinese description, tolerance policy and severity.

Every check of a rule that ran has a residual (dbt's ``rule_residuals`` for the
table arithmetic, the engine for what reads stated facts) and its ``excess``
over the rule's tolerance; the rule's expectation asserts ``excess <= 0`` on
the rule's own batch of rows, so GX decides which checks fail and its
validation results carry the failing rows. Imported only where GX is wanted
(the prepared child ``expectations.gx_worker``, or in-process).

DataFrame route (STACK.md): the SQL route needs a connection override."""

from __future__ import annotations

import logging
import os
from dataclasses import dataclass, field

os.environ.setdefault("GX_ANALYTICS_ENABLED", "false")
os.environ.setdefault("TQDM_DISABLE", "1")

import great_expectations as gx
import pandas as pd
from great_expectations.data_context.types.base import ProgressBarsConfig
from great_expectations.expectations.metadata_types import FailureSeverity

from expectations.data_docs import expectation_name

logging.getLogger("great_expectations").setLevel(logging.WARNING)


class ExpectIdentityHolds(gx.expectations.ExpectColumnValuesToBeBetween):
    """An accounting identity between amounts (table cells, stated amounts) holds
    within the rule's tolerance: ``excess`` = |difference| − tolerance ≤ 0."""

    column: str = "excess"
    max_value: float = 0.0
    rule_id: str
    tolerance_policy: str = "addends"


class ExpectStatedPercentMatches(gx.expectations.ExpectColumnValuesToBeBetween):
    """A percentage the narrative states equals the one recomputed from the amounts,
    within 0.01 pp plus half a unit of its last printed digit."""

    column: str = "excess"
    max_value: float = 0.0
    rule_id: str
    tolerance_policy: str = "percent"


class ExpectNarrativeConsistent(gx.expectations.ExpectColumnValuesToBeBetween):
    """What the narrative says (comparison words, years, dates, names, placeholders)
    agrees with the amounts and the document: ``excess`` ≤ 0."""

    column: str = "excess"
    max_value: float = 0.0
    rule_id: str
    tolerance_policy: str = "exact"


RuleExpectation = ExpectIdentityHolds | ExpectStatedPercentMatches | ExpectNarrativeConsistent

FAMILIES: dict[str, type[RuleExpectation]] = {
    "expect_identity_holds": ExpectIdentityHolds,
    "expect_stated_percent_matches": ExpectStatedPercentMatches,
    "expect_narrative_consistent": ExpectNarrativeConsistent,
}


def family(rule: dict) -> type[RuleExpectation]:
    return FAMILIES[expectation_name(rule)]


def expectation_for(rule: dict) -> RuleExpectation:
    cls = family(rule)
    return cls(
        rule_id=rule["id"],
        tolerance_policy=rule.get("tolerance", "addends"),
        description=f"{rule['id']}：{rule.get('description', '')}",
        severity=FailureSeverity.WARNING if rule.get("severity") == "warning" else FailureSeverity.CRITICAL,
        meta={"rule_id": rule["id"], "tables": list(rule.get("tables") or [])},
    )


@dataclass
class RuleResult:
    rule_id: str
    expectation: str  # the expectation's type, e.g. expect_identity_holds
    evaluated: int
    success: bool
    bad: list[int] = field(default_factory=list)  # positions (in the rule's rows) GX found unexpected


def validate(rules: list[dict], excess: dict[str, list[float]]) -> dict[str, RuleResult]:
    """Validate every rule's suite on its own rows (``excess[rule_id]``, one value per
    check that ran). A rule with no rows is not validated (nothing ran)."""
    context = gx.get_context(mode="ephemeral")
    context.variables.progress_bars = ProgressBarsConfig(globally=False)
    source = context.data_sources.add_pandas("juesuan_dq")
    out: dict[str, RuleResult] = {}
    for rule in rules:
        rid = rule["id"]
        values = excess.get(rid) or []
        expectation = expectation_for(rule)
        if not values:
            out[rid] = RuleResult(rid, expectation_name(rule), 0, True)
            continue
        batch = source.add_dataframe_asset(rid).add_batch_definition_whole_dataframe("checks")
        suite = context.suites.add(gx.ExpectationSuite(name=f"juesuan.{rid}"))
        suite.add_expectation(expectation)
        definition = context.validation_definitions.add(
            gx.ValidationDefinition(name=f"juesuan.{rid}", data=batch, suite=suite)
        )
        frame = pd.DataFrame({"excess": pd.Series(values, dtype="float64")})
        result = definition.run(
            batch_parameters={"dataframe": frame}, result_format={"result_format": "COMPLETE"}
        )
        r = result.results[0]
        assert r.expectation_config is not None  # a suite's results name their expectation
        bad = [int(i) for i in (r.result.get("unexpected_index_list") or [])]
        out[rid] = RuleResult(rid, r.expectation_config.type, int(r.result.get("element_count") or 0),
                              bool(r.success), bad)  # fmt: skip
    return out


__all__ = [
    "ExpectIdentityHolds",
    "ExpectNarrativeConsistent",
    "ExpectStatedPercentMatches",
    "RuleResult",
    "expectation_for",
    "family",
    "validate",
]
