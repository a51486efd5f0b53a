"""Scanned disclosures: page images (a PDF without a usable text layer, or PNG/
JPEG/TIFF files) read by OCR into the same positioned Grid as the text-layer PDF.

The engine is rapidocr-onnxruntime: PP-OCRv4 Chinese detection and recognition
models ship inside its wheel, so nothing is downloaded at run time (rapidocr 3.x
fetches its models from a model hub instead). Recognition gives text lines with
a box and per-character boxes and confidences; `ocr_layout` turns them into
rows and cells. Pages are read one by one against a time budget, so a long scan
is refused with its reason instead of hanging its batch."""

from __future__ import annotations

import io
import os
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import lru_cache, partial
from typing import Any

from ingest.frontends.ocr_image import prepare
from ingest.frontends.ocr_layout import Word, page_rows, page_text
from ingest.frontends.ocr_reread import reread
from ingest.grid import Grid, Row
from ingest.record import ParseError

DPI = 200  # PDF pages are rendered at this resolution for recognition
TEXT_SCORE = 0.3  # the engine drops text lines below this score (its default 0.5 hides them)
SECONDS = float(os.environ.get("JUESUAN_OCR_SECONDS", "") or 240)  # per document, below the pool's 300
MAX_PIXELS = 40_000_000  # one page image larger than this is not decoded (a decompression bomb)

Recogniser = Callable[[Any], list[Word]]
PageCallback = Callable[[int, int], None]

# Called as (pages done, pages in all) after each recognised page; the refresh's
# worker or the CLI may set it to show progress on long scans.
on_page: PageCallback | None = None


@lru_cache(maxsize=1)
def _engine() -> Any:
    from rapidocr_onnxruntime import RapidOCR

    return RapidOCR()


def recognise(image: Any) -> list[Word]:
    """The text lines of one page image (PIL), levelled and despeckled first
    (`ocr_image`), with character boxes; amounts the detector cut apart read
    again whole (`ocr_reread`)."""
    gray = prepare(image, image.info.get("dpi", (DPI, DPI))[0] or DPI)
    return reread(gray, engine_words(gray), read_crops)


def engine_words(gray: Any) -> list[Word]:
    """The engine's detection and recognition of a whole page (grey array)."""
    import numpy as np

    bgr = np.repeat(gray[:, :, None], 3, axis=2)  # the engine takes BGR arrays
    result, _ = _engine()(bgr, use_cls=False, return_word_box=True, text_score=TEXT_SCORE)
    return [Word.from_engine(r) for r in result or []]


def read_crops(gray: Any, boxes: list[tuple[int, int, int, int]]) -> list[Word]:
    """Recognition alone (no detection) of each (left, top, right, bottom) crop as one text line."""
    import numpy as np

    engine = _engine()
    crops = [np.repeat(gray[t:b, lf:r, None], 3, axis=2) for lf, t, r, b in boxes]
    quads = [np.array([[lf, t], [r, t], [r, b], [lf, b]], dtype=np.float32) for lf, t, r, b in boxes]
    texts, _ = engine.text_rec(crops, True)
    lines = engine.cal_rec_boxes(crops, quads, texts)
    return [Word.from_engine([q.tolist(), *line]) for q, line in zip(quads, lines, strict=True)]


@dataclass
class OcrPages:
    rows: list[list[Row]]
    texts: list[str]
    failed: list[int] = field(default_factory=list)  # 1-based pages whose image could not be loaded


def ocr_images(images: list[Callable[[], Any]], first_page: list[int], path: str,
               recognise_page: Recogniser | None = None) -> OcrPages:  # fmt: skip
    """Recognise each page image (a thunk, so only one page is decoded at a time)
    within the time budget; `first_page[i]` is the 1-based page number of image i."""
    rec = recognise_page or recognise
    started = time.monotonic()
    rows: list[list[Row]] = []
    texts: list[str] = []
    failed: list[int] = []
    for i, load in enumerate(images):
        if time.monotonic() - started > SECONDS:
            raise ParseError(
                path,
                f"扫描件文字识别（OCR）超过时间限制（{SECONDS:.0f} 秒，已识别 {i} / {len(images)} 页），"
                "请提供带文字层的 PDF 或分批提交",
            )
        try:
            image = load()
        except Exception:  # a damaged page (pdfium fails to load it again): said, the rest reads
            rows.append([])
            texts.append("")
            failed.append(first_page[i])
            continue
        scale = 72 / (image.info.get("dpi", (DPI, DPI))[0] or DPI)  # pixels → points
        words = rec(image)
        rows.append(page_rows(words, first_page[i], scale))
        texts.append(page_text(rows[-1]))
        if on_page is not None:
            on_page(i + 1, len(images))
    return OcrPages(rows, texts, failed)


