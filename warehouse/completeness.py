"""Is a parsed document whole? A document that lacks tables its own contents
promise is not loaded as the complete disclosure (it is quarantined with the
missing tables named), so a truncated file never replaces a complete version.

What counts as a promise, from what the parse record exposes:

* ``document.tables_promised`` — the tables the document's own table of
  contents lists, when the reader exposes them;
* the narrative (第三部分 情况说明) states figures that only one table carries:
  三公经费 (table 09), 人员经费/公用经费 (table 06);
* no narrative at all while standard tables are missing: the 情况说明 follows
  the tables, so the file ends inside the tables (a truncated upload)."""

from __future__ import annotations

ALL_TABLES = ("01", "02", "03", "04", "05", "06", "07", "08", "09")

# narrative fact kinds (prefixes) -> the table that carries the same figures
NARRATIVE_PROMISES = (
    ("sangong_actual_", "09"),
    ("personnel_expenditure", "06"),
    ("public_expenditure", "06"),
)


def promised_tables(data: dict) -> tuple[set[str], str]:
    """(tables the document promises, why) from a contract dict."""
    doc = data.get("document") or {}
    promised = {str(t) for t in (doc.get("tables_promised") or [])}
    why = "目录列出" if promised else ""
    kinds = [str(f.get("kind") or "") for f in data.get("facts") or [] if isinstance(f, dict)]
    for prefix, table in NARRATIVE_PROMISES:
        if any(k.startswith(prefix) for k in kinds) and table not in promised:
            promised.add(table)
            why = why or "情况说明提到"
    present = {str(t) for t in doc.get("tables") or []}
    if not kinds and present and present != set(ALL_TABLES):
        promised |= set(ALL_TABLES)
        why = "文件在决算表中途结束（没有情况说明部分）"
    return promised, why


def missing_tables(data: dict) -> tuple[list[str], str] | None:
    """(missing tables, why) when the document lacks tables it promises, else None."""
    promised, why = promised_tables(data)
    present = {str(t) for t in (data.get("document") or {}).get("tables") or []}
    missing = sorted(promised - present)
    return (missing, why) if missing else None


def reason(missing: tuple[list[str], str]) -> str:
    tables, why = missing
    names = "、".join(f"公开{t}表" for t in tables)
    return f"文件不完整：缺少{names}（{why}），未作为完整的决算公开入库，请核对或重新上传完整文件"
