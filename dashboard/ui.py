"""Shared page helpers: Chinese column labels (from ``dashboard.labels``), 万元
formatting, table views with XLSX / CSV export, and the warehouse guard."""

from __future__ import annotations

import polars as pl
import streamlit as st

from dashboard import export, queries
from dashboard.labels import COUNT_COLUMNS, LABELS, PLAIN_INTEGERS, UNIT_TYPE_LABELS, VALUE_LABELS
from dashboard.widgets import chrome, url_multiselect, url_selectbox  # noqa: F401  (pages use ui.*)


def label(col: str) -> str:
    return LABELS.get(col, col)


def unit_type_label(code) -> str:
    """A unit type in Chinese (codes the dashboard does not know are shown as stored)."""
    if code is None:
        return "—"
    return UNIT_TYPE_LABELS.get(code, code)


def value_label(col: str, value):
    """A stored code of column ``col`` in Chinese (unchanged when not a known code)."""
    m = VALUE_LABELS.get(col)
    if m is None or not isinstance(value, str):
        return value
    return m.get(value, value)


# Plotly: amounts in 万元 with two decimals on axes and in hover text.
WAN_TICKFORMAT = ",.2f"


def wan_chart(fig, axis: str = "y", pct: bool = False, category: str = ""):
    """Format the amount axis and the hover text of a plotly bar/line figure as
    万元 with two decimals (``pct``: a percentage with two decimals).
    ``category`` labels the other axis' value in the hover text."""
    other = "x" if axis == "y" else "y"
    fmt = f"%{{{axis}:,.2f}}" + ("%" if pct else " 万元")
    getattr(fig, f"update_{axis}axes")(tickformat=",.2f", ticksuffix="%" if pct else "")
    cat = f"{category}：%{{{other}}}" if category else f"%{{{other}}}"
    for trace in fig.data:
        name = f"{trace.name}<br>" if trace.name else ""
        trace.hovertemplate = f"{name}{cat}<br>{fmt}<extra></extra>"
    fig.update_layout(separators=".,", hoverlabel={"namelength": -1})
    return fig


def wan_hierarchy(fig):
    """Sunburst/treemap: values in 万元 with two decimals in the hover text."""
    fig.update_traces(
        hovertemplate="%{label}<br>%{value:,.2f} 万元<br>占上级 %{percentParent:.2%}<extra></extra>"
    )
    return fig


def wan(v) -> str:
    """An amount in 万元 with two decimals (— when missing)."""
    if v is None or v != v:  # None or NaN
        return "—"
    try:
        return f"{float(v):,.2f}"
    except (TypeError, ValueError):
        return str(v)


def _display_expr(name: str, dtype: pl.DataType) -> pl.Expr | None:
    c = pl.col(name)
    if name in COUNT_COLUMNS and dtype.is_numeric():
        return c.round().cast(pl.Int64) if dtype.is_float() else c.cast(pl.Int64)
    if dtype.is_float():
        return export.two_decimals(c)
    if dtype == pl.Boolean:
        return pl.when(c.is_null()).then(pl.lit("—")).when(c).then(pl.lit("是")).otherwise(pl.lit("否"))
    if dtype == pl.String:
        return (c.replace(VALUE_LABELS[name]) if name in VALUE_LABELS else c).fill_null("—")
    if dtype == pl.Null:
        return pl.lit("—", dtype=pl.String)
    return None


def labelled(df: pl.DataFrame) -> pl.DataFrame:
    """Chinese headers; a header two columns share gets a number (polars needs unique names)."""
    out: dict[str, str] = {}
    for c in df.columns:
        name, n = label(c), 2
        while name in out.values():
            name, n = f"{label(c)}（{n}）", n + 1
        out[c] = name
    return df.rename(out)


def display(df: pl.DataFrame) -> pl.DataFrame:
    """Chinese headers and codes, amounts rounded to 2 decimals, counts as
    integers, booleans as 是/否, missing text as —."""
    exprs = [e.alias(n) for n, d in df.schema.items() if (e := _display_expr(n, d)) is not None]
    return labelled(df.with_columns(exprs) if exprs else df)


