"""The unit registry seed (``units.csv``): read and validated here, stored in
``raw_unit_seed`` by the refresh."""

from __future__ import annotations

import csv
import hashlib
import io
from pathlib import Path

import pyarrow as pa

from warehouse.rawstore import _insert_rows

SEED_COLUMNS = ("unit_id", "canonical_name", "aliases", "department", "unit_type", "region",
                "staff_count", "expected_years")  # fmt: skip


class SeedError(ValueError):
    pass


def read_seed(path: Path) -> tuple[list[dict], str]:
    raw = Path(path).read_bytes()
    digest = hashlib.sha256(raw).hexdigest()
    text = raw.decode("utf-8-sig")
    reader = csv.DictReader(io.StringIO(text))
    missing = [c for c in ("unit_id", "canonical_name") if c not in (reader.fieldnames or [])]
    if missing:
        raise SeedError(f"单位名录 {path} 缺少列：{'、'.join(missing)}")
    rows, seen = [], set()
    for n, rec in enumerate(reader, start=2):
        uid = (rec.get("unit_id") or "").strip()
        name = (rec.get("canonical_name") or "").strip()
        if not uid or not name:
            raise SeedError(f"单位名录 {path} 第 {n} 行缺少 unit_id 或 canonical_name")
        if uid in seen:
            raise SeedError(f"单位名录 {path} 第 {n} 行：unit_id {uid} 重复")
        seen.add(uid)
        staff = (rec.get("staff_count") or "").strip()
        try:
            staff_n = int(float(staff)) if staff else None
        except ValueError:
            raise SeedError(f"单位名录 {path} 第 {n} 行：staff_count「{staff}」不是数字") from None
        rows.append({
            "unit_id": uid, "canonical_name": name,
            "aliases": (rec.get("aliases") or "").strip() or None,
            "department": (rec.get("department") or "").strip() or None,
            "unit_type": (rec.get("unit_type") or "").strip() or None,
            "region": (rec.get("region") or "").strip() or None,
            "staff_count": staff_n,
            "expected_years": (rec.get("expected_years") or "").strip() or None,
            "seed_row": n,
        })  # fmt: skip
    return rows, digest


_SEED_SCHEMA = pa.schema([
    ("unit_id", pa.string()), ("canonical_name", pa.string()), ("aliases", pa.string()),
    ("department", pa.string()), ("unit_type", pa.string()), ("region", pa.string()),
    ("staff_count", pa.int32()), ("expected_years", pa.string()), ("seed_row", pa.int32()),
    ("seed_path", pa.string()), ("seed_sha256", pa.string()), ("loaded_run_id", pa.string()),
])  # fmt: skip


def replace_seed(con, rows: list[dict], path: Path, digest: str, run_id: str) -> None:
    con.execute("delete from raw_unit_seed")
    extra = {"seed_path": str(path), "seed_sha256": digest, "loaded_run_id": run_id}
    _insert_rows(con, "raw_unit_seed", [{**r, **extra} for r in rows], _SEED_SCHEMA)
