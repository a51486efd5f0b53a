"""Golden files: the cells of a real document as (table, side, label, code, column, amount)."""

import json
from pathlib import Path

GOLDEN = Path(__file__).parent / "golden"


def cells(result) -> list[list]:
    return sorted(
        [ln.table, ln.side or "", ln.row_label, ln.subject_code or "", ln.column, round(ln.amount, 6)]
        for ln in result.lines
    )


def load(name: str) -> list[list]:
    return json.loads((GOLDEN / f"{name}.json").read_text(encoding="utf-8"))


def save(name: str, rows: list[list]) -> None:
    (GOLDEN / f"{name}.json").write_text(
        "[\n" + ",\n".join(json.dumps(r, ensure_ascii=False) for r in rows) + "\n]\n", encoding="utf-8"
    )
