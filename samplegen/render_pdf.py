"""PDF renderer (reportlab, CID font STSong-Light: no font file needed, not
embedded, as many real disclosures reference 宋体 without embedding it; the same
bytes on every machine). Pages look like a published 决算公开: cover, contents, 概况,
one table per page (continuing onto the next page without repeating the
header, as real ones do), ruled grid or three-line table, long names wrapped
inside their cell, page numbers, narrative pages and attachment tables."""

from __future__ import annotations

import io
import random

from reportlab.lib.pagesizes import A4, landscape
from reportlab.pdfgen import canvas

from samplegen.doc_model import Cover, DocModel, Heading, PageBreak, Paragraph, TableBlock, header_grid
from samplegen.layout import Layout
from samplegen.pdf_page import (
    FONT,
    FONT_INFO,
    MARGIN_BOTTOM,
    MARGIN_X,
    PAD,
    WRAP_TABLES,
    Page,
    draw_text,
    fast_reportlab,
    width,
    wrap,
)


class PdfRenderer:
    format = "pdf"
    extension = ".pdf"
    font_info = FONT_INFO

    def render(self, doc: DocModel, layout: Layout | None = None) -> bytes:
        with fast_reportlab():
            return self._render(doc, layout or doc.layout)

    def _render(self, doc: DocModel, L: Layout) -> bytes:
        self._fits: dict[int, tuple] = {}
        rng = random.Random(f"pdf/{doc.seed}")
        buf = io.BytesIO()
        c = canvas.Canvas(buf, pagesize=A4, invariant=1, pageCompression=1)
        c.setTitle(doc.title)
        c.setAuthor(doc.unit_name)
        pg = Page(c, rng.randrange(2))
        pending_break = False
        for blk in doc.blocks:
            if isinstance(blk, PageBreak):
                pending_break = True
                continue
            if isinstance(blk, Cover):
                pg.new(A4, numbered=False)
                self._cover(pg, blk)
                pending_break = False
                continue
            if pending_break or not pg.started:
                size = self._fit(blk, L)[2] if isinstance(blk, TableBlock) else A4
                pg.new(size)
                pending_break = False
            if isinstance(blk, Heading):
                self._heading(pg, blk)
            elif isinstance(blk, Paragraph):
                self._paragraph(pg, blk.text)
            elif isinstance(blk, TableBlock):
                self._table(pg, blk, L)
        if pg.started:
            pg.finish()
        c.save()
        return buf.getvalue()

    # ----- text blocks -----
    def _cover(self, pg: Page, blk: Cover) -> None:
        c = pg.c
        size = 24
        lines = wrap(blk.title, pg.w - 2 * MARGIN_X - 40, size)
        y = pg.h * 0.62
        c.setFont(FONT, size)
        for ln in lines:
            c.drawCentredString(pg.w / 2, y, ln)
            y -= size * 1.6
        c.setFont(FONT, 15)
        c.drawCentredString(pg.w / 2, pg.h * 0.3, blk.date)

    def _heading(self, pg: Page, blk: Heading) -> None:
        size = {0: 16, 1: 12.5}.get(blk.level, 11)
        lines = wrap(blk.text, pg.w - 2 * MARGIN_X, size)
        pg.need(len(lines) * size * 1.6 + 8)
        pg.c.setFont(FONT, size)
        pg.y -= 4
        for ln in lines:
            if blk.level == 0:
                pg.c.drawCentredString(pg.w / 2, pg.y - size, ln)
            else:
                pg.c.drawString(MARGIN_X, pg.y - size, ln)
            pg.y -= size * 1.6
        pg.y -= 4

    def _paragraph(self, pg: Page, text: str, size: float = 11) -> None:
        indent = 2 * size
        avail = pg.w - 2 * MARGIN_X
        first = wrap(text, avail - indent, size)
        lines = first[:1]
        if len(first) > 1:
            lines += wrap("".join(first[1:]), avail, size)
        lead = size * 1.7
        for i, ln in enumerate(lines):
            pg.need(lead)
            pg.c.setFont(FONT, size)
            pg.c.drawString(MARGIN_X + (indent if i == 0 else 0), pg.y - size, ln)
            pg.y -= lead
        pg.y -= 2

    # ----- tables -----
    def _widths(self, t: TableBlock, avail: float, size: float, L: Layout) -> list[float] | None:
        n = t.ncols
        nat = [0.0] * n
        for row in t.body:
            for i, txt in enumerate(row):
                if t.col_kinds[i] in ("num", "code", "rowno"):
                    nat[i] = max(nat[i], width(txt, size))
        grid = header_grid(t.header, n) if t.header else []
        for r in grid:
            for i, slot in enumerate(r):
                if slot and slot[0].colspan == 1 and t.col_kinds[i] in ("num", "code", "rowno"):
                    # header words may wrap: a num column needs ~4 characters of header
                    nat[i] = max(nat[i], min(width(slot[0].text, size), 4 * size))
        widths = []
        flex = []
        for i, k in enumerate(t.col_kinds):
            if k in ("name", "text"):
                widths.append(0.0)
                flex.append(i)
            else:
                widths.append(max(nat[i], 2 * size) + 2 * PAD)
        rest = avail - sum(widths)
        if not flex:
            if rest < 0:
                return None
            extra = rest / n
            return [w + extra for w in widths]
        min_name = 5 * size + 2 * PAD
        if rest < min_name * len(flex):
            return None
        each = rest / len(flex)
        if L.wrap_names and t.table_id in WRAP_TABLES:
            each = min(each, 7.5 * size + 2 * PAD)
        for i in flex:
            widths[i] = each
        used = sum(widths)
        if used < avail:  # spread what is left over the number columns
            nums = [i for i, k in enumerate(t.col_kinds) if k == "num"] or flex
            for i in nums:
                widths[i] += (avail - used) / len(nums)
        return widths

    def _fit(self, t: TableBlock, L: Layout) -> tuple[float, list[float], tuple[float, float]]:
        key = id(t)
        if key not in self._fits:
            self._fits[key] = self._fit_uncached(t, L)
        return self._fits[key]

    def _fit_uncached(self, t: TableBlock, L: Layout) -> tuple[float, list[float], tuple[float, float]]:
        """Font size, column widths and page size. Prefer the largest font at
        which names need not wrap (unless the layout wraps them on purpose),
        on a portrait page, then on a landscape one; else the largest font that
        fits at all (names wrap)."""
        names = [i for i, k in enumerate(t.col_kinds) if k == "name"]
        want_unwrapped = bool(names) and not (L.wrap_names and t.table_id in WRAP_TABLES)
        fallback = None
        for page in (A4, landscape(A4)):
            avail = page[0] - 2 * MARGIN_X
            for s in (9.0, 8.5, 8.0, 7.5, 7.0, 6.5, 6.0):
                widths = self._widths(t, avail, s, L)
                if not widths:
                    continue
                if not want_unwrapped:
                    return s, widths, page
                fallback = fallback or (s, widths, page)
                if s < 7.0:
                    break
                longest = {
                    i: max(
                        (
                            width(row[i], s) + (s if (r, i) in t.indent_rows else 0)
                            for r, row in enumerate(t.body)
                        ),
                        default=0.0,
                    )
                    for i in names
                }
                if all(widths[i] - 2 * PAD >= longest[i] for i in names):
                    return s, widths, page
        if fallback:
            return fallback
        page = landscape(A4)
        avail = page[0] - 2 * MARGIN_X
        return 6.0, [avail / t.ncols] * t.ncols, page

    def _table(self, pg: Page, t: TableBlock, L: Layout) -> None:
        c = pg.c
        size, widths, page_size = self._fit(t, L)
        if page_size != pg.size:
            pg.new(page_size)
        x0 = (pg.w - sum(widths)) / 2
        xs = [x0]
        for w in widths:
            xs.append(xs[-1] + w)
        lead = size * 1.3
        # title and meta lines
        pg.need(60)
        c.setFont(FONT, 14)
        for ln in wrap(t.title, pg.w - 2 * MARGIN_X, 14):
            c.drawCentredString(pg.w / 2, pg.y - 14, ln)
            pg.y -= 22
        c.setFont(FONT, 9.5)
        if t.label:
            c.drawRightString(xs[-1], pg.y - 9.5, t.label)
            pg.y -= 15
        if t.unit_line or t.amount_line:
            if t.unit_line:
                c.drawString(xs[0], pg.y - 9.5, t.unit_line)
            if t.amount_line:
                c.drawRightString(xs[-1], pg.y - 9.5, t.amount_line)
            pg.y -= 16
        ruled = L.ruled or t.table_id is None
        c.setLineWidth(0.6)
        # header
        if t.header:
            self._header(pg, t, xs, size, lead, ruled)
        elif ruled:
            c.line(xs[0], pg.y, xs[-1], pg.y)
        # body
        for ri, row in enumerate(t.body):
            cell_lines = []
            for i, txt in enumerate(row):
                if t.col_kinds[i] in ("name", "text"):
                    ind = size if (ri, i) in t.indent_rows else 0
                    cell_lines.append(wrap(txt, widths[i] - 2 * PAD - ind, size))
                else:
                    cell_lines.append([txt])
            h = max(len(x) for x in cell_lines) * lead + 4
            if pg.y - h < MARGIN_BOTTOM:
                if not ruled:
                    c.line(xs[0], pg.y, xs[-1], pg.y)
                pg.new(pg.size)
                if not ruled:
                    c.line(xs[0], pg.y, xs[-1], pg.y)
            y_top = pg.y
            c.setFont(FONT, size)
            for i, lines in enumerate(cell_lines):
                kind = t.col_kinds[i]
                block_h = len(lines) * lead
                ty = y_top - (h - block_h) / 2 - size * 1.0  # vertically centred, as in Word/WPS tables
                for ln in lines:
                    if not ln:
                        ty -= lead
                        continue
                    if kind == "num":
                        x = xs[i + 1] - PAD - width(ln, size)
                    elif kind == "rowno":
                        x = (xs[i] + xs[i + 1] - width(ln, size)) / 2
                    else:
                        x = xs[i] + PAD + (size if (ri, i) in t.indent_rows else 0)
                    draw_text(c, x, ty, ln, size, L.glyph_runs)
                    ty -= lead
            if ruled:
                c.line(xs[0], y_top - h, xs[-1], y_top - h)
                for x in xs:
                    c.line(x, y_top, x, y_top - h)
            pg.y -= h
        if not ruled:
            c.line(xs[0], pg.y, xs[-1], pg.y)
        pg.y -= 6
        for note in t.notes:
            for ln in wrap(note, xs[-1] - xs[0], 9):
                pg.need(14)
                c.setFont(FONT, 9)
                c.drawString(xs[0], pg.y - 9, ln)
                pg.y -= 14

    def _header(
        self, pg: Page, t: TableBlock, xs: list[float], size: float, lead: float, ruled: bool
    ) -> None:
        c = pg.c
        n = t.ncols
        grid = header_grid(t.header, n)
        nrows = len(grid)
        heights = [lead + 4] * nrows
        origins = []
        for r in range(nrows):
            for col in range(n):
                slot = grid[r][col]
                if slot and (slot[1], slot[2]) == (r, col):
                    cell = slot[0]
                    w = xs[min(col + cell.colspan, n)] - xs[col]
                    lines = wrap(cell.text, w - 2 * PAD, size)
                    origins.append((r, col, cell, lines))
                    need = len(lines) * lead + 4
                    if cell.rowspan == 1:
                        heights[r] = max(heights[r], need)
        for r, _col, cell, lines in origins:
            if cell.rowspan > 1:
                need = len(lines) * lead + 4
                have = sum(heights[r : r + cell.rowspan])
                if need > have:
                    heights[r + cell.rowspan - 1] += need - have
        total = sum(heights)
        pg.need(total + 20)
        y0 = pg.y
        ys = [y0]
        for h in heights:
            ys.append(ys[-1] - h)
        c.setFont(FONT, size)
        if not ruled:
            c.line(xs[0], y0, xs[-1], y0)
        for r, col, cell, lines in origins:
            x1, x2 = xs[col], xs[min(col + cell.colspan, n)]
            yt, yb = ys[r], ys[min(r + cell.rowspan, nrows)]
            block_h = len(lines) * lead
            ty = yt - (yt - yb - block_h) / 2 - size
            for ln in lines:
                if ln:
                    c.drawCentredString((x1 + x2) / 2, ty, ln)
                ty -= lead
            if ruled:
                c.rect(x1, yb, x2 - x1, yt - yb, stroke=1, fill=0)
        if not ruled:
            c.line(xs[0], ys[-1], xs[-1], ys[-1])
        pg.y = ys[-1]
