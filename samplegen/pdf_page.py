"""What the PDF renderer draws with: the CJK font (fixed, so the bytes do not
depend on the machine), reportlab made fast while rendering, text width and
wrapping, and the page cursor (`Page`: size, y position, page numbers)."""

from __future__ import annotations

import os
import re
from contextlib import contextmanager
from functools import lru_cache

from reportlab import rl_config
from reportlab.lib.pagesizes import A4
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen import canvas


def _register_font() -> tuple[str, str]:
    """(reportlab font name, description for the manifest). The output must not
    depend on the fonts a machine happens to have: the standard CID font unless
    JUESUAN_CJK_FONT names a TrueType file to embed."""
    chosen = os.environ.get("JUESUAN_CJK_FONT", "")
    if chosen and chosen != "none":
        if not os.path.exists(chosen):
            raise FileNotFoundError(f"JUESUAN_CJK_FONT: no such font file {chosen}")
        pdfmetrics.registerFont(TTFont("CJK", chosen, subfontIndex=0))
        return "CJK", f"embedded:{os.path.basename(chosen)}"
    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    return "STSong-Light", "cid:STSong-Light"


FONT, FONT_INFO = _register_font()


def _fp_str(*a) -> str:
    """reportlab's number formatter, fast: without its C accelerator (the optional
    rl_accel package) the pure-Python one takes a third of the rendering time."""
    values = a[0] if len(a) == 1 and isinstance(a[0], (list, tuple)) else a
    out = []
    for x in values:
        if -1e-7 < x < 1e-7:
            out.append("0")
        else:
            out.append(f"{x:.3f}".rstrip("0").rstrip("."))
    return " ".join(out)


@contextmanager
def fast_reportlab():
    """Scoped tweaks while we render: fast number formatting, and binary
    (Flate only) streams instead of ASCII85 (costs time and bytes, gains nothing)."""
    import reportlab.pdfgen.canvas as m_canvas
    import reportlab.pdfgen.pathobject as m_path
    import reportlab.pdfgen.textobject as m_text

    mods = (m_canvas, m_path, m_text)
    saved = [m.fp_str for m in mods]
    saved_a85 = rl_config.useA85
    for m in mods:
        m.fp_str = _fp_str
    rl_config.useA85 = 0
    try:
        yield
    finally:
        for m, f in zip(mods, saved, strict=True):
            m.fp_str = f
        rl_config.useA85 = saved_a85


MARGIN_X = 48
MARGIN_TOP = 56
MARGIN_BOTTOM = 56
PAD = 3.0
WRAP_TABLES = ("02", "03", "05", "06", "07", "08")  # name columns a `wrap_names` layout narrows
NO_LINE_START = set("，。；：、）”%！？")
_TOKEN = re.compile(r"[0-9A-Za-z.,%\-]+|.", re.S)


@lru_cache(maxsize=65536)
def _w1(text: str) -> float:
    return pdfmetrics.stringWidth(text, FONT, 1.0)


def width(text: str, size: float) -> float:
    return _w1(text) * size


def wrap(text: str, avail: float, size: float) -> list[str]:
    """Greedy wrap; numbers stay whole, punctuation never starts a line."""
    if not text:
        return [""]
    lines: list[str] = []
    cur, cw = "", 0.0
    for tok in _TOKEN.findall(text):
        w = width(tok, size)
        if cur and cw + w > avail and tok not in NO_LINE_START:
            lines.append(cur)
            cur, cw = "", 0.0
            if tok == " ":
                continue
        cur += tok
        cw += w
    if cur:
        lines.append(cur)
    return lines


def draw_text(c: canvas.Canvas, x: float, y: float, text: str, size: float, glyph_runs: bool) -> None:
    """A cell's text, as one run or (WPS re-typesetting) one run per glyph."""
    if not glyph_runs:
        c.drawString(x, y, text)
        return
    for ch in text:
        c.drawString(x, y, ch)
        x += width(ch, size)


class Page:
    def __init__(self, c: canvas.Canvas, number_style: int):
        self.c = c
        self.n = 0
        self.size = A4
        self.number_style = number_style
        self.y = 0.0
        self.started = False
        self.numbered = False

    @property
    def w(self) -> float:
        return self.size[0]

    @property
    def h(self) -> float:
        return self.size[1]

    def new(self, size=A4, numbered: bool = True) -> None:
        if self.started:
            self.finish()
        self.size = size
        self.c.setPageSize(size)
        self.n += 1
        self.started = True
        self.numbered = numbered
        self.y = self.h - MARGIN_TOP

    def finish(self) -> None:
        if self.numbered:
            self.c.setFont(FONT, 9)
            txt = f"- {self.n} -" if self.number_style == 0 else f"第 {self.n} 页"
            self.c.drawCentredString(self.w / 2, 28, txt)
        self.c.showPage()
        self.started = False

    def need(self, h: float) -> None:
        if not self.started or self.y - h < MARGIN_BOTTOM:
            self.new(self.size)
