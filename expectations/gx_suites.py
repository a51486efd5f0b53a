"""The rules catalogue as a Great Expectations suite: one named expectation per
rule, of a small class per rule family that carries the rule's id, Chinese
description, tolerance policy and severity.

Every check of a rule that ran has a residual (dbt's ``rule_residuals`` for what
reads table cells, the engine for what reads stated facts and the narrative) and
its ``excess`` over the rule's tolerance; the rule's expectation asserts
``excess <= 0`` on the rule's own column of one batch (column ``excess:<rule>``,
one row per check, padded with nulls, which GX does not count), so GX decides
which checks fail and its validation results carry the failing rows. One
validation of one batch: per rule a batch and a validation cost ~50 ms of GX's
own overhead each. Imported only where GX is wanted (the prepared child
``expectations.gx_worker``, or in-process).

DataFrame route (STACK.md): the SQL route needs a connection override."""

from __future__ import annotations

import logging
import os
from dataclasses import dataclass, field

os.environ.setdefault("GX_ANALYTICS_ENABLED", "false")
os.environ.setdefault("TQDM_DISABLE", "1")

import great_expectations as gx
import numpy as np
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


def column_of(rule_id: str) -> str:
    return f"excess:{rule_id}"


def expectation_for(rule: dict) -> RuleExpectation:
    cls = family(rule)
    return cls(
        column=column_of(rule["id"]),
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
    """Validate the catalogue's suite on one batch: per rule a column of its checks'
    ``excess`` (``excess[rule_id]``, one value per check that ran). A rule with no
    rows is not validated (nothing ran)."""
    ran = [r for r in rules if excess.get(r["id"])]
    out = {r["id"]: RuleResult(r["id"], expectation_name(r), 0, True) for r in rules if r not in ran}
    if not ran:
        return out
    height = max(len(excess[r["id"]]) for r in ran)
    columns = {}
    for rule in ran:
        values = np.full(height, np.nan)
        values[: len(excess[rule["id"]])] = excess[rule["id"]]
        columns[column_of(rule["id"])] = values
    context = gx.get_context(mode="ephemeral")
    context.variables.progress_bars = ProgressBarsConfig(globally=False)
    batch = context.data_sources.add_pandas("juesuan_dq").add_dataframe_asset("checks")
    # the expectations given to the suite at once: add_expectation saves the suite each time (~8 ms a rule)
    suite = context.suites.add(
        gx.ExpectationSuite(name="juesuan.rules", expectations=[expectation_for(rule) for rule in ran])
    )
    definition = context.validation_definitions.add(
        gx.ValidationDefinition(
            name="juesuan.rules", data=batch.add_batch_definition_whole_dataframe("all"), suite=suite
        )
    )
    result = definition.run(
        batch_parameters={"dataframe": pd.DataFrame(columns)}, result_format={"result_format": "COMPLETE"}
    )
    for r in result.results:
        config = r.expectation_config
        assert config is not None  # a suite's results name their expectation
        rid = config.kwargs["column"].removeprefix("excess:")
        bad = [int(i) for i in (r.result.get("unexpected_index_list") or [])]
        evaluated = int(r.result.get("element_count") or 0) - int(r.result.get("missing_count") or 0)
        out[rid] = RuleResult(rid, config.type, evaluated, bool(r.success), bad)
    return out


__all__ = [
    "ExpectIdentityHolds",
    "ExpectNarrativeConsistent",
    "ExpectStatedPercentMatches",
    "RuleResult",
    "column_of",
    "expectation_for",
    "family",
    "validate",
]
