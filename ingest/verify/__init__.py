"""Check every table against its own identities (R-row, R-tree, R-econ, R-01,
R-04, R-07, R-09). Where the printed reading does not balance, or positions
were lost, the identities choose the placement and say so; otherwise the
printed values are kept and every identity that fails is reported. Never a
silent wrong number."""

from ingest.verify.common import COLUMN_NAMES, TABLE_NAMES
from ingest.verify.coverage import code_consistency, code_problems, unchecked_rows
from ingest.verify.evaluate import VERIFIERS, uncovered
from ingest.verify.rounding import rounding_residuals
from ingest.verify.sangong import settle_sangong
from ingest.verify.shape import shape_problems
from ingest.verify.subject import subject_violations
from ingest.verify.wraps import wrap_doubts

__all__ = [
    "COLUMN_NAMES",
    "TABLE_NAMES",
    "VERIFIERS",
    "code_consistency",
    "code_problems",
    "rounding_residuals",
    "settle_sangong",
    "shape_problems",
    "subject_violations",
    "unchecked_rows",
    "uncovered",
    "wrap_doubts",
]
