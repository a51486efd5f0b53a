"""Table exports: XLSX (xlsxwriter) and CSV with a UTF-8 BOM, so Excel opens
the Chinese text correctly."""

from __future__ import annotations

import io
import re

import pandas as pd

_BAD_SHEET = re.compile(r"[\[\]:*?/\\]")


def _plain(df: pd.DataFrame) -> pd.DataFrame:
    out = df.copy()
    for c in out.columns:
        if out[c].dtype == object:
            out[c] = out[c].map(lambda v: "、".join(map(str, v)) if isinstance(v, (list, tuple)) else v)
        elif isinstance(out[c].dtype, pd.DatetimeTZDtype):
            out[c] = out[c].dt.tz_localize(None)
    return out


def to_csv_bytes(df: pd.DataFrame) -> bytes:
    """CSV, UTF-8 with BOM."""
    return _plain(df).to_csv(index=False).encode("utf-8-sig")


def sheet_name(name: str) -> str:
    return (_BAD_SHEET.sub("_", name) or "Sheet1")[:31]


def to_xlsx_bytes(df: pd.DataFrame, name: str = "数据") -> bytes:
    buf = io.BytesIO()
    sheet = sheet_name(name)
    with pd.ExcelWriter(buf, engine="xlsxwriter") as writer:
        _plain(df).to_excel(writer, sheet_name=sheet, index=False)
        ws = writer.sheets[sheet]
        for i, col in enumerate(df.columns):
            ws.set_column(i, i, max(10, min(40, len(str(col)) * 2 + 2)))
    return buf.getvalue()
