"""Text-layer PDF: pdfium characters with their font-metric (loose) boxes become
positioned cells, grouped into rows by baseline.

Loose boxes come from the advance widths and ascent/descent the PDF itself
carries, so they exist when a font is not embedded and the machine has no
substitute for it (glyph boxes and text rects are then empty). Characters are
joined into cells by geometry, not by the producer's text runs: some producers
emit one run per glyph, which would split `2,940.05` into `2,` and `940.05`."""

from __future__ import annotations

import contextlib
import ctypes
import re

from ingest.grid import Cell, Grid, Row, normalize, parse_amount
from ingest.record import ParseError

# A gap wider than this share of the glyph height starts a new cell. Measured on
# the real tables: inside a number or a Chinese word ≤ 0.1 (full-width glyphs
# touch), between words of prose ≤ 0.6, between cells ≥ 1.0. Where a number meets
# a word, or Chinese meets Chinese, a smaller gap already separates two cells.
CELL_GAP = 0.75
HAN_GAP = 0.45
KIND_GAP = 0.3
_NUMERIC = frozenset("0123456789０１２３４５６７８９.,．，-−%")
_SPACES = frozenset(" \t\r\n\u3000\xa0")

# Bare amounts (not followed by 万元/%/元): tables print them, prose does not.
_TABLE_TITLE = re.compile(r"决算(明细)?表")
_BARE_AMOUNT = re.compile(r"\d\.\d{2}(?!\d|\s*(?:万|%|元|亿))")


def _needs_positions(text: str, after_table: bool) -> bool:
    """A page needs positions when it holds table rows: many bare amounts, a few
    after a table page (its last rows spilled over), or any under a table title."""
    # Without the page's CJK font pdfium breaks the text at every glyph run
    # ("742." / "34"): amounts are counted in the text with its breaks removed too.
    joined = re.sub(r"(\d\.)\s+(?=\d)", r"\1", text)
    bare = max(len(_BARE_AMOUNT.findall(text)), len(_BARE_AMOUNT.findall(joined)))
    titled = bare and _TABLE_TITLE.search(re.sub(r"\s+", "", text))
    return bare >= 4 or bool(after_table and bare) or bool(titled)


def _chars(textpage, text: str, height: float) -> list[tuple[float, float, float, float, str]] | None:
    """(baseline from the top, glyph height, left, right, char) of each printed
    character; None when pdfium has no glyphs for the page's CJK font (not
    embedded, no substitute on this machine): it then drops lone characters."""
    import pypdfium2.raw as pdfium_c

    handle = textpage.raw
    n = pdfium_c.FPDFText_CountChars(handle)
    direct = len(text) == n  # one UTF-16 unit per char; otherwise ask per char
    box = pdfium_c.FS_RECTF()
    ox, oy = ctypes.c_double(), ctypes.c_double()
    if _glyphless(handle, text if direct else "", n):
        return None
    loose, origin, generated = (
        pdfium_c.FPDFText_GetLooseCharBox,
        pdfium_c.FPDFText_GetCharOrigin,
        pdfium_c.FPDFText_IsGenerated,
    )
    out = []
    for i in range(n):
        ch = text[i] if direct else _unicode(pdfium_c.FPDFText_GetUnicode(handle, i))
        if ch in "\r\n" or (ch == " " and generated(handle, i) == 1):
            continue  # line ends and spaces pdfium inferred: geometry decides instead
        loose(handle, i, box)
        origin(handle, i, ox, oy)
        h = box.top - box.bottom
        if h < 0.5:  # a font without ascent/descent metrics
            h = pdfium_c.FPDFText_GetFontSize(handle, i) or 10.0
        out.append((height - oy.value, h, box.left, box.right, ch))
    return out


def _unicode(code: int) -> str:
    """A character from its code; a lone surrogate (damaged text layer) becomes U+FFFD."""
    if not code:
        return " "
    return "\ufffd" if 0xD800 <= code <= 0xDFFF else chr(code)


def _glyphless(handle, text: str, n: int) -> bool:
    """Do the page's CJK characters have empty glyph boxes? (sampled)"""
    import pypdfium2.raw as pdfium_c

    left, right, bottom, top = (ctypes.c_double() for _ in range(4))
    seen = empty = 0
    for i in range(n):
        if seen >= 12:
            break
        ch = text[i] if text else _unicode(pdfium_c.FPDFText_GetUnicode(handle, i))
        if not "\u4e00" <= ch <= "\u9fff":
            continue
        seen += 1
        pdfium_c.FPDFText_GetCharBox(handle, i, left, right, bottom, top)
        empty += top.value - bottom.value < 0.05
    return seen > 0 and empty == seen


def _chars_pdfminer(plumber_page) -> list[tuple[float, float, float, float, str]]:
    """The same characters from pdfminer, which decodes CID fonts by their own
    metrics: slower (≈0.1 s a page), so only for pages pdfium cannot box."""
    height = plumber_page.height
    out = []
    for c in plumber_page.chars:
        h = (c["bottom"] - c["top"]) or c["size"] or 10.0
        text = c["text"].encode("utf-16", "surrogatepass").decode("utf-16", "replace")
        out.append((height - c["matrix"][5], h, c["x0"], c["x1"], text))
    return out


def _lines(chars: list) -> list[tuple[float, list]]:
    """Characters grouped by baseline (a running mean absorbs small jitter)."""
    lines: list[list] = []  # [baseline, count, chars]
    for c in sorted(chars, key=lambda c: c[0]):
        tol = max(2.5, min(c[1], 12) * 0.35)
        if lines and abs(lines[-1][0] - c[0]) <= tol:
            line = lines[-1]
            line[0] = (line[0] * line[1] + c[0]) / (line[1] + 1)
            line[1] += 1
            line[2].append(c)
        else:
            lines.append([c[0], 1, [c]])
    return [(ln[0], ln[2]) for ln in lines]


