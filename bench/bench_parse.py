"""Parse the real samples against bare pypdfium2 text extraction of the same
PDFs, in one run (the machine is shared and noisy: compare within the run);
then each cell format (xlsx, xls, html, docx, csv) against its bare library
read of the same files: the real 2023 text sample rendered into the format, and
generated documents of that format.

    uv run python bench/bench_parse.py             # both Markdown tables
    uv run python bench/bench_parse.py --formats   # the formats table only
"""

from __future__ import annotations

import io
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

import pypdfium2 as pdfium

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
REAL = ROOT.parent / "shared" / "samples" / "real"

from ingest.parse import FRONTENDS, detect_format, parse_bytes, parse_file  # noqa: E402


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


def bare_calamine(data: bytes) -> None:
    """Baseline for workbooks: calamine loads the workbook and every sheet's values."""
    import python_calamine

    book = python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(data))
    for name in book.sheet_names:
        book.get_sheet_by_name(name).to_python(skip_empty_area=False)
    book.close()


def bare_lxml_html(data: bytes) -> None:
    import lxml.html

    doc = lxml.html.document_fromstring(data)
    for el in doc.iter("td", "th", "p"):
        el.text_content()


def bare_docx_xml(data: bytes) -> None:
    from lxml import etree

    root = etree.fromstring(zipfile.ZipFile(io.BytesIO(data)).read("word/document.xml"))
    for _ in root.iter("{http://schemas.openxmlformats.org/wordprocessingml/2006/main}t"):
        pass


def bare_csv(data: bytes) -> None:
    import csv

    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = data.decode("gb18030")
    list(csv.reader(io.StringIO(text)))


BARE = {
    "xlsx": (bare_calamine, "calamine load + sheet values"),
    "xls": (bare_calamine, "calamine load + sheet values"),
    "html": (bare_lxml_html, "lxml.html parse + cell/paragraph text"),
    "docx": (bare_docx_xml, "unzip + lxml parse of document.xml"),
    "csv": (bare_csv, "decode + csv.reader"),
}


def _real_in_formats(tmp: Path) -> list[tuple[str, str, list[tuple[str, bytes]]]]:
    """(label, format, [(name, bytes)]): the real text sample rendered into each format."""
    from ingest.frontends.text import read_text
    from samplegen.render_base import get_renderer

    sample = REAL / "000_d00643376496db49.txt"
    if not sample.exists():
        return []
    grid = read_text(sample.read_bytes(), str(sample))
    out = []
    for fmt in ("xlsx", "html", "docx", "csv"):
        out.append(
            (f"real 2023 sample as {fmt}", fmt, [(f"real.{fmt}", get_renderer(fmt).render_grid(grid))])
        )
    soffice = shutil.which("soffice")
    if soffice:  # no maintained Python writer for .xls: LibreOffice converts the workbook
        (tmp / "real.xlsx").write_bytes(out[0][2][0][1])
        subprocess.run([soffice, "--headless", "--convert-to", "xls", "--outdir", str(tmp), str(tmp / "real.xlsx")],
                       capture_output=True, timeout=120, env={"HOME": str(tmp), "PATH": "/usr/bin:/bin"})  # fmt: skip
        if (tmp / "real.xls").exists():
            out.append(
                (
                    "real 2023 sample as xls (LibreOffice)",
                    "xls",
                    [("real.xls", (tmp / "real.xls").read_bytes())],
                )
            )
    return out


def formats_table(n_docs: int = 12) -> list[str]:
    from samplegen.generate import generate

    rows = [
        "| documents | files | front end (ms CPU) | whole parse (ms CPU) | bare library read (ms CPU) "
        "| front end / bare | parse / bare |",
        "|---|---|---|---|---|---|---|",
    ]
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        sets = _real_in_formats(tmp)
        for fmt in ("xlsx", "caijue", "html", "docx", "csv"):
            m = generate(tmp / fmt, units=n_docs, years="2024", formats=fmt, seed=7)
            docs = [(d["file"], (tmp / fmt / d["file"]).read_bytes()) for d in m["documents"]]
            sets.append((f"generated {fmt}", "xlsx" if fmt == "caijue" else fmt, docs))
        sets.append(("xls fixture (财决 export)", "xls", [("caijue_2024.xls", FIXTURE_XLS.read_bytes())]))
        for label, fmt, docs in sets:
            bare, what = BARE[fmt]
            parse_bytes(docs[0][1], docs[0][0])  # warm imports
            front = FRONTENDS[detect_format(docs[0][1], docs[0][0])]
            t_front = statistics.median(best_of(lambda d=d, f=front: f(d[1], d[0]), 5) for d in docs)
            t_parse = statistics.median(best_of(lambda d=d: parse_bytes(d[1], d[0]), 5) for d in docs)
            t_bare = statistics.median(best_of(lambda d=d, f=bare: f(d[1]), 5) for d in docs)
            rows.append(
                f"| {label} | {len(docs)} | {t_front * 1000:.1f} | {t_parse * 1000:.1f} | {t_bare * 1000:.1f} ({what}) "
                f"| {t_front / t_bare:.1f}× | {t_parse / t_bare:.1f}× |"
            )
    return rows


FIXTURE_XLS = ROOT / "tests" / "fixtures" / "formats" / "caijue_2024.xls"


def main() -> None:
    if "--formats" in sys.argv:
        print("\n".join(formats_table()))
        return
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
    print()
    print("\n".join(formats_table()))


if __name__ == "__main__":
    main()
