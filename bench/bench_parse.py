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


def best_of(fn, n: int = 9) -> float:
    """Median CPU time of n runs: CPU time, not wall time, because the machine is shared."""
    times = []
    for _ in range(n):
        t = time.process_time()
        fn()
        times.append(time.process_time() - t)
    return statistics.median(times)


def bare_split(path: Path) -> None:
    """Baseline for text: decode and split into lines and cells, nothing else."""
    for line in path.read_bytes().decode("utf-8").split("\n"):
        line.split("\t")


def bare_text(path: Path) -> None:
    pdf = pdfium.PdfDocument(str(path))
    for i in range(len(pdf)):
        pdf[i].get_textpage().get_text_range()
    pdf.close()


def main() -> None:
    if not REAL.exists():
        sys.exit(f"real samples not found at {REAL}")
    parse_file(next(REAL.iterdir()))  # warm imports
    rows = ["| document | pages | parse (ms CPU) | baseline (ms CPU) | ratio |", "|---|---|---|---|---|"]
    for path in sorted(REAL.iterdir()):
        t_parse = best_of(lambda p=path: parse_file(p))
        if path.suffix == ".pdf":
            pages = len(pdfium.PdfDocument(str(path)))
            t_bare = best_of(lambda p=path: bare_text(p))
            rows.append(
                f"| {path.name} | {pages} | {t_parse * 1000:.1f} | {t_bare * 1000:.1f} (bare pypdfium2 text) "
                f"| {t_parse / t_bare:.1f}× |"
            )
        else:
            t_bare = best_of(lambda p=path: bare_split(p))
            rows.append(
                f"| {path.name} | text | {t_parse * 1000:.1f} | {t_bare * 1000:.2f} (split only) | {t_parse / t_bare:.0f}× |"
            )
    print("\n".join(rows))


if __name__ == "__main__":
    main()