def _same(image: Any) -> Any:
    return image


def _render_scan(pdf: Any, index: int) -> Any:
    return render_page(pdf, index, scan_dpi(pdf[index]))


def render_page(pdf: Any, index: int, dpi: int = DPI) -> Any:
    image = pdf[index].render(scale=dpi / 72).to_pil()
    image.info["dpi"] = (dpi, dpi)
    return image


def _frames(data: bytes, path: str) -> list[Any]:
    """The pages of an image file: one per frame (multi-page TIFF)."""
    from PIL import Image, ImageSequence, UnidentifiedImageError

    Image.MAX_IMAGE_PIXELS = MAX_PIXELS
    try:
        image = Image.open(io.BytesIO(data))
        frames = []
        for frame in ImageSequence.Iterator(image):
            page = frame.convert("RGB")
            dpi = frame.info.get("dpi") or (DPI, DPI)
            page.info["dpi"] = (float(dpi[0]) or DPI, float(dpi[1]) or DPI)
            frames.append(page)
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError):
        raise ParseError(path, "图片文件已损坏或格式不正确，无法读取") from None
    return frames


def read_image(data: bytes, path: str, recognise_page: Recogniser | None = None) -> Grid:
    """A PNG/JPEG/TIFF file: each frame a page."""
    frames = _frames(data, path)
    got = ocr_images(
        [partial(_same, f) for f in frames], list(range(1, len(frames) + 1)), path, recognise_page
    )
    if not any(got.rows):
        raise ParseError(path, "图片中未识别到文字，无法读取")
    pages = [n for n in range(1, len(frames) + 1) if n not in got.failed]
    return Grid("scan", got.rows, got.texts, unreadable_pages=got.failed, ocr_pages=pages)


def garbage_text(text: str) -> bool:
    """A text layer that is no use: mostly private-use glyphs, replacement
    characters, or mojibake (GBK bytes shown as Latin-1 letters)."""
    chars = [c for c in text if not c.isspace()]
    if len(chars) < 20:
        return False
    bad = sum(
        1 for c in chars if "\ue000" <= c <= "\uf8ff" or c == "\ufffd" or "\u0080" <= c <= "\u024f" or c < " "
    )
    return bad > 0.3 * len(chars)


def _images(page: Any) -> list[Any]:
    import pypdfium2.raw as pdfium_c

    return list(page.get_objects(filter=[pdfium_c.FPDF_PAGEOBJ_IMAGE], max_depth=2))


def _scanned(page: Any, text: str) -> bool:
    """A page image with (almost) no text layer: at most a stamped line such as a page number."""
    if len("".join(text.split())) >= 20:
        return False
    area = page.get_width() * page.get_height()
    for obj in _images(page):
        left, bottom, right, top = obj.get_bounds()
        if (right - left) * (top - bottom) > 0.3 * area:
            return True
    return False


def scan_dpi(page: Any) -> int:
    """The resolution of a scanned page's largest image (rendering finer adds no
    detail, coarser loses it); DPI when the page holds none."""
    best = 0.0
    for obj in _images(page):
        left, _bottom, right, _top = obj.get_bounds()
        width_px = obj.get_px_size()[0]
        if right - left > 72 and width_px:
            best = max(best, width_px * 72 / (right - left))
    return round(min(max(best, 100), 300)) if best else DPI


def _scanned_page(pdf: Any, index: int, text: str) -> bool:
    try:
        return _scanned(pdf[index], text)
    except Exception:  # the page loaded for its text but not again: OCR will say it failed
        return True


def rescue_pages(
    pdf: Any, pages: list[list[Row]], texts: list[str], path: str, damaged: list[int]
) -> list[int]:
    """Pages of a text-layer PDF whose text is missing (a scanned image) or
    garbage are read again by OCR, in place; their 1-based numbers. Damaged
    pages (1-based, in `damaged`) are not loaded again, and a page that fails to
    render joins them."""
    indexes = [
        i
        for i in range(len(pdf))
        if i + 1 not in damaged and (garbage_text(texts[i]) or _scanned_page(pdf, i, texts[i]))
    ]
    if not indexes:
        return []
    got = ocr_images([partial(_render_scan, pdf, i) for i in indexes], [i + 1 for i in indexes], path)
    for i, rows, text in zip(indexes, got.rows, got.texts, strict=True):
        pages[i], texts[i] = rows, text
    damaged.extend(got.failed)
    return [i + 1 for i in indexes if i + 1 not in got.failed]
