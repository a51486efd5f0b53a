"""Narrative facts (第三部分 情况说明 and the 绩效 appendix) of a 部门决算 disclosure.

`extract_facts(pages)` joins the pages into one whitespace-normalised text
(`text._Doc`: hard-wrapped lines and page breaks removed, spaces kept only
between two ASCII tokens such as table numbers), drops the glossary (名词解释)
and the key-work part (重点工作), and runs the registered steps over it: the
compiled patterns of each fact module (`PATTERNS`), then the steps that need
the whole text (per-项 items, 绩效 projects, "无……" statements, derived values,
what the text claims: comparisons, years and dates, structure, typography).
Each step turns what it reads into `Fact`s (docs/facts.md); a match that
cannot be turned into numbers is skipped. Amounts are returned in 万元.

Modules, by fact kind: `totals` (sections 一–六), `spending` (三公, 机关运行经费,
政府采购, 资产, 绩效 counts), `items` (per-项), `projects` (绩效 per project),
`claims` (comparison words, 完成率/增减率), `layout` (headings, years, dates,
unit names, placeholders, typography, empty-table notes; `lines`: the page lines
it reads).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping

from ingest.narrative import claims, layout, spending, totals
from ingest.narrative.codes import CLASS_CODES, _CodeResolver
from ingest.narrative.items import _items
from ingest.narrative.projects import _projects
from ingest.narrative.text import _Collector, _Doc
from ingest.record import Fact

__all__ = ["CLASS_CODES", "PATTERNS", "STEPS", "extract_facts"]

Handler = Callable[[re.Match, _Collector], None]
Step = Callable[[_Doc, _Collector, _CodeResolver], None]

# the registry: every fact module's patterns, scanned once over the text
PATTERNS: tuple[tuple[re.Pattern, Handler], ...] = (*totals.PATTERNS, *spending.PATTERNS)


def _scan_patterns(doc: _Doc, col: _Collector, _resolver: _CodeResolver) -> None:
    text = doc.text
    for rx, handler in PATTERNS:
        for m in rx.finditer(text):
            if not doc.allowed(m.start()):
                continue
            try:
                handler(m, col)
            except (ValueError, KeyError, TypeError, IndexError):
                continue  # a sentence we cannot read is skipped


# then the steps that read the whole text, in this order (later steps see earlier facts)
STEPS: tuple[tuple[str, Step], ...] = (
    ("patterns", _scan_patterns),
    ("struct_classes", lambda d, c, r: totals._scan_struct_classes(d, c)),
    ("items", _items),
    ("projects", lambda d, c, r: _projects(d, c)),
    ("zero_statements", lambda d, c, r: spending._zero_statements(d, c)),
    ("derive_prior", lambda d, c, r: totals._derive_prior(d, c)),
    *claims.STEPS,
    *layout.STEPS,
)


def extract_facts(pages: list[str], *, name_to_code: Mapping[str, str] | None = None) -> list[Fact]:
    """pages[i] is the full text of page i+1 of the document (tables included; for a
    text file without page breaks it is one element). Return the narrative facts.

    `name_to_code` (optional) maps 项 names and "类|款|项" name paths (as printed in the
    tables) to functional codes; it resolves `subject_code` of per-项 facts (null when
    unresolved). Never raises: what cannot be read is left out."""
    try:
        raw = [p if isinstance(p, str) else "" for p in (pages or [])]
        doc = _Doc(raw)
        resolver = _CodeResolver(name_to_code)
    except Exception:
        return []
    col = _Collector(doc)
    for _name, step in STEPS:
        try:
            step(doc, col, resolver)
        except Exception:  # one failing step only loses its own facts
            continue
    return col.facts()
