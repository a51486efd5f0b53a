"""Great Expectations in a child process (``expectations.gx_client.prepare``).

Imports GX and builds nothing yet (the import is the slow part, overlapped with
the parent's work), then waits for one request on stdin: a JSON line
``{"excess": {rule_id: [...]}}``. Answers one JSON line on stdout:
``{"results": {rule_id: {...}}}`` (see ``gx_client.validate``) or
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
    error = ""
    try:
        from expectations import gx_suites  # noqa: F401  (the point: pay GX's import now)
        from expectations.gx_client import validate_here
    except Exception as exc:  # the parent validates in-process (and reports the error)
        error = f"{type(exc).__name__}: {exc}"
        validate_here = None  # type: ignore[assignment]
    ready, _, _ = select.select([sys.stdin], [], [], IDLE_SECONDS)
    line = sys.stdin.readline() if ready else ""
    if not line.strip():
        return 0
    if validate_here is None:
        print(json.dumps({"error": error}), flush=True)
        return 1
    try:
        req = json.loads(line)
        excess = {
            rid: [math.nan if x is None else float(x) for x in values]
            for rid, values in req["excess"].items()
        }
        print(json.dumps({"results": validate_here(excess)}), flush=True)
        return 0
    except Exception as exc:
        print(json.dumps({"error": f"{type(exc).__name__}: {exc}"}), flush=True)
        return 1


if __name__ == "__main__":
    sys.exit(main())
