"""Excel renderers (xlsxwriter): the 公开 tables as a workbook, one sheet per
table or all on one sheet; merged header cells; amounts as numbers (or as text
where the layout prints thousands separators); the 合计 row of subject tables as
formulas with their cached values; some sheets keep a hidden check column and
row (not published, so not read). `CaijueRenderer` is the finance system's
export: 财决NN sheets, amounts in 元 and extra 其中 columns outside the contract.
A workbook carries no narrative."""

from __future__ import annotations

import datetime as dt
import io
import re

from samplegen.doc_model import DocModel
from samplegen.layout import Layout
from samplegen.render_cells import Para, Table, doc_parts, grid_parts

_FIXED = dt.datetime(2024, 1, 1)
_BAD_SHEET_CHARS = re.compile(r"[\[\]:*?/\\]")


def _number(text: str) -> float | None:
    try:
        return float(text.replace(",", ""))
    except ValueError:
        return None


class _Sheet:
    def __init__(self, ws, fmt):
        self.ws, self.fmt, self.row = ws, fmt, 0

    def para(self, text: str, width: int = 1) -> None:
        if width > 1:
            self.ws.merge_range(self.row, 0, self.row, width - 1, text, self.fmt["text"])
        else:
            self.ws.write_string(self.row, 0, text)
        self.row += 1

    def table(self, t: Table, numbers: bool, formulas: bool, hidden: bool = False) -> None:
        top = self.row
        for r, cells in enumerate(t.header):
            for c, text in enumerate(cells):
                if text:
                    self.ws.write_string(top + r, c, text, self.fmt["head"])
        for r0, c0, r1, c1 in t.merges:
            if (r0, c0) != (r1, c1):
                self.ws.merge_range(top + r0, c0, top + r1, c1, t.header[r0][c0], self.fmt["head"])
        first = top + len(t.header)
        class_rows = [
            first + i
            for i, row in enumerate(t.body)
            if any(k == "code" and re.fullmatch(r"\d{3}", row[c]) for c, k in enumerate(t.kinds))
        ]
        for i, row in enumerate(t.body):
            r = first + i
            is_total = formulas and class_rows and any(x.replace(" ", "") == "合计" for x in row)
            for c, text in enumerate(row):
                kind = t.kinds[c]
                value = _number(text) if text and kind in ("num", "rowno") and numbers else None
                if (r - first, c) in t.indent and text:
                    text = "\u3000\u3000" + text  # Excel exports indent 款/项 names with spaces
                if value is None:
                    if text:
                        self.ws.write_string(r, c, text)
                elif kind == "rowno":
                    self.ws.write_number(r, c, value)
                elif is_total:
                    col = _col(c)
                    refs = ",".join(f"{col}{x + 1}" for x in class_rows)
                    self.ws.write_formula(r, c, f"=SUM({refs})", self.fmt["amount"], value)
                else:
                    self.ws.write_number(r, c, value, self.fmt["amount"])
        self.row = first + len(t.body)
        if hidden and t.table_id:
            self._hidden_checks(t, top, first, numbers)

    def _hidden_checks(self, t: Table, top: int, first: int, numbers: bool) -> None:
        """A hidden check column (row sums) and a hidden check row (column sums),
        as units leave in their workbooks: not published, so never read."""
        sums = []
        for row in t.body:
            vals = [_number(x) for x, k in zip(row, t.kinds, strict=True) if k == "num" and x]
            sums.append(sum(v for v in vals if v is not None))
        col = t.ncols
        self.ws.write_string(top, col, "核对")
        for i, v in enumerate(sums):
            self.ws.write_number(first + i, col, round(v, 2))
        self.ws.set_column(col, col, None, None, {"hidden": True})
        r = self.row
        self.ws.write_string(r, 0, "校验合计")
        for c, k in enumerate(t.kinds):
            if k == "num":
                vals = [_number(row[c]) for row in t.body if row[c]]
                self.ws.write_number(r, c, round(sum(v for v in vals if v is not None), 2))
        self.ws.set_row(r, None, None, {"hidden": True})
        self.row += 1


def _col(c: int) -> str:
    name = ""
    c += 1
    while c:
        c, rem = divmod(c - 1, 26)
        name = chr(65 + rem) + name
    return name


def _sheet_name(name: str, used: set[str]) -> str:
    name = _BAD_SHEET_CHARS.sub("", name)[:31] or "Sheet"
    base, n = name, 2
    while name in used:
        name = f"{base[:28]}({n})"
        n += 1
    used.add(name)
    return name


