import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SHARED = (ROOT / ".." / "shared").resolve()
REAL = SHARED / "samples" / "real"
TEXT_SAMPLE = REAL / "000_d00643376496db49.txt"
PDF_SAMPLES = sorted(REAL.glob("putuo_2024_*.pdf")) if REAL.exists() else []

os.environ.setdefault("DBT_SEND_ANONYMOUS_USAGE_STATS", "False")
os.environ.setdefault("GX_ANALYTICS_ENABLED", "false")
os.environ.setdefault("STREAMLIT_BROWSER_GATHER_USAGE_STATS", "false")


def need_shared(path: Path = REAL) -> Path:
    if not path.exists():
        pytest.skip(f"real samples not available: {path} is absent (plain clone without ../shared)")
    return path


@pytest.fixture
def text_sample() -> Path:
    return need_shared(TEXT_SAMPLE)
