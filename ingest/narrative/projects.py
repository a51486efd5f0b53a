"""绩效 per project: narrative lines and self-evaluation tables."""

from __future__ import annotations

import contextlib
import re
from bisect import bisect_right
from typing import Any

from ingest.narrative.items import _name_before
from ingest.narrative.text import _amt, _Collector, _Doc, _num, _pct, _to_wan

_RE_PROJECT_NARR = re.compile(
    r"绩效自评(?:综述|结果|情况)?[：:]"
    r"[^。\d]{0,12}?(?:全年)?预算数?为?"
    + _amt("b")
    + r"[，,](?:全年)?执行数为?"
    + _amt("a")
    + r"(?:[，,](?:完成预算的|执行率为?)"
    + _pct("r")
    + ")?"
)
_RE_PROJECT_NAME = re.compile(
    r"项目名称(?P<name>[^。；;]{1,60}?)(?=主管部门|项目实施单位|实施单位|项目负责人|项目类型|预算执行)"
)
_RE_PROJECT_ROW = re.compile(r"年度(?:财政)?资金总额[^\d。]{0,40}?(?P<seq>\d[\d., %]*)")
_PROJECT_STOP = frozenset("。；;：:，,、.0123456789 ")


def _strip_project(name: str) -> str:
    name = name.strip()
    for suffix in ("项目",):
        if name.endswith(suffix) and len(name) > len(suffix) + 1:
            name = name[: -len(suffix)]
    return name


def _project_table_row(seq: str) -> tuple[float, float, float | None] | None:
    nums: list[float] = []
    rate = None
    for tok in seq.split():
        if tok.endswith("%"):
            with contextlib.suppress(ValueError):
                rate = _num(tok[:-1])
            break
        try:
            nums.append(_num(tok))
        except ValueError:
            break
    if len(nums) >= 3:  # 年初预算数, 全年预算数, 全年执行数 (, 分值 ...)
        return nums[1], nums[2], rate
    if len(nums) == 2:
        return nums[0], nums[1], rate
    return None


def _projects(doc: _Doc, col: _Collector) -> None:
    text = doc.text
    table: list[dict] = []
    names = [m for m in _RE_PROJECT_NAME.finditer(text) if doc.allowed(m.start())]
    name_pos = [m.start() for m in names]
    used: set[int] = set()
    for m in _RE_PROJECT_ROW.finditer(text):
        i = bisect_right(name_pos, m.start()) - 1
        if i < 0 or i in used or not doc.allowed(m.start()):
            continue
        row = _project_table_row(m["seq"])
        if row is None:
            continue
        used.add(i)
        nm = names[i]
        name = nm["name"].strip()
        row_text = text[m.start() : m.end()].strip()
        table.append(
            {
                "name": name,
                "budget": row[0],
                "actual": row[1],
                "rate": row[2],
                "pos": m.start(),
                "text": f"项目名称{name}…{row_text}",
                "m": m,
            }
        )
    narrative: list[dict] = []
    for m in _RE_PROJECT_NARR.finditer(text):
        start = _name_before(text, m.start(), _PROJECT_STOP, 40)
        name = _strip_project(text[start : m.start()])
        if len(name) < 2 or not doc.allowed(start):
            continue
        try:
            narrative.append(
                {
                    "name": name,
                    "budget": _to_wan(m["b"], m["b_u"]),
                    "actual": _to_wan(m["a"], m["a_u"]),
                    "rate": _num(m["r"]) if m["r"] is not None else None,
                    "pos": start,
                    "text": doc.sentence(start, m.end()),
                    "m": m,
                }
            )
        except ValueError:
            continue
    projects = list(table)
    matched: set[int] = set()
    for rec in narrative:
        hit = None
        for j, t in enumerate(table):
            if j in matched:
                continue
            a, b = _strip_project(t["name"]), rec["name"]
            if a == b or a in b or b in a:
                hit = j
                break
        if hit is None:
            for j, t in enumerate(table):
                if j not in matched and t["budget"] == rec["budget"] and t["actual"] == rec["actual"]:
                    hit = j
                    break
        if hit is None:
            projects.append(rec)
        else:
            matched.add(hit)
            if table[hit]["rate"] is None and rec["rate"] is not None:
                table[hit]["rate"] = rec["rate"]
    for rec in projects:
        common: dict[str, Any] = {
            "label": rec["name"],
            "key": (rec["name"], rec["pos"]),
            "text": rec["text"],
            "pos": rec["pos"],
        }
        col.add("project_budget", rec["budget"], rec["m"], **common)
        col.add("project_actual", rec["actual"], rec["m"], **common)
        if rec["rate"] is not None:
            col.add("project_execution_rate", rec["rate"], rec["m"], unit="%", **common)