class XlsxRenderer:
    format = "xlsx"
    extension = ".xlsx"
    prose = False  # a workbook holds the tables only

    def render(self, doc: DocModel, layout: Layout | None = None) -> bytes:
        L = layout or doc.layout
        # page_breaks (a text-only key) picks one sheet per table, so the generator's coverage
        # phase shows both arrangements; a sheet-per-table workbook mixes sheets whose name
        # carries the title (no title row) with titled sheets, and hides check cells on some.
        per_table = L.page_breaks
        formulas = True  # where amounts are numbers: 合计 rows as SUM formulas, as Excel keeps them
        return self.write(
            doc_parts(doc),
            numbers=not L.thousands,
            per_table=per_table,
            formulas=formulas,
            titled_sheets=per_table,
            hidden=per_table,
        )

    def render_grid(self, grid) -> bytes:
        """The real sample's text grid: one sheet, its rows as laid out."""
        return self.write(grid_parts(grid), numbers=True, per_table=False, formulas=False, keep_prose=True)

    def write(
        self,
        parts,
        *,
        numbers,
        per_table,
        formulas,
        keep_prose=False,
        names=None,
        titled_sheets=False,
        hidden=False,
    ) -> bytes:
        import xlsxwriter

        buf = io.BytesIO()
        wb = xlsxwriter.Workbook(buf, {"in_memory": True, "strings_to_numbers": False})
        wb.set_properties({"created": _FIXED})
        fmt = {
            "text": wb.add_format({"align": "center", "bold": True}),
            "head": wb.add_format({"align": "center", "valign": "vcenter", "text_wrap": True, "border": 1}),
            "amount": wb.add_format({"num_format": "#,##0.00"}),
        }
        used: set[str] = set()
        n_tables = 0
        sheet = _Sheet(wb.add_worksheet(_sheet_name("封面" if per_table else "决算公开", used)), fmt)
        pending: list[Para] = []  # title and meta lines go on the sheet of their table
        for part in parts:
            if isinstance(part, Para):
                if part.role == "cover" or keep_prose:
                    sheet.para(part.text)
                elif part.role in ("title", "meta"):
                    pending.append(part)
                elif part.role == "note":
                    sheet.para(part.text)
                    sheet.row += 1
                continue
            if not isinstance(part, Table):
                continue
            n_tables += 1
            titled = titled_sheets and n_tables % 2 == 0
            if per_table:
                name = names(part) if names else _default_name(part, pending, titled)
                sheet = _Sheet(wb.add_worksheet(_sheet_name(name, used)), fmt)
                if titled and not names and part.table_id:
                    pending = pending[1:]  # the sheet name carries the title: no title row
            for p in pending:
                sheet.para(p.text, part.ncols if p.role == "title" else 1)
            pending = []
            sheet.table(part, numbers, formulas, hidden and n_tables % 3 == 1)
            sheet.row += 1
        wb.close()
        return buf.getvalue()


def _default_name(t: Table, pending: list[Para], titled: bool) -> str:
    """公开01表 / 表1 (the title stays in the sheet) or label + title (no title row)."""
    label = next((p.text for p in pending if re.fullmatch(r"(公开\d{2}表|表\d)", p.text)), "")
    if t.table_id is None:
        return "附件"
    if not titled:
        return label or "Sheet"
    title = re.sub(r"^\d{4}年度", "", t.title)
    return f"{label} {title}".strip()


_CAIJUE_EXTRA: dict[str, list[tuple[str, str | None]]] = {
    "02": [("其中：一般公共预算财政拨款", "财政拨款"), ("其中：教育收费", None)],
    "03": [("其中：人员经费", "基本支出"), ("其中：公用经费", "基本支出")],
    "05": [("其中：人员经费", "基本支出"), ("其中：公用经费", "基本支出")],
}


class CaijueRenderer(XlsxRenderer):
    """The 部门决算 system's export: 财决01…09 sheets, 元, extra columns."""

    format = "caijue"

    def adapt_layout(self, layout: Layout) -> Layout:
        return layout.replace(amount_unit="元", label="gk")

    def render(self, doc: DocModel, layout: Layout | None = None) -> bytes:
        parts = doc_parts(doc)
        for part in parts:
            if isinstance(part, Table) and part.table_id in _CAIJUE_EXTRA:
                _add_extra_columns(part, _CAIJUE_EXTRA[part.table_id])
            if isinstance(part, Para) and re.fullmatch(r"公开\d{2}表", part.text):
                part.text = part.text.replace("公开", "财决")

        def names(t: Table) -> str:
            title = re.sub(r"^\d{4}年度", "", t.title)
            return f"Z{t.table_id} {title}(财决{t.table_id}表)" if t.table_id else "附件"

        L = layout or doc.layout
        return self.write(parts, numbers=not L.thousands, per_table=True, formulas=False, names=names)


def _add_extra_columns(t: Table, extra: list[tuple[str, str | None]]) -> None:
    """Append 其中 columns: a share of their parent column (the 财决 export's
    breakdowns), never part of the contract."""
    depth = len(t.header)
    for k, (head, parent) in enumerate(extra):
        src = next(
            (c for row in reversed(t.header) for c, text in enumerate(row) if parent and parent in text), None
        )
        share = 0.7 if k == 0 else 0.3
        for r in range(depth):
            t.header[r].append(head if r == 0 else "")
        if depth > 1:
            t.merges.append((0, t.ncols, depth - 1, t.ncols))
        for row in t.body:
            cell = row[src] if src is not None else ""
            value = _number(cell) if cell else None
            if value is None:
                row.append("")
            elif t.table_id == "02":
                row.append(cell)
            else:
                row.append(f"{value * share:.2f}")
        t.kinds.append("num")
