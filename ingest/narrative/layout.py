"""What the layout of the document states: headings and their numbers, the years and
dates it prints, the unit names in its headings, placeholders, template leftovers,
typography, and the notes that say a table is empty.

These steps read the page *lines* (a heading is a line), not the joined text.
Every fact carries the line or sentence it came from (docs/facts.md):

- `section_no` / `section_rank`: a 第三部分 section heading (一、……): its printed number
  and its place in the template order (by title; null when the title is not known);
- `heading_no`: a numbered heading or list item inside 第三部分 or 名词解释 (（一）, 1.,
  1、); `subject_code` names the list it belongs to, so the rules check each list runs
  1, 2, 3 …;
- `heading_year`: a 年度 printed in the title, a part heading or a table title;
- `period_end`: 截至YYYY年MM月DD日 (as YYYYMMDD); `publication_date`: the cover date;
- `heading_unit`: a unit name printed in a part heading or a table's 部门： line, with
  its best similarity (0–100) to the cover title's name or another name printed;
- `placeholder`, `template_text`, `punct_double` (。。), `punct_line` (a line of
  punctuation only), `punct_end` (a paragraph before a heading that does not end with 。):
  one fact per occurrence (value 1);
- `empty_note` (under the tables) / `none_stated` (in the narrative): a sentence saying
  the unit has no 政府性基金 (07), 国有资本经营 (08) or 三公 (09) money; `label` is the table.
"""

from __future__ import annotations

import re
from difflib import SequenceMatcher

from ingest.meta import publication_date, unit_and_year
from ingest.narrative.lines import _RE_PART_LINE, _heading, _Lines, _row_at
from ingest.narrative.text import _Collector, _Doc, _normalize

LAYOUT_KINDS = frozenset(
    {
        "section_no", "section_rank", "heading_no", "heading_year", "period_end", "publication_date",
        "heading_unit", "placeholder", "template_text", "punct_double", "punct_line", "punct_end",
        "empty_note", "none_stated",
    }
)  # fmt: skip


# the later 第三部分 sections, by title; sections of one rank may come in either order
# (三公 is 七 in Shanghai and 九 in Wuhan; 预算绩效 is last in some regions only)
_SECTION_RANKS = (
    (7, ("三公", "政府性基金", "国有资本经营")),
    (8, ("机关运行经费", "政府采购", "国有资产", "预算绩效", "绩效", "其他重要事项", "其他需要说明")),
)


def section_rank(title: str) -> int | None:
    """The template rank of a 第三部分 section title; None when the title is not one the
    template names (an unknown title is not placed). Ranks 1–6 by how the title starts
    (财政拨款收入支出决算总体 is not 收入支出决算总体, 基本支出 is not 支出)."""
    t = title.replace("“", "").replace("”", "").replace('"', "")
    t = re.sub(r"^(?:本?部门|本?单位)", "", t)
    for rank, starts in (
        (6, ("一般公共预算财政拨款基本支出",)),
        (5, ("一般公共预算财政拨款支出",)),
        (4, ("财政拨款收入支出决算总体", "财政拨款收支决算总体", "财政拨款收支总体")),
        (1, ("收入支出决算总体", "收支决算总体")),
        (2, ("收入决算",)),
        (3, ("支出决算",)),
    ):
        if t.startswith(starts):
            return rank
    for rank, keys in _SECTION_RANKS:
        if any(k in t for k in keys):
            return rank
    return None


