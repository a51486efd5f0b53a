"""Table exports a finance officer opens in Excel: XLSX (a title row naming the
unit, year and 金额单位; 万元 columns as ``#,##0.00`` number formats, counts as
integers), CSV (UTF-8 with BOM) and Parquet.

Values are made plain first: 是/否 for booleans, timestamps as
``YYYY-MM-DD HH:MM:SS``, no ``-0.0``. Text that a spreadsheet would run as a
formula (starting with ``=``, ``+``, ``-``, ``@``, tab or CR) is written as
text: an XLSX string cell, or with a leading ``'`` in CSV."""

from __future__ import annotations

import io
import re

import pandas as pd

_BAD_SHEET = re.compile(r"[\[\]:*?/\\]")
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
AMOUNT_FORMAT = "#,##0.00"
COUNT_FORMAT = "#,##0"
YEAR_COLUMNS = {"年度", "fiscal_year"}


def _cell(v):
    if isinstance(v, (list, tuple)):
        return "、".join(map(str, v))
    if isinstance(v, bool):
        return "是" if v else "否"
    if isinstance(v, pd.Timestamp):
        return v.strftime("%Y-%m-%d %H:%M:%S")
    return v


def plain(df: pd.DataFrame) -> pd.DataFrame:
    """The frame with only values a spreadsheet shows as the dashboard does."""
    out = df.copy()
    for c in out.columns:
        kind = out[c].dtype.kind
        if kind == "b" or str(out[c].dtype) == "boolean":
            out[c] = out[c].map(lambda v: None if pd.isna(v) else ("是" if v else "否"))
        elif kind == "M" or isinstance(out[c].dtype, pd.DatetimeTZDtype):
            out[c] = out[c].map(lambda v: None if pd.isna(v) else v.strftime("%Y-%m-%d %H:%M:%S"))
        elif kind == "f":
            out[c] = out[c].round(2) + 0.0  # -0.0 + 0.0 is 0.0
        elif kind == "O":
            out[c] = out[c].map(_cell)
    return out


def _is_formula(v) -> bool:
    return isinstance(v, str) and v.startswith(FORMULA_START)


def csv_safe(df: pd.DataFrame) -> pd.DataFrame:
    out = df.copy()
    for c in out.columns:
        if out[c].dtype.kind == "O" or pd.api.types.is_string_dtype(out[c]):
            out[c] = out[c].astype(object).map(lambda v: "'" + v if _is_formula(v) else v)
    return out


def to_csv_bytes(df: pd.DataFrame) -> bytes:
    """CSV, UTF-8 with BOM, formula-safe."""
    return csv_safe(plain(df)).to_csv(index=False).encode("utf-8-sig")


def to_parquet_bytes(df: pd.DataFrame) -> bytes:
    buf = io.BytesIO()
    plain(df).to_parquet(buf, index=False)
    return buf.getvalue()


def sheet_name(name: str) -> str:
    return (_BAD_SHEET.sub("_", name) or "Sheet1")[:31]


def _column_format(col: str, series: pd.Series) -> str | None:
    if str(col) in YEAR_COLUMNS:
        return "0"
    if series.dtype.kind == "f":
        return AMOUNT_FORMAT
    if series.dtype.kind in "iu" or str(series.dtype) in ("Int64", "Int32"):
        return COUNT_FORMAT
    return None


def to_xlsx_bytes(df: pd.DataFrame, name: str = "数据", title: str | None = None) -> bytes:
    """One sheet: row 1 the title (``title``, else ``name``, with 金额单位：万元),
    row 2 the headers, then the values."""
    import xlsxwriter

    data = plain(df)
    buf = io.BytesIO()
    wb = xlsxwriter.Workbook(buf, {"in_memory": True, "strings_to_formulas": False, "strings_to_urls": False})
    ws = wb.add_worksheet(sheet_name(name))
    bold = wb.add_format({"bold": True})
    head = wb.add_format({"bold": True, "text_wrap": True, "valign": "top", "border": 1})
    ws.write_string(0, 0, f"{title or name}　金额单位：万元", bold)
    formats = {}
    for i, col in enumerate(data.columns):
        ws.write_string(1, i, str(col), head)
        fmt = _column_format(col, data[col])
        formats[i] = wb.add_format({"num_format": fmt}) if fmt else None
        ws.set_column(i, i, max(10, min(40, len(str(col)) * 2 + 2)), formats[i])
    for r, row in enumerate(data.itertuples(index=False), start=2):
        for i, v in enumerate(row):
            if v is None or (not isinstance(v, str) and pd.isna(v)):
                ws.write_blank(r, i, None, formats[i])
            elif isinstance(v, str):
                ws.write_string(r, i, v)  # text stays text, also "=…"
            else:
                ws.write_number(r, i, float(v), formats[i])
    ws.freeze_panes(2, 0)
    wb.close()
    return buf.getvalue()
