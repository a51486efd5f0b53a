"""Excel workbooks (.xlsx, legacy .xls, .ods) read with calamine: one grid page
per visible sheet, cached formula values, merged cells printed once; hidden
rows and columns of an .xlsx are left out (they are not published). A sheet
that names its table only in the sheet name (财决01表, 公开05表, 表一) gets
that title as its first row so the locator finds it."""

from __future__ import annotations

import io
import os
import re
import zipfile
from contextlib import contextmanager

from ingest.frontends.tabular import Block, block_rows, values_block
from ingest.frontends.xls_hidden import xls_hidden_rows_and_columns
from ingest.grid import Cell, Grid, Row
from ingest.record import ParseError
from ingest.tables.catalog import TITLE_PATTERNS
from ingest.verify import TABLE_NAMES

_NUMBERED = re.compile(r"(?:公开|财决|部门决算)?\s*0?([1-9])\s*表|表\s*0?([1-9])(?!\d)|^[A-Z]0?([1-9])(?!\d)")
_CHINESE_NO = {ch: str(i) for i, ch in enumerate("一二三四五六七八九", start=1)}
_TITLE = re.compile(r"决算.{0,4}表")
_MAX_CELLS = 200_000  # all nine tables on one sheet: ~600 rows × 40 columns
_MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_REL = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"


def sheet_table(name: str) -> str | None:
    """The national table number a sheet name stands for, if any."""
    squashed = name.replace(" ", "")
    for table, pattern in TITLE_PATTERNS:
        if pattern.search(squashed):
            return table
    m = _NUMBERED.search(squashed)
    if m:
        return f"0{next(g for g in m.groups() if g)}"
    m = re.search(r"表([一二三四五六七八九])", squashed)
    return f"0{_CHINESE_NO[m.group(1)]}" if m else None


def _values(sheet, hidden: tuple[set[int], set[int]], path: str) -> Block:
    if sheet.height * sheet.width > _MAX_CELLS:  # a stray cell far out, or a damaged dimension
        raise ParseError(
            path,
            f"工作表“{sheet.name}”过大（{sheet.height} 行 × {sheet.width} 列），请删除表格以外的单元格后再提交",
        )
    merges = [(r0, c0, r1, c1) for (r0, c0), (r1, c1) in (sheet.merged_cell_ranges or [])]
    raw = sheet.to_python(skip_empty_area=False)
    rows, cols = hidden
    if rows or cols:  # hidden rows and columns are not part of what the unit published
        raw = [
            [v if c not in cols else "" for c, v in enumerate(row)] if r not in rows else []
            for r, row in enumerate(raw)
        ]
    return values_block(raw, merges)


def hidden_rows_and_columns(data: bytes) -> dict[str, tuple[set[int], set[int]]]:
    """Sheet name → (hidden rows, hidden columns), 0-based, from the .xlsx XML
    (calamine does not report them). Damaged parts yield nothing here; calamine
    reports the damage."""
    from lxml import etree

    try:
        z = zipfile.ZipFile(io.BytesIO(data))
        book = etree.fromstring(z.read("xl/workbook.xml"))
        rels = etree.fromstring(z.read("xl/_rels/workbook.xml.rels"))
    except (zipfile.BadZipFile, KeyError, etree.XMLSyntaxError, OSError, ValueError):
        return {}
    targets = {r.get("Id"): r.get("Target") for r in rels}
    out = {}
    for sheet in book.iter(f"{_MAIN}sheet"):
        target = targets.get(sheet.get(f"{_REL}id"), "")
        part = target.lstrip("/") if target.startswith("/") else f"xl/{target}"
        try:
            xml = z.read(part)
        except Exception:  # a damaged part (zlib, zip errors): calamine reports the damage
            continue
        rows, cols = set(), set()
        if b'hidden="1"' not in xml and b'hidden="true"' not in xml:
            continue  # the common case: a byte search, no parse
        try:
            for _, el in etree.iterparse(io.BytesIO(xml), tag=(f"{_MAIN}row", f"{_MAIN}col")):
                if el.tag == f"{_MAIN}col" and el.get("hidden") in ("1", "true"):
                    cols |= set(range(int(el.get("min")) - 1, int(el.get("max"))))
                elif el.tag == f"{_MAIN}row":
                    if el.get("hidden") in ("1", "true") and el.get("r"):
                        rows.add(int(el.get("r")) - 1)
                    el.clear()
        except (etree.XMLSyntaxError, ValueError):
            continue
        out[sheet.get("name")] = (rows, cols)
    return out


