"""Printed unit names -> roster units.

Exact first (the warehouse's own normalisation: spaces and bracket widths),
then a maintained fuzzy matcher (rapidfuzz) over a stronger key: full/half
width unified (NFKC), brackets and punctuation dropped, the district's region
prefixes removed and 本级 set aside. A match on the strong key, or a fuzzy one
that is both confident and clearly ahead of the next unit, is *proposed* for
review; nothing here merges a name. Names that differ in a number (第一中学 /
第二中学) are never proposed."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass

from rapidfuzz import fuzz, process

CONFIDENT = 90.0  # fuzzy score (0-100) a proposal needs
MARGIN = 5.0  # ... and its lead over the next unit
POSSIBLE = 75.0  # below this no hint is shown at all
BENJI = "本级"
_REGION_SUFFIX = "省市区县旗"
_PUNCT = re.compile(r"[\s()（）\[\]【】〔〕<>《》·•\-—_,，.。、:：;；'\"“”‘’]+")
_NUMBER = re.compile(r"[0-9]+|[一二三四五六七八九十百零〇两]+")


def light_key(name: str) -> str:
    """Mirrors the dbt macro ``normalize_unit_name`` (the exact match)."""
    s = name.strip().replace("（", "(").replace("）", ")").replace("\u3000", "").replace("·", "")
    return re.sub(r"\s+", "", s)


def _plain(name: str) -> str:
    return _PUNCT.sub("", unicodedata.normalize("NFKC", name))


def region_prefixes(names: Iterable[str], regions: Iterable[str] = ()) -> list[str]:
    """Region prefixes to strip, longest first: the roster's 地区 values and every
    prefix ending in 省/市/区/县 shared by at least two roster names and 30% of
    them (滨江市, 滨江市清河区), each also without its suffix (清河区 -> 清河)."""
    plain = [_plain(n) for n in names if n]
    counts: dict[str, int] = {}
    for n in plain:
        for i in range(2, min(len(n) - 1, 9)):
            if n[i - 1] in _REGION_SUFFIX:
                counts[n[:i]] = counts.get(n[:i], 0) + 1
    found = {p for p, c in counts.items() if c >= 2 and c >= 0.3 * len(plain)}
    found |= {_plain(r) for r in regions if r and len(_plain(r)) >= 2}
    parts: set[str] = set()
    for p in found:
        parts.add(p)
        # components of a compound prefix (滨江市清河区 -> 滨江市, 清河区) and short forms
        start = 0
        for i, ch in enumerate(p):
            if ch in _REGION_SUFFIX and i + 1 - start >= 2:
                comp = p[start : i + 1]
                parts.add(comp)
                if len(comp) >= 3:
                    parts.add(comp[:-1])
                start = i + 1
    return sorted(parts, key=len, reverse=True)


def strong_key(name: str, prefixes: list[str]) -> tuple[str, bool]:
    """(key, printed 本级): the name with region prefixes and 本级 removed."""
    s = _plain(name)
    if s.startswith("中共"):
        s = s[2:]
    changed = True
    while changed:
        changed = False
        for p in prefixes:
            if s.startswith(p) and len(s) - len(p) >= 2:
                s, changed = s[len(p) :], True
                break
    benji = BENJI in s
    return s.replace(BENJI, ""), benji


def _numbers(key: str) -> set[str]:
    return set(_NUMBER.findall(key))


@dataclass(frozen=True)
class Candidate:
    unit_id: str
    name: str
    level: str | None = None  # 部门 / 本级 / 下属单位


@dataclass(frozen=True)
class Match:
    status: str  # exact | proposed | possible | none
    unit_id: str | None = None
    score: float = 0.0
    second_unit_id: str | None = None
    second_score: float = 0.0
    reason: str = ""


class Matcher:
    def __init__(self, names: Iterable[Candidate], regions: Iterable[str] = (),
                 rejected: Iterable[tuple[str, str]] = ()) -> None:  # fmt: skip
        self.names = list(names)
        self.prefixes = region_prefixes([c.name for c in self.names], regions)
        self.rejected = {(light_key(p), u) for p, u in rejected}
        self.exact: dict[str, set[str]] = {}
        self.level: dict[str, str | None] = {}
        self.keys: list[str] = []
        self.key_units: list[str] = []
        for c in self.names:
            self.exact.setdefault(light_key(c.name), set()).add(c.unit_id)
            self.level.setdefault(c.unit_id, c.level)
            key, _ = strong_key(c.name, self.prefixes)
            if key:
                self.keys.append(key)
                self.key_units.append(c.unit_id)

    def match(self, printed: str | None) -> Match:
        if not printed or not printed.strip():
            return Match("none", reason="没有单位名称")
        lk = light_key(printed)
        units = self.exact.get(lk, set())
        if len(units) == 1:
            return Match("exact", next(iter(units)), 100.0, reason="与名录中的名称或别名一致")
        key, benji = strong_key(printed, self.prefixes)
        if not key or not self.keys:
            return Match("none", reason="名录为空或名称无法比较")
        best: dict[str, float] = {}
        for _, score, i in process.extract(
            key, self.keys, scorer=fuzz.ratio, limit=20, score_cutoff=POSSIBLE
        ):
            uid = self.key_units[i]
            if (lk, uid) in self.rejected:
                continue
            if _numbers(key) != _numbers(self.keys[i]):
                score = min(score, CONFIDENT - 0.01)  # 第一中学 is not 第二中学
            # the same key for a 部门 and its 本级: the printed 本级 decides
            if score == 100 and (self.level.get(uid) == BENJI) == benji:
                score += 0.5
            best[uid] = max(best.get(uid, 0.0), score)
        if not best:
            return Match("none", reason="名录中没有相近的名称")
        ranked = sorted(best.items(), key=lambda kv: (-kv[1], kv[0]))
        (uid, top), (uid2, second) = ranked[0], (ranked[1] if len(ranked) > 1 else (None, 0.0))
        top_shown, second_shown = min(top, 100.0), min(second, 100.0)
        if len(units) > 1:
            return Match("possible", uid, top_shown, uid2, second_shown, "名录中有多个单位使用这个名称")
        if (top >= CONFIDENT and top - second >= MARGIN) or (top > 100 and second <= 100):
            why = (
                "去除地区前缀、括号、本级等差异后名称相同"
                if top >= 100
                else f"名称高度相似（相似度 {top_shown:.0f}）"
            )
            return Match("proposed", uid, top_shown, uid2, second_shown, why)
        why = (
            f"与两个单位同样相近（相似度 {top_shown:.0f} / {second_shown:.0f}），需人工判断"
            if top - second < MARGIN and top >= CONFIDENT
            else f"名称有相近者（相似度 {top_shown:.0f}），但不足以认定为同一单位"
        )
        return Match("possible", uid, top_shown, uid2, second_shown, why)
