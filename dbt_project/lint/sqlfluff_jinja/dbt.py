"""The cross-database macros of ``dbt.*`` the project uses, as on DuckDB."""

from __future__ import annotations


def type_string() -> str:
    return "text"
