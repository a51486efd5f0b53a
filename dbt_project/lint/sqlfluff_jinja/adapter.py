"""``adapter.dispatch`` and ``adapter.quote`` as dbt-duckdb resolves them."""

from __future__ import annotations

from typing import Any

from jinja2 import pass_context
from jinja2.runtime import Context


@pass_context
def dispatch(context: Context, macro_name: str, macro_namespace: str | None = None) -> Any:
    return context.resolve(f"default__{macro_name}")


def quote(identifier: str) -> str:
    return f'"{identifier}"'
