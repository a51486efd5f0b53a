"""The truth-free check on every real document under ../shared/samples/: tables
found, tables with numbers, tables that balance under their own identities,
cells read, errors, and CPU seconds against bare text extraction of the same
file (pypdfium2 for PDFs, decode + split for text) in the same run.

    uv run python bench/bench_real.py            # prints a Markdown table
    uv run python bench/bench_real.py DIR ...    # other folders of real documents
"""

from __future__ import annotations

import contextlib
import sys
from pathlib import Path

import pypdfium2 as pdfium

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
SAMPLES = ROOT.parent / "shared" / "samples"

from bench_parse import best_of  # noqa: E402  (bench/ is on the path when run as a script)

from ingest.parse import parse_file  # noqa: E402
from ingest.record import ParseError  # noqa: E402


def cpu(fn) -> float:
    return best_of(fn, 5)


def bare(path: Path) -> None:
    if path.suffix.lower() == ".pdf":
        pdf = pdfium.PdfDocument(str(path))
        for page in pdf:
            page.get_textpage().get_text_range()
        pdf.close()
    else:
        path.read_bytes().decode("utf-8", errors="replace").split("\n")


def row(path: Path) -> str:
    name = f"{path.parent.name}/{path.name}"
    try:
        result = parse_file(path)
    except ParseError as exc:
        return f"| {name} | refused: {exc.reason} | | | | | {cpu(lambda: _refuse(path)) * 1000:.1f} | |"
    balanced, with_numbers = result.balance()
    errors = sum(p.severity == "error" for p in result.problems)
    warnings = len(result.problems) - errors
    t, b = cpu(lambda: parse_file(path)), cpu(lambda: bare(path))
    return (
        f"| {name} | {len(result.document.tables)} | {with_numbers} | {balanced} of {with_numbers} | "
        f"{len(result.lines)} | {errors} / {warnings} | {t * 1000:.1f} | {b * 1000:.1f} |"
    )


def _refuse(path: Path) -> None:
    with contextlib.suppress(ParseError):
        parse_file(path)


def main() -> None:
    folders = [Path(a) for a in sys.argv[1:]] or [SAMPLES / "real", SAMPLES / "negative"]
    files = sorted(f for d in folders if d.is_dir() for f in d.iterdir() if f.is_file())
    if not files:
        sys.exit(f"no documents under {', '.join(map(str, folders))}")
    print(
        "| document | tables found | with numbers | balance | cells | errors / warnings | parse ms CPU | bare text ms CPU |"
    )
    print("|---|---|---|---|---|---|---|---|")
    for f in files:
        print(row(f))


if __name__ == "__main__":
    main()