def _cells(line_chars: list) -> list[Cell]:
    """Cells of one line: characters left to right, split at spaces and at gaps."""
    tokens: list[list] = []  # [text, left, right, height]
    cur: list | None = None
    for _y, h, left, right, ch in sorted(line_chars, key=lambda c: c[2]):
        if ch in _SPACES:
            cur = None
            continue
        if cur is not None:
            gap = (left - cur[2]) / max(h, cur[3])
            # the smallest limit first: most characters touch the one before
            if gap <= KIND_GAP or gap <= (
                KIND_GAP if _boundary(cur[0], ch) else HAN_GAP if _han(cur[0][-1]) and _han(ch) else CELL_GAP
            ):
                cur[0] += ch
                cur[2] = max(cur[2], right)
                cur[3] = max(cur[3], h)
                continue
        if cur is None and tokens and _split_number(tokens[-1], left, ch):
            cur = tokens[-1]  # "0." + "00": a number split after its decimal point
            cur[0] += ch
            cur[2] = right
            continue
        cur = [ch, left, right, h]
        tokens.append(cur)
    cells = []
    for text, left, right, _h in tokens:
        text = normalize(text)
        cells.append(Cell(text, (left + right) / 2, left, right))
    return cells


_COMPLETE_AMOUNT = re.compile(r"\d\.\d\d$")


def _boundary(token: str, ch: str) -> bool:
    """Where a small gap already separates cells: a number meets a word, or a
    digit follows an amount that is complete (two decimals)."""
    if (ch in _NUMERIC) != (token[-1] in _NUMERIC) or token in ("-", "−"):
        return True  # a dash alone is a zero cell, not a minus sign
    return ch in _NUMERIC and _COMPLETE_AMOUNT.search(token) is not None


def _han(ch: str) -> bool:
    return "\u4e00" <= ch <= "\u9fff" or "\u3000" <= ch <= "\u303f" or "\uff00" <= ch <= "\uffef"


def _split_number(prev: list, left: float, ch: str) -> bool:
    return (
        ch.isdigit()
        and prev[0].endswith(".")
        and 0 <= left - prev[2] <= 0.8 * prev[3]
        and parse_amount(prev[0] + "0") is not None
    )


def _rows_of_page(page, page_no: int, texts: list[str], after_table: bool, fallback) -> list[Row]:
    import pypdfium2 as pdfium

    textpage = page.get_textpage()
    # A damaged text layer can hold lone surrogates: made '?' here (same length, so
    # character indexes still match) rather than failing later when the text is stored.
    raw_text = textpage.get_text_range().encode("utf-16", "surrogatepass").decode("utf-16", "replace")
    text = normalize(raw_text)
    texts.append(text)
    if not _needs_positions(text, after_table):
        # Prose page: positions are not needed (they cost most of the PDF time);
        # its lines still let the locator see titles, notes and part headings.
        return [
            Row([Cell(t) for t in line.split()], page_no, float(i), positional=False)
            for i, line in enumerate(text.split("\n"))
            if line.strip()
        ]
    chars = _chars(textpage, raw_text, page.get_height())
    if chars is None:
        try:
            chars = _chars_pdfminer(fallback(page_no - 1))
        except Exception as exc:  # pdfminer's own errors on a damaged page: said as that page
            raise pdfium.PdfiumError(f"page {page_no}: {exc}") from exc
    rows = []
    for y, line_chars in _lines(chars):
        cells = _cells(line_chars)
        if cells:
            rows.append(Row(cells, page_no, y, positional=True))
    return rows


def read_pdf(data: bytes, path: str) -> Grid:
    import pypdfium2 as pdfium

    try:
        pdf = pdfium.PdfDocument(data)
    except pdfium.PdfiumError as exc:
        reason = str(exc)
        if "password" in reason.lower():
            raise ParseError(path, "PDF 已加密，需要密码才能打开") from None
        raise ParseError(path, "PDF 文件已损坏或格式不正确，无法打开") from None
    plumber = None

    def fallback(index: int):
        nonlocal plumber
        if plumber is None:
            import io

            import pdfplumber

            plumber = pdfplumber.open(io.BytesIO(data))
        return plumber.pages[index]

    damaged: list[int] = []
    try:
        texts: list[str] = []
        pages: list[list[Row]] = []
        for i in range(len(pdf)):
            after_table = bool(pages and pages[-1] and pages[-1][0].positional)
            try:
                pages.append(_rows_of_page(pdf[i], i + 1, texts, after_table, fallback))
            except pdfium.PdfiumError:  # one damaged page: the rest still reads, and it is said
                del texts[i:]
                texts.append("")
                pages.append([])
                damaged.append(i + 1)
        from ingest.frontends import ocr  # here: ocr's layout reuses this module's cell rules

        scanned = ocr.rescue_pages(pdf, pages, texts, path, damaged)  # no text layer, or garbage
    finally:
        pdf.close()
        if plumber is not None:
            with contextlib.suppress(Exception):  # pdfminer may fail closing a damaged file
                plumber.close()
    if not any(pages):
        raise ParseError(path, "PDF 没有文字层，也未识别到文字（可能是空白页或图片无法识别），无法读取")
    fmt = "scan" if scanned and all(not p or i + 1 in scanned for i, p in enumerate(pages)) else "pdf"
    return Grid(fmt, pages, texts, unreadable_pages=damaged, ocr_pages=scanned)
