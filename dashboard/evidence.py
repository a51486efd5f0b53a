"""What a reviewer needs to check a finding against its source: the rule's
Chinese description, the source file, the PDF page as an image (pypdfium2),
or the lines around the cell or sentence in a text document."""

from __future__ import annotations

from pathlib import Path

import streamlit as st
import yaml

RULES_FILE = Path(__file__).resolve().parents[1] / "expectations" / "rules.yml"
SEVERITY = {"error": "错误", "warning": "警告", "info": "提示"}
SEVERITY_ORDER = ("错误", "警告", "提示")
TEXT_CONTEXT = 6  # lines either side
MAX_TEXT_BYTES = 20_000_000


@st.cache_resource(show_spinner=False)
def rule_descriptions() -> dict[str, str]:
    try:
        rules = yaml.safe_load(RULES_FILE.read_text(encoding="utf-8")) or {}
    except (OSError, yaml.YAMLError):
        return {}
    return {r["id"]: r.get("description", "") for r in rules.get("rules", []) if "id" in r}


def column_name(key: str) -> str:
    """A warehouse column key (``total``, ``basic`` …) as its printed heading."""
    from dashboard import ui

    extra = {"amount": "金额", "general": "一般公共预算财政拨款", "fund": "政府性基金预算财政拨款",
             "state_capital": "国有资本经营预算财政拨款", "fiscal": "财政拨款收入", "superior_subsidy": "上级补助收入",
             "business": "事业收入", "operating": "经营收支", "affiliated_remittance": "附属单位上缴收入",
             "other": "其他收入", "remit_superior": "上缴上级支出", "affiliated_subsidy": "对附属单位补助支出",
             "root": "合计"}  # fmt: skip
    name = extra.get(key) or ui.LABELS.get(key, key)
    return name.replace("（万元）", "")


def location_label(location) -> str | None:
    """``210 卫生健康支出.total`` → ``210 卫生健康支出（合计）``."""
    if not isinstance(location, str) or "." not in location:
        return location
    head, key = location.rsplit(".", 1)
    if not key.isascii():
        return location
    return f"{head}（{column_name(key)}）"


def severity_label(severity, outcome) -> str:
    """错误 / 警告 / 提示; a rounding difference is always 提示."""
    if outcome == "rounding":
        return "提示"
    return SEVERITY.get(severity, "提示")


def source_file(source_path: str | None, inbox: str | None) -> Path | None:
    """The document's file under the inbox the warehouse was refreshed from;
    None when it is not there (moved, deleted, or the path leaves the inbox)."""
    if not source_path or not inbox:
        return None
    root = Path(inbox).resolve()
    p = (root / source_path).resolve()
    if not p.is_relative_to(root) or not p.is_file():
        return None
    return p


@st.cache_data(max_entries=64, show_spinner=False)
def pdf_page_png(path: str, mtime_ns: int, page_no: int, scale: float = 1.6) -> bytes | None:
    """Page ``page_no`` (1-based) rendered to PNG; None when the page does not exist."""
    import io

    import pypdfium2 as pdfium

    pdf = pdfium.PdfDocument(path)
    try:
        if not 1 <= page_no <= len(pdf):
            return None
        image = pdf[page_no - 1].render(scale=scale).to_pil()
        buf = io.BytesIO()
        image.save(buf, format="PNG")
        return buf.getvalue()
    finally:
        pdf.close()


def _read_text(path: Path) -> str:
    data = path.read_bytes()[:MAX_TEXT_BYTES]
    for enc in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(enc)
        except UnicodeDecodeError:
            continue
    return data.decode("utf-8", errors="replace")


@st.cache_data(max_entries=64, show_spinner=False)
def text_context(path: str, mtime_ns: int, needles: tuple[str, ...], row_no: int | None) -> tuple[int, str]:
    """(first line number, the lines around the first line that contains one
    of ``needles`` — the sentence, then the row label — else around ``row_no``)."""
    lines = _read_text(Path(path)).splitlines()
    hit = None
    for needle in needles:
        if not needle:
            continue
        key = needle.strip()[:40]
        hit = next((i for i, line in enumerate(lines) if key and key in line), None)
        if hit is not None:
            break
    if hit is None:
        hit = min(max((row_no or 1) - 1, 0), max(len(lines) - 1, 0))
    lo = max(hit - TEXT_CONTEXT, 0)
    return lo + 1, "\n".join(lines[lo : hit + TEXT_CONTEXT + 1])


def show_source(finding: dict, inbox: str | None) -> None:
    """The source view of a finding: PDF page image or the text around it."""
    path = source_file(finding.get("source_path"), inbox)
    name = finding.get("file_name") or "—"
    if path is None:
        st.warning(f"找不到来源文件“{name}”（收件箱中已移动或删除）。")
        return
    page = finding.get("page_no")
    page = None if page is None or page != page else int(page)
    mtime = path.stat().st_mtime_ns
    if path.suffix.lower() == ".pdf":
        if page is None:
            st.info(f"“{name}”：该检查结果没有记录页码，请打开文件查找“{finding.get('row_label') or ''}”。")
            return
        try:
            png = pdf_page_png(str(path), mtime, page)
        except Exception:  # a damaged PDF: say so, never a traceback
            png = None
        if png is None:
            st.warning(f"无法显示“{name}”第 {page} 页。")
            return
        st.image(png, caption=f"{name} 第 {page} 页")
        return
    row = finding.get("row_no")
    row = None if row is None or row != row else int(row)
    needles = (finding.get("sentence") or "", finding.get("row_label") or "", finding.get("location") or "")
    first, text = text_context(str(path), mtime, needles, row)
    st.caption(f"{name}：第 {first} 行起")
    st.code(text, language=None)
