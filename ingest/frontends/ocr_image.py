"""A scanned page image made ready for recognition: levelled and despeckled.

A page scanned a little askew gives the engine slanted text lines, whose crops
cut into the line above or below and whose rows drift into each other; noise
specks (dust, a noisy scanner) are read as dots, colons and digits inside
amounts. Both are undone on the image before the engine sees it: the page's
angle is the one at which its ink rows (text lines, table rules) line up
sharpest, and an ink speck of a pixel or two with no other ink around it is
whitened. Decimal points are larger than a speck and sit next to their digits,
so they stay (`tests/test_ocr.py` reads clean scans back exactly)."""

from __future__ import annotations

from typing import Any

MAX_DEGREES = 3.0  # a page more askew than this is a photograph, not a slightly rotated scan
MIN_DEGREES = 0.05  # levelling a page by less moves no pixel of a line's end
WORK_WIDTH = 900  # the angle is estimated on a copy this wide (pixels)


def _ink(gray: Any) -> Any:
    """Ink as 255 on 0 (Otsu's threshold of the page)."""
    import cv2

    _, ink = cv2.threshold(gray, 0, 255, cv2.THRESH_BINARY_INV + cv2.THRESH_OTSU)
    return ink


def _sharpness(ink: Any, degrees: float) -> float:
    """How sharply the ink's rows stand out once the page is turned by `degrees`."""
    import cv2
    import numpy as np

    h, w = ink.shape
    turn = cv2.getRotationMatrix2D((w / 2, h / 2), degrees, 1.0)
    rows = cv2.warpAffine(ink, turn, (w, h), flags=cv2.INTER_NEAREST).sum(axis=1, dtype=np.float64)
    return float(np.square(np.diff(rows)).sum())


def page_angle(gray: Any) -> float:
    """The turn (degrees, counter-clockwise) that levels the page: coarse steps,
    then fine ones around the best."""
    import cv2

    h, w = gray.shape
    factor = min(1.0, WORK_WIDTH / w)
    small = cv2.resize(
        gray, (max(1, round(w * factor)), max(1, round(h * factor))), interpolation=cv2.INTER_AREA
    )
    ink = _ink(small)
    if not ink.any():
        return 0.0
    steps = [i * 0.25 for i in range(-round(MAX_DEGREES / 0.25), round(MAX_DEGREES / 0.25) + 1)]
    best = max(steps, key=lambda d: _sharpness(ink, d))
    fine = [best + i * 0.025 for i in range(-10, 11)]
    best = max(fine, key=lambda d: (_sharpness(ink, d), -abs(d)))
    return best if abs(best) < MAX_DEGREES else 0.0


def level(gray: Any, degrees: float) -> Any:
    import cv2

    h, w = gray.shape
    turn = cv2.getRotationMatrix2D((w / 2, h / 2), degrees, 1.0)
    return cv2.warpAffine(gray, turn, (w, h), flags=cv2.INTER_CUBIC, borderValue=255)


def despeckle(gray: Any, dpi: float) -> Any:
    """Isolated ink specks whitened: components of at most a pixel or two (at
    150 dpi; scaled by the resolution) with no other ink within one pixel."""
    import cv2
    import numpy as np

    ink = _ink(gray)
    n, labels, stats, _ = cv2.connectedComponentsWithStats(ink, connectivity=8)
    largest = max(1, round(2 * (dpi / 150) ** 2))
    small = np.zeros(n, dtype=bool)
    small[1:] = stats[1:, cv2.CC_STAT_AREA] <= largest
    if not small.any():
        return gray
    speck = small[labels]
    other = ((ink > 0) & ~speck).astype(np.uint8)
    near = cv2.dilate(other, np.ones((3, 3), np.uint8)).astype(bool)
    touching = np.unique(labels[speck & near])
    small[touching] = False
    out = gray.copy()
    out[small[labels]] = 255
    return out


def prepare(image: Any, dpi: float) -> Any:
    """The page (PIL) as a levelled, despeckled grey array for the engine."""
    import numpy as np

    gray = np.asarray(image.convert("L"))
    degrees = page_angle(gray)
    if abs(degrees) >= MIN_DEGREES:
        gray = level(gray, degrees)
    return despeckle(gray, dpi)