_RE_YEAR = re.compile(r"(20\d{2})年度")
_RE_TABLE_TITLE = re.compile(r"^(20\d{2})年度.{2,40}表$")
_RE_PERIOD_END = re.compile(r"截至(20\d{2})年(?:(\d{1,2})月(\d{1,2})日|(年底|年末|末))")
_RE_PLACEHOLDER = re.compile(
    r"(?<![A-Za-z])(?:XX|xx|ＸＸ)+(?![A-Za-z])|××+|xx(?=[\u4e00-\u9fff])|＊＊+|\*\*+|某某|"
    r"(?<![一二三四五六七八九十〇零])〇〇+(?![一二三四五六七八九十〇零])|○○+"
)
# an empty field only in the narrative's prose (tables and forms print "（ ）" to be filled by hand)
_RE_PLACEHOLDER_CHARS = re.compile("[Xx×＊*某〇○Ｘ]")
_RE_EMPTY_FIELD = re.compile(r"【\s*】|（\s*）|\(\s*\)")
_RE_STOCK = re.compile(r"车辆|资产|实有人员|在职人员|共有|编制")
_RE_DATE_LINE = re.compile(r"^20\d{2}年\d{1,2}月\d{1,2}日$")
_RE_TEMPLATE = re.compile(r"作下述说明|仍保留该表格式|此处填写|请填写|按实际情况填写|填写说明")
_RE_DOUBLE_PUNCT = re.compile(r"([。，、；：！？,;])\1+|[，,][。]|[。][，,]")
_PUNCT_ONLY = re.compile(r"^[。，、；：！？,.;:!?…—\-·]+$")
_END_OK = tuple('。：:；;！？!?…）)”"、，,》】')
_RE_NONE = re.compile(
    # the negation right before the fund ("本年度没有财政拨款“三公”经费"), not "没有发生X费用，“三公”…"
    r"(?:无|没有|未发生|未安排|不涉及)(?:财政拨款|发生)?[“\"‘'「]?(?P<k>政府性基金|国有资本经营|三公)"
    r"|(?P<k2>政府性基金|国有资本经营|三公)[^。；;]{0,30}?(?:本表无数据|为空表|无数据|均为0|为零|空表)"
)
_NONE_TABLE = {"政府性基金": "07", "国有资本经营": "08", "三公": "09"}
_RE_UNIT_LINE = re.compile(r"^(?:部门|单位|编制单位)[:：](.{2,40}?)(?:金额单位.*|单位[:：].*)?$")
_RE_PART_UNIT = re.compile(r"^第[一二三四五六七八九十]+部分([^\d]{4,40}?)(?:20\d{2}年度?|概况)")


_UNITS = {"heading_year": "年", "period_end": "日期", "publication_date": "日期", "heading_unit": "%"}


def _add(col: _Collector, kind: str, value: float, row: tuple[int, str, int], *, label: str, **kw) -> None:
    _page, line, pos = row
    key = kw.pop("key", (label, pos))
    unit = kw.pop(
        "unit", _UNITS.get(kind, "处" if kind.startswith(("placeholder", "template", "punct")) else "序号")
    )
    col.add(
        kind, float(value), None, label=label, pos=pos, text=kw.pop("text", line), key=key, unit=unit, **kw
    )


def _numbering(lines: _Lines, span: tuple[int, int], col: _Collector, part: str) -> None:
    """Headings of one part; each list is keyed by the headings above it. A number 1
    after a list of the same style starts a new list there ("其中：1、2、" twice under one
    heading), it does not break the first one; a 1 after a lone 1 is a repeat."""
    stack: list[tuple[str, str]] = []  # (style, "style n") from the outermost list down
    restarts: dict[str, int] = {}
    last: dict[str, int] = {}  # the last number of each list
    for row in lines.rows[span[0] + 1 : span[1]]:
        h = _heading(row[1])
        if h is None:
            continue
        style, n, title = h
        styles = [s for s, _ in stack]
        if style in styles:
            stack = stack[: styles.index(style)]
        key = "/".join([part, *(k for _, k in stack)])
        lst = f"{key}|{style}"
        if n == 1 and last.get(lst, 0) >= 2:  # 1, 2, … then 1 again: a new list ("1" twice is a repeat)
            restarts[lst] = restarts.get(lst, 0) + 1
        again = restarts.get(lst, 0)
        last[lst] = n
        stack.append((style, f"{style}{n}"))
        label = f"{row[1][:30]}"
        if part == "第三部分" and style == "一、" and not again and not key.count("/"):
            _add(col, "section_no", n, row, label=label)
            rank = section_rank(title)
            if rank is not None:
                _add(col, "section_rank", rank, row, label=label)
        code = f"{key}|{style}" + (f"#{again + 1}" if again else "")
        _add(col, "heading_no", n, row, label=label, code=code)


def _structure(doc: _Doc, col: _Collector, lines: _Lines) -> None:
    narrative = lines.narrative
    if narrative:
        _numbering(lines, narrative, col, "第三部分")
    glossary = lines.glossary
    if glossary:
        _numbering(lines, glossary, col, "名词解释")


