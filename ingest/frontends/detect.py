"""Which front end reads a file: by content (magic bytes, the names inside a ZIP
or OLE container), the file name only where content cannot tell (CSV)."""

from __future__ import annotations

import io
import zipfile
from pathlib import PurePath

_OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_IMAGES = (b"\x89PNG\r\n\x1a\n", b"\xff\xd8\xff", b"II*\x00", b"MM\x00*")  # PNG, JPEG, TIFF


def _utf16(name: str) -> bytes:
    return name.encode("utf-16-le")


def _zip_kind(data: bytes, path: str) -> str:
    try:
        names = zipfile.ZipFile(io.BytesIO(data)).namelist()
    except (zipfile.BadZipFile, ValueError, OSError):
        # Truncated or damaged: the local headers near the start still name the parts.
        head = data[:65536]
        if b"xl/" in head or PurePath(path).suffix.lower() in (".xlsx", ".xlsm"):
            return "xlsx"
        if b"word/" in head or PurePath(path).suffix.lower() == ".docx":
            return "docx"
        return "zip"
    if any(n.startswith("xl/") for n in names):
        return "xlsx"
    if any(n.startswith("word/") for n in names):
        return "docx"
    if "content.xml" in names and b"opendocument.spreadsheet" in data[:200]:
        return "ods"
    return "zip"


def _ole_kind(data: bytes) -> str:
    """Legacy Office container: the stream names are stored in UTF-16."""
    if _utf16("EncryptedPackage") in data:
        return "encrypted"  # a password-protected .xlsx/.docx is stored this way
    if _utf16("WordDocument") in data:
        return "doc"
    if _utf16("Workbook") in data or _utf16("Book") in data:
        return "xls"
    return "ole"


def _looks_html(data: bytes) -> bool:
    head = data[:4096].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if head.startswith((b"<!doctype html", b"<html", b"<?xml")) and b"<html" in data[:8192].lower():
        return True
    return head.startswith((b"<head", b"<body", b"<meta", b"<table", b"<div", b"<p>", b"<!--")) and (
        b"<table" in data.lower() or b"<body" in head or b"<p" in head
    )


def detect_format(data: bytes, path: str = "") -> str:
    head = data[:1024].lstrip()
    if head.startswith(b"%PDF") or b"%PDF-" in data[:1024]:
        return "pdf"
    if data.startswith(_IMAGES):
        return "image"  # a scanned page: read by OCR
    if data.startswith(b"PK\x03\x04"):
        return _zip_kind(data, path)
    if data.startswith(_OLE):
        return _ole_kind(data)
    if head.startswith(b"{\\rtf"):
        return "rtf"
    if _looks_html(data):
        return "html"
    if PurePath(path).suffix.lower() in (".csv", ".tsv"):
        return "csv"
    return "text"


# Containers no front end reads: what to tell the user.
UNSUPPORTED = {
    "encrypted": "文件已设置密码保护（加密的 Excel 或 Word 文件），请提供未加密的文件",
    "zip": "文件是压缩包（ZIP），不是 Excel 或 Word 文件，请解压后提交其中的文件",
    "ole": "文件是旧版 Office 格式但无法识别其类型，请另存为 .xlsx、.docx 或 PDF 后再提交",
    "rtf": "RTF 文件无法直接读取，请另存为 .docx 或 PDF 后再提交",
}
