"""Document-level facts: unit name, fiscal year, publication date; and the
decision whether this is a 决算 disclosure at all."""

from __future__ import annotations

import re
from collections import Counter

_TITLE_AFTER = re.compile(r"(20\d{2})年度?(.{2,40}?)(?:部门|单位)?决算(?:公开|报告|$)")
_TITLE_BEFORE = re.compile(r"([\u4e00-\u9fff（）()]{2,40}?)(20\d{2})年度?(?:部门|单位)决算")
_UNIT_LINE = re.compile(
    r"(?:部门|单位名称|编制单位)[:：]\s*([^\s:：\d][^\t\n]{1,40}?)\s*(?:\t|$|\n|金额|单位[:：])"
)
_DATE = re.compile(r"(20\d{2})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日")
_YEAR = re.compile(r"(20\d{2})\s*年度")
_BUDGET_DOC = re.compile(r"部门预算|单位预算|预算公开|收支预算总表|收入预算表|支出预算表")
_BAD_NAME = re.compile(r"第.部分|目录|^年度|^的|决算|公开")


def _squash(text: str) -> str:
    return re.sub(r"[ \t\u3000]+", "", text)


def unit_and_year(pages: list[str]) -> tuple[str | None, int | None]:
    head = _squash("\n".join(pages[:3]))
    unit = year = None
    first_line = head.replace("\n", "")[:300]
    # The cover title: "2023年度<单位>部门决算公开" or "<单位>2023年度部门决算"; the earlier wins.
    candidates = []
    m = _TITLE_AFTER.search(first_line)
    if m and _good_name(m.group(2)):
        candidates.append((m.start(), m.group(2), int(m.group(1))))
    m = _TITLE_BEFORE.search(first_line)
    if m and _good_name(m.group(1)):
        candidates.append((m.start(), m.group(1), int(m.group(2))))
    if candidates:
        _, unit, year = min(candidates)
    if unit is None:
        names = Counter(m.group(1).strip() for p in pages for m in _UNIT_LINE.finditer(p))
        if names:
            unit = names.most_common(1)[0][0]
    if year is None:
        years = Counter(int(y) for y in _YEAR.findall("\n".join(pages)))
        if years:
            year = years.most_common(1)[0][0]
    if unit:
        unit = re.sub(r"（本级）|\(本级\)", "", unit).strip("：: ")
    return unit or None, year


def _good_name(name: str) -> bool:
    return len(name) >= 4 and not _BAD_NAME.search(name) and "年度" not in name


def publication_date(pages: list[str]) -> str | None:
    head = "\n".join(pages[:2])[:3000]
    m = _DATE.search(head)
    if not m:
        return None
    return f"{int(m.group(1)):04d}-{int(m.group(2)):02d}-{int(m.group(3)):02d}"


def looks_like_budget(pages: list[str]) -> bool:
    head = _squash("\n".join(pages[:3]))[:2000]
    return bool(_BUDGET_DOC.search(head)) and "决算" not in head[:200]
