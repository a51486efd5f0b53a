"""Great Expectations in a child process (``expectations.gx_client.prepare``).

Imports GX and builds nothing yet (the import is the slow part, overlapped with
the parent's work), then answers requests on stdin in order, each a JSON line
``{"excess": {rule_id: [...]}}``, with one JSON line on stdout:
``{"results": {rule_id: {...}}}`` (see ``gx_client.submit``) or
``{"error": "..."}``. Exits on end of input (the parent closed the pipe or
died) or after ``IDLE_SECONDS`` without a request."""

from __future__ import annotations

import json
import math
import os
import signal
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
    while True:
        # idle limit by alarm, not select: a buffered readline may already hold the next request
        signal.alarm(IDLE_SECONDS)  # SIGALRM's default action ends the process
        line = sys.stdin.readline()
        signal.alarm(0)
        if not line.strip():
            return 0
        print(json.dumps(_answer(line, validate_here, error)), flush=True)


def _answer(line: str, validate_here, import_error: str) -> dict:
    if validate_here is None:
        return {"error": import_error}
    try:
        req = json.loads(line)
        excess = {
            rid: [math.nan if x is None else float(x) for x in values]
            for rid, values in req["excess"].items()
        }
        return {"results": validate_here(excess)}
    except Exception as exc:
        return {"error": f"{type(exc).__name__}: {exc}"}


if __name__ == "__main__":
    sys.exit(main())
