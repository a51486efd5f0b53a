"""Faults in what the narrative *says* (rules C-*, D-*, P-*, Z-01, H-01, E-01, S-*,
V-*; expectations/rules.yml): edits of the laid-out document (`DocModel` blocks:
cover, headings, paragraphs, table notes) after it is built, so the numbers in the
tables stay true. One recipe per rule; each names its rule in the `FaultRecord`
and lists in `also_breaks` the other rules the same edit necessarily breaks.

`apply_text_fault(rule, model, r)` applies the recipe of `rule`, or when this
document cannot show it (no such sentence), the first recipe that can; None when
none can."""

from __future__ import annotations

import random
import re
from collections.abc import Callable

from samplegen.doc_model import Cover, DocModel, Heading, Paragraph, TableBlock
from samplegen.faults import TEXT_FAULTS, FaultRecord

Recipe = Callable[[DocModel, random.Random], FaultRecord | None]
RECIPES: dict[str, Recipe] = {}


def recipe(rule: str):
    def register(fn: Recipe) -> Recipe:
        RECIPES[rule] = fn
        return fn

    return register


def _rec(rule: str, desc: str, expected=None, printed=None, also=(), label=None) -> FaultRecord:
    return FaultRecord(rule, None, label, None, None, expected, printed, desc, list(also))


def _part3(model: DocModel) -> tuple[int, int]:
    """Block range of 第三部分 (the narrative body)."""
    blocks = model.blocks
    start = next(
        (i for i, b in enumerate(blocks) if isinstance(b, Heading) and b.text.startswith("第三部分")), None
    )
    if start is None:
        return 0, 0
    end = next(
        (i for i in range(start + 1, len(blocks)) if isinstance(blocks[i], Heading) and blocks[i].level == 0),
        len(blocks),
    )
    return start + 1, end


def _paragraphs(model: DocModel, pattern: str, part3: bool = True) -> list[tuple[Paragraph, re.Match]]:
    a, b = _part3(model) if part3 else (0, len(model.blocks))
    rx = re.compile(pattern)
    out = []
    for blk in model.blocks[a:b]:
        if isinstance(blk, Paragraph):
            m = rx.search(blk.text)
            if m:
                out.append((blk, m))
    return out


def _sub(blk, m: re.Match, group: int | str, new: str) -> None:
    s, e = m.span(group)
    blk.text = blk.text[:s] + new + blk.text[e:]


@recipe("C-01")
def _word(model, r):
    hits = _paragraphs(model, r"年初预算为.{1,40}?决算数(大于|小于)年初预算数")
    if not hits:
        return None
    blk, m = r.choice(hits)
    new = "小于" if m.group(1) == "大于" else "大于"
    _sub(blk, m, 1, new)
    return _rec("C-01", f"情况说明中“决算数{new}年初预算数”与所列金额不符", also=())


@recipe("C-02")
def _rate(model, r):
    hits = _paragraphs(model, r"完成年初预算的(\d+(?:\.\d+)?)%")
    hits = [(b, m) for b, m in hits if 1 < float(m.group(1)) < 400]
    if not hits:
        return None
    blk, m = r.choice(hits)
    old = float(m.group(1))
    new = round(old + r.choice([-1, 1]) * r.uniform(3, 9), 2)
    new = new if new > 0 else round(old + 5, 2)
    _sub(blk, m, 1, f"{new:.2f}")
    return _rec("C-02", "情况说明中的完成率与决算数、预算数不符", old, new, also=("N-05",))


def _yoy(model):
    return _paragraphs(model, r"(增加|减少)\d+(?:\.\d+)?万元，(增长|下降)(\d+(?:\.\d+)?)%")


@recipe("C-03")
def _change_word(model, r):
    hits = _yoy(model)
    if not hits:
        return None
    blk, m = r.choice(hits)
    new = "下降" if m.group(2) == "增长" else "增长"
    _sub(blk, m, 2, new)
    return _rec("C-03", f"情况说明中“{m.group(1)}”与“{new}”方向矛盾", also=("N-02",))


