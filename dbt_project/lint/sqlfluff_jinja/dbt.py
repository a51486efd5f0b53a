"""The cross-database macros of ``dbt.*`` the project uses, as on DuckDB."""

from __future__ import annotations


def type_string() -> str:
    return "text"


def type_float() -> str:
    return "double"


def datediff(first_date: str, second_date: str, datepart: str) -> str:
    return f"date_diff('{datepart}', {first_date}, {second_date})"
