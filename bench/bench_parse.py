"""Parse the real samples against bare pypdfium2 text extraction of the same
PDFs, in one run (the machine is shared and noisy: compare within the run).

    uv run python bench/bench_parse.py      # prints a Markdown table
"""

from __future__ import annotations

import statistics
import sys
import time
from pathlib import Path

import pypdfium2 as pdfium

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
REAL = ROOT.parent / "shared" / "samples" / "real"

from ingest.parse import parse_file  # noqa: E402


def best_of(fn, n: int = 7) -> float:
    times = []
    for _ in range(n):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return statistics.median(times)


def bare_text(path: Path) -> None:
    pdf = pdfium.PdfDocument(str(path))
    for i in range(len(pdf)):
        pdf[i].get_textpage().get_text_range()
    pdf.close()


def main() -> None:
    if not REAL.exists():
        sys.exit(f"real samples not found at {REAL}")
    parse_file(next(REAL.iterdir()))  # warm imports
    rows = ["| document | pages | parse (ms) | bare pypdfium2 text (ms) | ratio |", "|---|---|---|---|---|"]
    for path in sorted(REAL.iterdir()):
        t_parse = best_of(lambda p=path: parse_file(p))
        if path.suffix == ".pdf":
            pages = len(pdfium.PdfDocument(str(path)))
            t_bare = best_of(lambda p=path: bare_text(p))
            rows.append(f"| {path.name} | {pages} | {t_parse * 1000:.1f} | {t_bare * 1000:.1f} | {t_parse / t_bare:.1f}× |")
        else:
            rows.append(f"| {path.name} | text | {t_parse * 1000:.1f} | – | – |")
    print("\n".join(rows))


if __name__ == "__main__":
    main()
