"""Table exports a finance officer opens in Excel: XLSX (a title row naming the
unit, year and 金额单位; 万元 columns as ``#,##0.00`` number formats, counts as
integers), CSV (UTF-8 with BOM) and Parquet, built with polars.

Values are made plain first: 是/否 for booleans, timestamps as
``YYYY-MM-DD HH:MM:SS``, no ``-0.0``. Text that a spreadsheet would run as a
formula (starting with ``=``, ``+``, ``-``, ``@``, tab or CR) is written as
text: an XLSX string cell, or with a leading ``'`` in CSV. The pages hand over
the polars frame they show."""

from __future__ import annotations

import io
import re
from typing import Any

import polars as pl

_BAD_SHEET = re.compile(r"[\[\]:*?/\\]")
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
AMOUNT_FORMAT = "#,##0.00"
COUNT_FORMAT = "#,##0"
YEAR_COLUMNS = {"年度", "fiscal_year"}
TIME_FORMAT = "%Y-%m-%d %H:%M:%S"


def two_decimals(amount: pl.Expr) -> pl.Expr:
    """An amount rounded to two decimals, never -0.0 (polars folds ``x + 0.0`` away)."""
    rounded = amount.round(2)
    return pl.when(rounded == 0).then(pl.lit(0.0)).otherwise(rounded)


def plain(frame: pl.DataFrame) -> pl.DataFrame:
    """The frame with only values a spreadsheet shows as the dashboard does."""
    exprs = []
    for name, dtype in frame.schema.items():
        c = pl.col(name)
        if dtype == pl.Boolean:
            exprs.append(pl.when(c.is_null()).then(None).when(c).then(pl.lit("是")).otherwise(pl.lit("否")))
        elif dtype == pl.Datetime or isinstance(dtype, pl.Datetime):
            exprs.append(c.dt.strftime(TIME_FORMAT))
        elif dtype == pl.Date:
            exprs.append(c.dt.strftime("%Y-%m-%d"))
        elif dtype.is_float():
            exprs.append(two_decimals(c))
        elif isinstance(dtype, pl.List):
            exprs.append(c.list.eval(pl.element().cast(pl.String)).list.join("、"))
        elif dtype == pl.Null:
            exprs.append(c.cast(pl.String))
        else:
            continue
        exprs[-1] = exprs[-1].alias(name)
    return frame.with_columns(exprs) if exprs else frame


def _is_formula(v: Any) -> bool:
    return isinstance(v, str) and v.startswith(FORMULA_START)


def csv_safe(frame: pl.DataFrame) -> pl.DataFrame:
    """Text a spreadsheet would run as a formula gets a leading ``'``."""
    exprs = []
    for name, dtype in frame.schema.items():
        if dtype == pl.String:
            c = pl.col(name)
            starts = pl.any_horizontal([c.str.starts_with(s) for s in FORMULA_START])
            exprs.append(pl.when(starts).then(pl.lit("'") + c).otherwise(c).alias(name))
    return frame.with_columns(exprs) if exprs else frame


def to_csv_bytes(df: pl.DataFrame) -> bytes:
    """CSV, UTF-8 with BOM, formula-safe."""
    buf = io.BytesIO()
    csv_safe(plain(df)).write_csv(buf, include_bom=True)
    return buf.getvalue()


def to_parquet_bytes(df: pl.DataFrame) -> bytes:
    buf = io.BytesIO()
    plain(df).write_parquet(buf)
    return buf.getvalue()


def sheet_name(name: str) -> str:
    return (_BAD_SHEET.sub("_", name) or "Sheet1")[:31]


def _column_format(col: str, dtype: pl.DataType) -> str | None:
    if str(col) in YEAR_COLUMNS:
        return "0"
    if dtype.is_float():
        return AMOUNT_FORMAT
    if dtype.is_integer():
        return COUNT_FORMAT
    return None


def to_xlsx_bytes(df: pl.DataFrame, name: str = "数据", title: str | None = None) -> bytes:
    """One sheet: row 1 the title (``title``, else ``name``, with 金额单位：万元),
    row 2 the headers, then the values. Written cell by cell with xlsxwriter so
    that text stays text (polars' ``write_excel`` would let ``=…`` through as a
    formula unless told per column)."""
    import xlsxwriter

    data = plain(df)
    buf = io.BytesIO()
    wb = xlsxwriter.Workbook(buf, {"in_memory": True, "strings_to_formulas": False, "strings_to_urls": False})
    ws = wb.add_worksheet(sheet_name(name))
    bold = wb.add_format({"bold": True})
    head = wb.add_format({"bold": True, "text_wrap": True, "valign": "top", "border": 1})
    ws.write_string(0, 0, f"{title or name}　金额单位：万元", bold)
    formats = {}
    for i, (col, dtype) in enumerate(data.schema.items()):
        ws.write_string(1, i, str(col), head)
        fmt = _column_format(col, dtype)
        formats[i] = wb.add_format({"num_format": fmt}) if fmt else None
        ws.set_column(i, i, max(10, min(40, len(str(col)) * 2 + 2)), formats[i])
    for r, row in enumerate(data.iter_rows(), start=2):
        for i, v in enumerate(row):
            if v is None or (isinstance(v, float) and v != v):  # null or NaN
                ws.write_blank(r, i, None, formats[i])
            elif isinstance(v, str):
                ws.write_string(r, i, v)  # text stays text, also "=…"
            else:
                ws.write_number(r, i, float(v), formats[i])
    ws.freeze_panes(2, 0)
    wb.close()
    return buf.getvalue()
