"""Great Expectations in a child process (``expectations.runner.prepare``).

Imports GX first (the slow part, overlapped with the parent's dbt build), then
waits for one request on stdin: a JSON line ``{"excess": [...], "docs_dir": ...}``.
Answers one JSON line on stdout: ``{"bad": [positional indexes]}`` or
``{"error": "..."}``. Exits on end of input (the parent closed the pipe or
died) or after ``IDLE_SECONDS`` without a request."""

from __future__ import annotations

import json
import math
import os
import select
import sys

IDLE_SECONDS = 900


def main() -> int:
    from warehouse.children import die_with_parent

    die_with_parent()  # a killed refresh must not leave this helper behind
    os.environ.setdefault("GX_ANALYTICS_ENABLED", "false")
    os.environ.setdefault("TQDM_DISABLE", "1")
    try:
        import great_expectations  # noqa: F401  (the point: pay the import now)

        from expectations.runner import validate_with_gx
    except Exception as exc:  # the parent validates in-process (and reports the error)
        error = f"{type(exc).__name__}: {exc}"
        validate_with_gx = None
    ready, _, _ = select.select([sys.stdin], [], [], IDLE_SECONDS)
    line = sys.stdin.readline() if ready else ""
    if not line.strip():
        return 0
    if validate_with_gx is None:
        print(json.dumps({"error": error}), flush=True)
        return 1
    try:
        import pandas as pd

        req = json.loads(line)
        excess = [None if x is None or (isinstance(x, float) and math.isnan(x)) else x for x in req["excess"]]
        frame = pd.DataFrame({"excess": pd.Series(excess, dtype="float64")})
        docs_dir = req.get("docs_dir")
        bad = validate_with_gx(frame, docs_dir and __import__("pathlib").Path(docs_dir), here=True)
        print(json.dumps({"bad": sorted(bad)}), flush=True)
        return 0
    except Exception as exc:
        print(json.dumps({"error": f"{type(exc).__name__}: {exc}"}), flush=True)
        return 1


if __name__ == "__main__":
    sys.exit(main())