@recipe("C-04")
def _change_pct(model, r):
    hits = _yoy(model)
    if not hits:
        return None
    blk, m = r.choice(hits)
    old = float(m.group(3))
    new = round(old + r.uniform(1.5, 6.0), 2)
    _sub(blk, m, 3, f"{new:.2f}")
    return _rec("C-04", "情况说明中的增减率与增减额不符", old, new, also=("N-02",))


@recipe("D-01")
def _heading_year(model, r):
    for blk in model.blocks:
        if isinstance(blk, Heading) and blk.level == 0 and blk.text.startswith("第二部分"):
            m = re.search(r"(20\d{2})年度", blk.text)
            if m:
                _sub(blk, m, 1, str(model.year - 1))
                return _rec("D-01", "第二部分标题中的年度不是决算年度", model.year, model.year - 1)
    return None


@recipe("D-02")
def _period_end(model, r):
    hits = _paragraphs(model, r"截至(20\d{2})年12月31日")
    if not hits:
        return None
    blk, m = hits[0]
    _sub(blk, m, 1, str(model.year - 1))
    return _rec("D-02", "“截至……12月31日”不是决算年度年末", model.year, model.year - 1)


@recipe("D-03")
def _publication(model, r):
    cover = next((b for b in model.blocks if isinstance(b, Cover)), None)
    if cover is None or not re.search(r"20\d{2}年\d{1,2}月\d{1,2}日", cover.date):
        return None  # a date without a day is not read as a publication date
    cover.date = re.sub(r"^20\d{2}", str(model.year), cover.date)
    return _rec("D-03", "发布日期早于决算年度年末")


@recipe("D-04")
def _prior_year(model, r):
    hits = _paragraphs(model, rf"与({model.year - 1})年度相比")
    if not hits:
        return None
    blk, m = r.choice(hits)
    _sub(blk, m, 1, str(model.year - 2))
    return _rec("D-04", "与上年对比的句子中所称年度不是上一年", model.year - 1, model.year - 2)


@recipe("P-01")
def _placeholder(model, r):
    hits = _paragraphs(model, r"主要原因(?:是|：)([^。]{2,40})。")
    if not hits:
        return None
    blk, m = r.choice(hits)
    _sub(blk, m, 1, "XX")
    return _rec("P-01", "情况说明中留有占位符“XX”")


@recipe("P-02")
def _template(model, r):
    a, b = _part3(model)
    heads = [
        i
        for i in range(a, b)
        if isinstance(model.blocks[i], Heading) and "政府性基金" in model.blocks[i].text
    ]
    if not heads:
        return None
    model.blocks.insert(
        heads[0] + 1,
        Paragraph("无政府性基金预算财政拨款收入支出的，仍保留该表格式，并在本表下方作下述说明："),
    )
    return _rec("P-02", "情况说明中残留模板填写说明")


@recipe("P-03")
def _unit(model, r):
    for blk in model.blocks:
        if (
            isinstance(blk, Heading)
            and blk.level == 0
            and blk.text.startswith("第三部分")
            and model.unit_name
        ):
            other = "滨海市东湖区城市管理执法局" if "执法" not in model.unit_name else "滨海市东湖区教育局"
            blk.text = blk.text.replace(model.unit_name, other, 1)
            return _rec("P-03", "第三部分标题中的单位名称不是本单位", label=other)
    return None


@recipe("Z-01")
def _zero_total(model, r):
    hits = _paragraphs(model, r"收入合计(\d+(?:\.\d+)?)万元")
    if not hits:
        return None
    blk, m = hits[0]
    _sub(blk, m, 1, "0.00")
    return _rec(
        "Z-01", "情况说明中的本年收入合计为零，表内有数", float(m.group(1)), 0.0, also=("N-01", "C-04")
    )


@recipe("H-01")
def _share(model, r):
    hits = _paragraphs(model, r"（类）\d+(?:\.\d+)?万元，占(\d+(?:\.\d+)?)%")
    if len(hits) < 2 and not any(b.text.count("（类）") > 1 for b, _ in hits):
        return None
    blk, m = r.choice(hits)
    old = float(m.group(1))
    new = round(old + (2.5 if old < 50 else -2.5), 2)
    _sub(blk, m, 1, f"{new:.2f}")
    return _rec("H-01", "各类支出占比之和不为100%", old, new, also=("N-02",))