def _typography(doc: _Doc, col: _Collector, lines: _Lines) -> None:
    narrative = lines.narrative
    if not narrative:
        return
    rows = lines.rows[narrative[0] : narrative[1]]
    for j, row in enumerate(rows):
        line = row[1]
        for m in _RE_DOUBLE_PUNCT.finditer(line):
            _add(col, "punct_double", 1, row, label=f"标点重复“{m.group()}”", key=("p", row[2] + m.start()))
        if _PUNCT_ONLY.match(line):
            _add(col, "punct_line", 1, row, label="只有标点的一行", key=("l", row[2]))
        ends_paragraph = j + 1 < len(rows) and _heading(rows[j + 1][1])
        if ends_paragraph and _is_prose(line) and not line.endswith(_END_OK):
            _add(col, "punct_end", 1, row, label="句末缺少句号", key=("e", row[2]))


def _is_prose(line: str) -> bool:
    """A paragraph line (not a caption, a table row, a title or a bare number)."""
    if len(line) < 12 or line.startswith(("图", "表", "注", "单位", "金额单位", "说明")):
        return False
    if _RE_PART_LINE.match(line) or line.endswith(("表", "情况", "说明", "明细", "单位")):
        return False
    cjk = sum(1 for c in line if "\u4e00" <= c <= "\u9fff")
    return cjk >= 10 and "，" in line


def _years_and_dates(doc: _Doc, col: _Collector, lines: _Lines, pages: list[str]) -> None:
    rows = lines.rows
    for row in rows[:3]:  # the cover title
        m = _RE_YEAR.search(row[1])
        if m and "决算" in row[1]:
            _add(col, "heading_year", int(m.group(1)), row, label="封面标题")
            break
    for row in rows:
        line = row[1]
        if _RE_PART_LINE.match(line) and ("决算" in line or "概况" in line):  # not "2024年度工作计划"
            for m in _RE_YEAR.finditer(line):
                _add(
                    col, "heading_year", int(m.group(1)), row, label="部分标题", key=("y", row[2] + m.start())
                )
        else:
            m = _RE_TABLE_TITLE.match(line)
            if m and "决算" in line:
                _add(col, "heading_year", int(m.group(1)), row, label="表格标题")
    for m in _RE_PERIOD_END.finditer(doc.text):
        if not doc.allowed(m.start()) or not _RE_STOCK.search(doc.text, m.end(), m.end() + 60):
            continue  # only the stock-taking sentence (车辆, 资产, 人员): "截至次年3月，已整改" is not
        y = int(m.group(1))
        value = y * 10000 + (int(m.group(2)) * 100 + int(m.group(3)) if m.group(2) else 1231)
        col.add("period_end", float(value), m, label="截至日期", unit="日期", key=("d", m.start()))
    date = publication_date(pages)
    if date:
        day = float(date.replace("-", ""))
        for row in rows[:12]:
            if _RE_DATE_LINE.match(row[1]) and date[:4] in row[1]:  # a line that is only the date
                _add(col, "publication_date", day, row, label="发布日期", unit="日期")
                break


def _units(doc: _Doc, col: _Collector, lines: _Lines, pages: list[str]) -> None:
    """Unit names in part headings and 部门： lines. A document spells its unit in
    several ways (short title name, full name, with or without 区): a name counts as
    the unit's when it is like the title's or like another name the document prints."""
    unit, _year = unit_and_year(pages)
    found = []
    for row in lines.rows:
        m = _RE_PART_UNIT.match(row[1]) or _RE_UNIT_LINE.match(row[1])
        if m:
            name = m.group(1).strip("：:")
            if len(name) >= 4 and not name.startswith(("部门", "单位")):
                found.append((row, name))
    names = [_normalize(unit)] if unit else []
    for i, (row, name) in enumerate(found):
        others = names + [n for j, (_r, n) in enumerate(found) if j != i]
        if not others:
            continue
        score = max(_similar(name, o) for o in others)
        _add(col, "heading_unit", score, row, label=name, unit="%")


def _similar(a: str, b: str) -> int:
    if a in b or b in a:
        return 100
    return round(100 * SequenceMatcher(None, a, b).ratio())


def _placeholder_hits(text: str):
    """_RE_PLACEHOLDER.finditer, tried only where one of its characters is."""
    end = -1
    for c in _RE_PLACEHOLDER_CHARS.finditer(text):
        if c.start() < end:
            continue
        m = _RE_PLACEHOLDER.match(text, c.start())
        if m:
            end = m.end()
            yield m


