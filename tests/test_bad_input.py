"""Bad input exits non-zero with one Chinese line naming the file; never a traceback."""

import subprocess
import sys
from pathlib import Path

import pytest
from conftest import ROOT, TEXT_SAMPLE

CLI = [sys.executable, "-c", "from cli import app; app()", "parse"]


def run(path: Path) -> subprocess.CompletedProcess:
    return subprocess.run([*CLI, str(path)], capture_output=True, text=True, cwd=ROOT, timeout=60)


def _encrypted_pdf(path: Path) -> None:
    from reportlab.pdfgen import canvas

    c = canvas.Canvas(str(path), encrypt="secret")
    c.drawString(72, 720, "2023 final accounts")
    c.save()


CASES = {
    "empty.txt": lambda p: p.write_bytes(b""),
    "junk.txt": lambda p: p.write_bytes(bytes(range(256)) * 40),
    "unrelated.txt": lambda p: p.write_text("会议纪要\n今天讨论了办公室搬迁事宜。\n", encoding="utf-8"),
    "budget.txt": lambda p: p.write_text(
        "2024年度某某区教育局部门预算\n一、收支预算总表\n单位：万元\n项目\t预算数\n", encoding="utf-8"
    ),
    "corrupt.pdf": lambda p: p.write_bytes(b"%PDF-1.7\n" + bytes(range(256)) * 20),
    "encrypted.pdf": _encrypted_pdf,
    "missing.txt": lambda p: None,
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_bad_input_one_line_message(tmp_path, name):
    path = tmp_path / name
    CASES[name](path)
    proc = run(path)
    assert proc.returncode == 2, proc.stderr
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1, proc.stderr
    assert str(path) in lines[0]
    assert "Traceback" not in proc.stderr
    assert any("\u4e00" <= ch <= "\u9fff" for ch in lines[0])


def test_budget_document_named_as_such(tmp_path):
    path = tmp_path / "budget.txt"
    CASES["budget.txt"](path)
    assert "预算" in run(path).stderr


def test_good_file_json(tmp_path):
    if not TEXT_SAMPLE.exists():
        pytest.skip("real samples not available (../shared absent)")
    import json

    proc = subprocess.run(
        [*CLI, str(TEXT_SAMPLE), "--json"], capture_output=True, text=True, cwd=ROOT, timeout=60
    )
    assert proc.returncode == 0, proc.stderr
    data = json.loads(proc.stdout)
    assert set(data) == {"document", "lines", "facts", "problems"}
    assert set(data["lines"][0]) == {
        "table",
        "side",
        "row_label",
        "subject_code",
        "column",
        "amount",
        "page",
        "row",
        "placement",
    }
    assert data["document"]["tables"] == [f"0{i}" for i in range(1, 10)]
