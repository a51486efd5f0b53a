"""The grid every front end produces: pages of rows of cells with positions.

A cell's `x` is its horizontal centre in the front end's own units (PDF points,
tab field index, character column) or None when the source lost positions
(plain text with single spaces, one cell per line). The table reader only
compares x values within one table, so units do not matter.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache

# Only what amounts are made of (labels keep their printed （）and ：; prose keeps ，).
# str.replace per character beats str.translate, which is slow on CJK text.
_FULLWIDTH = [*zip("０１２３４５６７８９．－％\u3000\xa0", "0123456789.-%  ", strict=True)]
_NUMBER = re.compile(r"^[-−]?\d{1,3}(,\d{3})+(\.\d+)?$|^[-−]?\d+(\.\d+)?$")
_DASHES = {"-", "—", "--", "——", "－", "–"}


@dataclass(slots=True)
class Cell:
    text: str
    x: float | None = None
    x0: float | None = None
    x1: float | None = None
    conf: float | None = None  # OCR recognition confidence (0..1); None when read from text


@dataclass(slots=True)
class Row:
    cells: list[Cell]
    page: int
    y: float  # vertical position within the page (line index for text)
    positional: bool = True  # False when x positions are unknown

    @property
    def text(self) -> str:
        return "".join(c.text for c in self.cells)


@dataclass
class Grid:
    format: str
    pages: list[list[Row]]  # pages[i] = rows of page i+1 in reading order
    texts: list[str] = field(default_factory=list)  # plain text per page, for the narrative
    unreadable_pages: list[int] = field(default_factory=list)  # 1-based: damaged, left out
    ocr_pages: list[int] = field(default_factory=list)  # 1-based: read by OCR from page images

    def page_texts(self) -> list[str]:
        if self.texts:
            return self.texts
        return ["\n".join("\t".join(c.text for c in r.cells) for r in rows) for rows in self.pages]


def normalize(text: str) -> str:
    """Full-width digits, separators and U+3000 to ASCII; CR line ends to LF."""
    for wide, narrow in _FULLWIDTH:
        if wide in text:
            text = text.replace(wide, narrow)
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    return text


@lru_cache(maxsize=65536)
def parse_amount(text: str) -> float | None:
    """A printed amount: `1,234.56`, `-` (zero). None if not a number.
    Front ends normalise full-width digits once per file, so no translation here."""
    t = text.strip().replace(" ", "").replace("，", ",")
    if not t:
        return None
    if t in _DASHES:
        return 0.0
    if _NUMBER.match(t):
        return float(t.replace(",", "").replace("−", "-"))
    return None