@recipe("E-01")
def _empty_note(model, r):
    for blk in model.blocks:
        if isinstance(blk, TableBlock) and blk.table_id in ("07", "08") and any("无" in n for n in blk.notes):
            blk.notes = [n for n in blk.notes if "无" not in n and "没有" not in n]
            return _rec("E-01", f"{blk.table_id}表无数据但未注明本单位无该项资金")
    return None


def _section_headings(model):
    a, b = _part3(model)
    return [
        model.blocks[i]
        for i in range(a, b)
        if isinstance(model.blocks[i], Heading) and model.blocks[i].level == 1
    ]


@recipe("S-01")
def _order(model, r):
    heads = _section_headings(model)
    two = [h for h in heads if h.text.startswith(("二、", "三、"))]
    if len(two) != 2:
        return None
    a, b = two
    ta, tb = a.text[2:], b.text[2:]
    a.text, b.text = a.text[:2] + tb, b.text[:2] + ta
    return _rec("S-01", "第三部分“收入决算”与“支出决算”两节顺序颠倒")


@recipe("S-02")
def _section_no(model, r):
    heads = [h for h in _section_headings(model) if h.text.startswith("四、")]
    if not heads:
        return None
    heads[0].text = "五、" + heads[0].text[2:]
    return _rec("S-02", "第三部分节编号重复（两个“五、”）", 4, 5, also=("S-03",))


@recipe("S-03")
def _item_no(model, r):
    hits = _paragraphs(model, r"^（二）")
    if not hits:
        return None
    blk, _m = hits[0]
    blk.text = "（三）" + blk.text[3:]
    return _rec("S-03", "节内编号重复（两个“（三）”）", 2, 3)


def _items(model):
    return _paragraphs(
        model, r"^(\d+)\. .{2,60}?（项）。年初预算为(\d+(?:\.\d+)?)万元，.*?支出决算为(\d+(?:\.\d+)?)万元"
    )


@recipe("S-04")
def _unknown_item(model, r):
    hits = _items(model)
    if not hits:
        return None
    blk, m = r.choice(hits)
    _sub(blk, m, 3, f"{float(m.group(3)) + 0.37:.2f}")  # first: the match positions are of the old text
    blk.text = re.sub(r"（款）[^（]{1,40}（项）", "（款）其他未列明事务支出（项）", blk.text, count=1)
    also = ("S-05", "C-01", "C-02", "N-04", "N-05")
    return _rec("S-04", "五（三）中说明的项在05表中不存在", also=also)


@recipe("S-05")
def _dropped_item(model, r):
    hits = _items(model)
    if len(hits) < 2:
        return None
    blk, _m = hits[-1]
    model.blocks.remove(blk)
    return _rec("S-05", "05表中的项在五（三）中未作说明", also=("N-05",))


@recipe("V-01")
def _double(model, r):
    hits = _paragraphs(model, r"[\u4e00-\u9fff]{4}(。)[\u4e00-\u9fff]")
    if not hits:
        return None
    blk, m = r.choice(hits)
    _sub(blk, m, 1, "。。")
    return _rec("V-01", "情况说明中出现重复标点“。。”")


@recipe("V-02")
def _no_stop(model, r):
    a, b = _part3(model)
    blocks = model.blocks
    for i in range(a, b - 1):
        blk, nxt = blocks[i], blocks[i + 1]
        if (
            isinstance(blk, Paragraph)
            and isinstance(nxt, Heading)
            and blk.text.endswith("。")
            and "，" in blk.text
            and len(blk.text) > 30
            and not blk.text.endswith("：。")
        ):
            blk.text = blk.text[:-1]
            return _rec("V-02", "标题前的段落末尾缺少句号")
    return None


def apply_text_fault(rule: str, model: DocModel, r: random.Random) -> FaultRecord | None:
    for k in [rule, *TEXT_FAULTS]:
        rec = RECIPES[k](model, r)
        if rec is not None:
            return rec
    return None