@contextmanager
def _rust_panics_quiet():
    """calamine panics on some damaged files; Rust's panic hook writes the panic
    (and a backtrace under RUST_BACKTRACE) to stderr before pyo3 turns it into
    an exception we report in one line. Silence fd 2 meanwhile."""
    try:
        saved = os.dup(2)
    except OSError:
        yield
        return
    devnull = os.open(os.devnull, os.O_WRONLY)
    try:
        os.dup2(devnull, 2)
        yield
    finally:
        os.dup2(saved, 2)
        os.close(saved)
        os.close(devnull)


def _open(data: bytes, path: str):
    import python_calamine as calamine

    try:
        with _rust_panics_quiet():
            return calamine.CalamineWorkbook.from_filelike(io.BytesIO(data))
    except calamine.PasswordError:
        raise ParseError(path, _PASSWORD) from None
    except BaseException as exc:  # calamine raises several kinds, and panics, on damaged files
        _reraise_interrupt(exc)
        raise ParseError(path, _DAMAGED) from None


_PASSWORD = "Excel 工作簿已设置密码保护，请提供未加密的文件"
_DAMAGED = "Excel 文件已损坏或格式不正确，无法打开"


def _reraise_interrupt(exc: BaseException) -> None:
    """A Rust panic inside calamine arrives as pyo3's PanicException, a
    BaseException: it means a damaged file. Ctrl-C and exit stay what they are."""
    if isinstance(exc, (KeyboardInterrupt, SystemExit, GeneratorExit)):
        raise exc


def read_excel(data: bytes, path: str) -> Grid:
    import python_calamine as calamine

    book = _open(data, path)
    if data.startswith(b"PK"):
        hidden = hidden_rows_and_columns(data)
    elif data.startswith(b"\xd0\xcf\x11\xe0"):
        hidden = xls_hidden_rows_and_columns(data)
    else:
        hidden = {}
    pages: list[list[Row]] = []
    try:
        for meta in book.sheets_metadata:
            if meta.visible != calamine.SheetVisibleEnum.Visible:
                continue  # hidden sheets hold helper copies and lookups, not the published tables
            if meta.typ != calamine.SheetTypeEnum.WorkSheet:
                continue  # chart, dialog and macro sheets hold no table cells
            try:
                with _rust_panics_quiet():
                    sheet = book.get_sheet_by_name(meta.name)
                    block = _values(sheet, hidden.get(meta.name, (set(), set())), path)
            except calamine.PasswordError:
                raise ParseError(path, _PASSWORD) from None
            except ParseError:
                raise
            except BaseException as exc:  # a damaged sheet: say so rather than lose its table
                _reraise_interrupt(exc)
                raise ParseError(path, f"Excel 文件已损坏，工作表“{meta.name}”无法读取") from None
            page_no = len(pages) + 1
            rows = block_rows(block, page_no)
            if not rows:
                continue
            table = sheet_table(meta.name)
            if table and not any(_TITLE.search(r.text.replace(" ", "")) for r in rows[:8]):
                rows.insert(0, Row([Cell(TABLE_NAMES[table], 0.0)], page_no, -1.0))
            pages.append(rows)
    finally:
        book.close()
    if not pages:
        raise ParseError(path, "Excel 工作簿中没有内容（所有工作表均为空）")
    fmt = "xls" if data.startswith(b"\xd0\xcf\x11\xe0") else "ods" if data[30:38] == b"mimetype" else "xlsx"
    return Grid(fmt, pages)