def _placeholders(doc: _Doc, col: _Collector, lines: _Lines) -> None:
    """One scan of the joined text for each pattern, each hit placed on its line."""
    narrative = lines.narrative
    lo, hi = (lines.rows[narrative[0]][2], lines.rows[narrative[1] - 1][2]) if narrative else (0, -1)
    text = doc.text
    for rx, kind, what in (
        (_RE_PLACEHOLDER, "placeholder", "占位符"),
        (_RE_EMPTY_FIELD, "placeholder", "空白待填"),
        (_RE_TEMPLATE, "template_text", "模板说明"),
    ):
        if rx is _RE_PLACEHOLDER and not _RE_PLACEHOLDER_CHARS.search(text):
            continue  # (the full pattern is slow to scan; most documents have none of its characters)
        seen: set[int] = set()
        for m in _placeholder_hits(text) if rx is _RE_PLACEHOLDER else rx.finditer(text):
            if rx is _RE_EMPTY_FIELD and not lo <= m.start() <= hi:
                continue  # an empty field only in the narrative's prose
            j = _row_at(lines, m.start())
            if rx is _RE_TEMPLATE and j in seen:
                continue  # one per line
            seen.add(j)
            _add(col, kind, 1, lines.rows[j], label=f"{what}“{m.group()}”", key=(kind, m.start()))


def _none_hits(text: str):
    """_RE_NONE matches, searched only around its keywords (found with str.find)."""
    spans = []
    for key in _NONE_TABLE:
        i = text.find(key)
        while i >= 0:
            spans.append((max(0, i - 30), i + len(key) + 34))
            i = text.find(key, i + 1)
    end = -1
    for a, b in sorted(spans):
        for m in _RE_NONE.finditer(text, max(a, end), b):
            end = m.end()
            yield m


_TABLE_KEYS = (("07", "政府性基金"), ("08", "国有资本经营"), ("09", "三公"))
_RE_TABLE_TITLE_LINE = re.compile(r"决算(?:明细)?表$")
_RE_REGION_NOTE = re.compile(r"无|没有|未发生|不涉及|空表|无数据|为0|为零")


def _empty_notes(doc: _Doc, col: _Collector, lines: _Lines) -> None:
    """Notes that a unit has no 政府性基金 / 国有资本经营 / 三公 money: under the table
    (`empty_note`: any such note between the table's title and the next title) or in the
    narrative (`none_stated`)."""
    narrative = lines.narrative
    start = lines.rows[narrative[0]][2] if narrative else len(doc.text)
    rows = [r for r in lines.rows if r[2] < start]
    titles = [j for j, r in enumerate(rows) if _RE_TABLE_TITLE_LINE.search(r[1]) and len(r[1]) <= 40]
    for k, j in enumerate(titles):
        table = next((t for t, key in _TABLE_KEYS if key in rows[j][1]), None)
        end = titles[k + 1] if k + 1 < len(titles) else len(rows)
        for row in rows[j + 1 : end]:
            if table and _RE_REGION_NOTE.search(row[1]) and not _RE_TEMPLATE.search(row[1]):
                col.add(
                    "empty_note", 1.0, None, label=table, unit="条", key=(table,), pos=row[2], text=row[1]
                )
                break
    for m in _none_hits(doc.text):
        # (not doc.allowed: a note under a table may sit in a span the fact patterns skip)
        sentence = doc.sentence(m.start(), m.end())
        own = sentence[sentence.rfind("：", 0, max(0, sentence.find(m.group()))) + 1 :]
        if _RE_TEMPLATE.search(own):
            continue  # the template's own instruction ("无……的，……作下述说明：")
        tail = doc.text[m.end() : m.end() + 16]
        if ("结转" in tail or "结余" in tail) and not ("收入" in tail or "支出" in tail):
            continue  # "无政府性基金结转结余" says nothing about the year's money
        t = _NONE_TABLE[m["k"] or m["k2"]]
        kind = "empty_note" if m.start() < start else "none_stated"
        col.add(kind, 1.0, m, label=t, unit="条", key=(t,))


def _run(step):
    def run(doc: _Doc, col: _Collector, _resolver) -> None:
        pages = doc.raw_pages
        lines = doc.lines
        if lines is None:
            lines = doc.lines = _Lines(doc, pages)
        if step in (_years_and_dates, _units):
            step(doc, col, lines, pages)
        else:
            step(doc, col, lines)

    return run


STEPS = tuple(
    (f.__name__.strip("_"), _run(f))
    for f in (_structure, _typography, _years_and_dates, _units, _placeholders, _empty_notes)
)
