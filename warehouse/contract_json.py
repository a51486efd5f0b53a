"""A parser for files that already hold the parse contract (``juesuan parse FILE
--json`` output): lets the warehouse load documents read elsewhere, and lets the
tests and the benchmark run without the real reader.

Use it with ``JUESUAN_PARSER=warehouse.contract_json:parse_file``."""

from __future__ import annotations

import json

from ingest.record import ParseError

PARSER_VERSION = "1"
REQUIRED = ("document", "lines")


def parse_file(path: str) -> dict:
    try:
        with open(path, encoding="utf-8") as fh:
            data = json.load(fh)
    except UnicodeDecodeError:
        raise ParseError(path, "文件不是 UTF-8 文本，无法读取") from None
    except json.JSONDecodeError as exc:
        raise ParseError(path, f"文件内容已损坏，无法解析（第 {exc.lineno} 行）") from None
    except OSError as exc:
        raise ParseError(path, f"文件无法打开（{exc.strerror or exc}）") from None
    if not isinstance(data, dict) or any(k not in data for k in REQUIRED):
        raise ParseError(path, "不是部门决算公开的解析结果")
    data.setdefault("facts", [])
    data.setdefault("problems", [])
    return data