def static_table(frame: pl.DataFrame, index: str | None = None, columns_name: str | None = None) -> None:
    """A small static table (st.table): 万元 as 1,234.56, counts as 1,234, years and
    pages plain, missing as —; ``index``: the column shown as row headers.
    st.table formats numbers only through a pandas Styler, so the frame becomes
    pandas here, at Streamlit's door (the one place the pages hand it pandas)."""
    amounts = [c for c, d in frame.schema.items() if d.is_float()]
    counts = [c for c, d in frame.schema.items() if d.is_integer()]
    shown = frame.to_pandas()
    for c in counts:
        shown[c] = shown[c].astype("Int64")  # integers also where a value is missing
    if index is not None:
        shown = shown.set_index(index)
    if columns_name is not None:
        shown = shown.rename_axis(columns=columns_name)
    fmt = {c: "{:,.2f}" for c in amounts} | {c: ("{}" if c in PLAIN_INTEGERS else "{:,}") for c in counts}
    st.table(shown.style.format({c: f for c, f in fmt.items() if c != index}, na_rep="—"))


def _column_formats(shown: pl.DataFrame) -> dict:
    """st.dataframe formats: 万元 as 1,234.56, counts as 1,234, years and pages plain."""
    out = {}
    for c, dtype in shown.schema.items():
        if dtype.is_float():
            out[c] = st.column_config.NumberColumn(c, format="%,.2f")
        elif dtype.is_integer():
            out[c] = st.column_config.NumberColumn(c, format="%d" if c in PLAIN_INTEGERS else "%,d")
    return out


# The download buttons under every table: extension → (label, MIME type).
EXPORT_FORMATS = {
    "xlsx": ("导出 XLSX", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    "csv": ("导出 CSV", "text/csv"),
    "parquet": ("导出 Parquet", "application/vnd.apache.parquet"),
}


def show_table(
    df: pl.DataFrame, key: str, name: str, static: bool = False, title: str | None = None
) -> pl.DataFrame:
    """Render a table with Chinese headers, 万元 with thousands separators and
    two decimals, integers for counts; XLSX / CSV downloads of exactly what is
    shown, built only when clicked (``title``: the export's title row)."""
    shown = display(df)
    if static:
        static_table(shown)
    else:
        # column formats, not a Styler: a Styler costs ~0.25 ms per cell to marshal
        st.dataframe(shown, hide_index=True, column_config=_column_formats(shown), width="stretch",
                     placeholder="—")  # fmt: skip
    # One "导出" menu per table; the files are built only when a button is clicked.
    builders = {
        "xlsx": lambda: export.to_xlsx_bytes(shown, name, title),
        "csv": lambda: export.to_csv_bytes(shown),
        "parquet": lambda: export.to_parquet_bytes(shown),
    }
    with st.popover("导出", width="content"):
        for ext, (text, mime) in EXPORT_FORMATS.items():
            st.download_button(text, builders[ext], file_name=f"{name}.{ext}", mime=mime, key=f"{key}-{ext}",
                               on_click="ignore")  # fmt: skip
    return shown


def require_warehouse() -> bool:
    """Show a notice and return False when there is no usable warehouse."""
    try:
        present = queries.tables()
    except queries.WarehouseMissing as exc:
        st.warning(str(exc))
        return False
    if "fct_unit_year_summary" not in present:
        st.warning("数据仓库尚未完成构建（缺少 fct_unit_year_summary），请先运行 juesuan refresh。")
        return False
    if not queries.years():
        st.info("数据仓库中还没有已入库的决算文档。")
        return False
    return True


def year_select(key: str = "year", container=None) -> int:
    """The year, from ``?year=`` when given, else the latest."""
    return url_selectbox("年度", queries.years(), "year", key, container, format_func=lambda y: f"{y} 年")
