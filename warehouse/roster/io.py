"""The roster sheet the bureau fills in (Excel or CSV): read and checked here,
written back as Excel (export, template). Headers are Chinese; a year's
deadline is a column ``2024年公开截止日期``."""

from __future__ import annotations

import csv
import hashlib
import io
import re
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

from warehouse.roster.match import light_key, region_prefixes, strong_key
from warehouse.roster.store import Roster

LEVELS = ("部门", "本级", "下属单位")
HEADERS = {  # sheet header -> field
    "单位编码": "unit_id", "单位名称": "unit_name", "统一社会信用代码": "credit_code",
    "预算单位编码": "budget_code", "主管部门": "department_name", "单位类型": "unit_type", "级次": "unit_level",
    "地区": "region", "人数": "staff_count", "曾用名及别名": "aliases", "应公开年度": "years",
}  # fmt: skip
HEADER_ALIASES = {"编制人数": "人数", "实有人数": "人数", "别名": "曾用名及别名", "曾用名": "曾用名及别名",
                  "预算编码": "预算单位编码", "信用代码": "统一社会信用代码"}  # fmt: skip
DEADLINE = re.compile(r"^(20\d\d)\s*年?\s*(公开)?截止日期$")
_SPLIT = re.compile(r"[|、;；,，\n]+")


class RosterSheetError(ValueError):
    pass


@dataclass
class SheetResult:
    units: list[dict] = field(default_factory=list)
    aliases: list[dict] = field(default_factory=list)
    years: list[dict] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    sha256: str = ""


def _cell(v: object) -> str:
    if v is None:
        return ""
    if isinstance(v, float) and v.is_integer():
        v = int(v)
    if isinstance(v, datetime):
        v = v.date()
    return str(v).strip()


def _rows(path: Path) -> list[list]:
    raw = path.read_bytes()
    if path.suffix.lower() in (".xlsx", ".xlsm", ".xls"):
        from python_calamine import CalamineWorkbook

        try:
            wb = CalamineWorkbook.from_filelike(io.BytesIO(raw))
            return wb.get_sheet_by_index(0).to_python()
        except Exception as exc:
            raise RosterSheetError(f"单位名录 {path.name} 无法读取（{exc}）") from None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = raw.decode("gb18030", errors="strict")
    return list(csv.reader(io.StringIO(text)))


def _date(text: str, where: str) -> date:
    for fmt in ("%Y-%m-%d", "%Y/%m/%d", "%Y.%m.%d", "%Y年%m月%d日"):
        try:
            return datetime.strptime(text[:11].strip(), fmt).date()
        except ValueError:
            continue
    raise RosterSheetError(f"{where}：截止日期「{text}」不是日期（应为 2025-09-30 这样的格式）")


def _years(text: str, where: str) -> list[int]:
    out: set[int] = set()
    for part in _SPLIT.split(text.replace("年", "")):
        part = part.strip()
        if not part:
            continue
        m = re.fullmatch(r"(20\d\d)\s*[-—~至]\s*(20\d\d)", part)
        if m:
            out.update(range(int(m[1]), int(m[2]) + 1))
        elif re.fullmatch(r"20\d\d", part):
            out.add(int(part))
        else:
            raise RosterSheetError(f"{where}：应公开年度「{text}」无法识别（如 2023、2024 或 2022-2024）")
    return sorted(out)


def read_sheet(path: Path, existing: Roster | None = None) -> SheetResult:
    """Read and check a roster sheet. Unit ids: the 单位编码 column, else the
    existing roster's unit with the same credit code, budget code or name, else
    a new id from the name. Raises RosterSheetError (Chinese, naming the file
    and row) on anything that cannot be imported as it is."""
    path = Path(path)
    if not path.is_file():
        raise RosterSheetError(f"单位名录文件不存在：{path}")
    table = [[_cell(c) for c in row] for row in _rows(path)]
    table = [r for r in table if any(r)]
    if not table:
        raise RosterSheetError(f"单位名录 {path.name} 是空的")
    header = [HEADER_ALIASES.get(h, h) for h in table[0]]
    if "单位名称" not in header:
        raise RosterSheetError(f"单位名录 {path.name} 第 1 行缺少「单位名称」列（请使用模板）")
    deadline_cols = {i: int(m[1]) for i, h in enumerate(header) if (m := DEADLINE.match(h))}
    res = SheetResult(sha256=hashlib.sha256(path.read_bytes()).hexdigest())
    existing = existing or Roster()
    known: dict[str, str] = {}
    for u in existing.units:
        for k in ("credit_code", "budget_code"):
            if u.get(k):
                known.setdefault(f"{k}:{u[k]}", u["unit_id"])
        known.setdefault(f"name:{light_key(u['unit_name'])}", u["unit_id"])
    for a in existing.unit_aliases:
        known.setdefault(f"name:{light_key(a['alias_name'])}", a["unit_id"])
    seen: dict[str, int] = {}
    for n, row in enumerate(table[1:], start=2):
        rec = {HEADERS[h]: (row[i] if i < len(row) else "") for i, h in enumerate(header) if h in HEADERS}
        where = f"单位名录 {path.name} 第 {n} 行"
        name = rec.get("unit_name", "")
        if not name:
            raise RosterSheetError(f"{where}：缺少单位名称")
        level = rec.get("unit_level") or ""
        if level and level not in LEVELS:
            raise RosterSheetError(f"{where}：级次「{level}」应为 部门、本级 或 下属单位")
        staff = rec.get("staff_count") or ""
        if staff and not re.fullmatch(r"\d+(\.0+)?", staff):
            raise RosterSheetError(f"{where}：人数「{staff}」不是整数")
        uid = rec.get("unit_id") or next(
            (known[k] for k in (f"credit_code:{rec.get('credit_code')}", f"budget_code:{rec.get('budget_code')}",
                                f"name:{light_key(name)}") if k in known and not k.endswith(":")),
            "R" + hashlib.sha1(light_key(name).encode()).hexdigest()[:8],
        )  # fmt: skip
        if uid in seen:
            raise RosterSheetError(f"{where}：单位「{name}」与第 {seen[uid]} 行重复（编码或名称相同）")
        seen[uid] = n
        res.units.append({
            "unit_id": uid, "unit_name": name, "credit_code": rec.get("credit_code") or None,
            "budget_code": rec.get("budget_code") or None, "department_name": rec.get("department_name") or None,
            "unit_level": level or None, "unit_type": rec.get("unit_type") or None,
            "region": rec.get("region") or None, "staff_count": int(float(staff)) if staff else None,
            "sheet_row": n,
        })  # fmt: skip
        for alias in _SPLIT.split(rec.get("aliases") or ""):
            if alias.strip() and light_key(alias) != light_key(name):
                res.aliases.append({"unit_id": uid, "alias_name": alias.strip()})
        years = _years(rec.get("years") or "", where)
        deadlines = {y: _date(row[i], where) for i, y in deadline_cols.items() if i < len(row) and row[i]}
        for y in sorted(set(years) | (set(deadlines) if not years else set())):
            res.years.append({"unit_id": uid, "fiscal_year": y, "deadline": deadlines.get(y)})
    _link_departments(res, path.name)
    return res


def _link_departments(res: SheetResult, file_name: str) -> None:
    """The tree: each unit's 部门 (the row named in 主管部门, matched on the
    strong key so 区教育局 finds 滨江市清河区教育局) and its parent."""
    names = [u["unit_name"] for u in res.units]
    prefixes = region_prefixes(names, [u["region"] for u in res.units if u["region"]])
    key = {strong_key(u["unit_name"], prefixes)[0]: u for u in res.units if u["unit_level"] in (None, "部门")}
    for u in res.units:
        dept = u["department_name"]
        own = not dept or light_key(dept) == light_key(u["unit_name"])
        if u["unit_level"] is None:
            u["unit_level"] = "部门" if own else "下属单位"
        if u["unit_level"] == "部门":
            u["department_id"], u["parent_unit_id"] = u["unit_id"], None
            continue
        parent = None if own else key.get(strong_key(dept, prefixes)[0])
        if parent is None or parent["unit_level"] != "部门":
            res.warnings.append(f"单位名录 {file_name} 第 {u['sheet_row']} 行：主管部门「{dept or '（空）'}」"
                                "不是名录中的部门，该单位不计入部门汇总")  # fmt: skip
            u["department_id"] = u["parent_unit_id"] = None
        else:
            u["department_id"] = u["parent_unit_id"] = parent["unit_id"]


FIELD_LABELS = {"unit_name": "单位名称", "credit_code": "统一社会信用代码", "budget_code": "预算单位编码",
                "department_name": "主管部门", "unit_level": "级次", "unit_type": "单位类型", "region": "地区",
                "staff_count": "人数", "department_id": "所属部门编码"}  # fmt: skip


def diff(old: Roster, new: SheetResult) -> list[dict]:
    """Change rows between the current roster and an imported sheet."""
    out: list[dict] = []
    before = {u["unit_id"]: u for u in old.units}
    after = {u["unit_id"]: u for u in new.units}
    for uid, u in after.items():
        if uid not in before:
            out.append(
                {"unit_id": uid, "field": "单位", "old_value": None, "new_value": f"新增：{u['unit_name']}"}
            )
            continue
        for f, label in FIELD_LABELS.items():
            a, b = before[uid].get(f), u.get(f)
            if (a or None) != (b or None):
                out.append({"unit_id": uid, "field": label, "old_value": _s(a), "new_value": _s(b)})
    for uid, u in before.items():
        if uid not in after:
            out.append(
                {"unit_id": uid, "field": "单位", "old_value": u["unit_name"], "new_value": "移出名录"}
            )
    for label, rows, fmt in (
        ("曾用名及别名", (old.unit_aliases, new.aliases), lambda r: r["alias_name"]),
        (
            "应公开年度",
            (old.unit_years, new.years),
            lambda r: f"{r['fiscal_year']}（截止 {_s(r['deadline']) or '—'}）",
        ),
    ):
        a_rows, b_rows = rows
        for uid in sorted(set(before) | set(after)):
            a = sorted(fmt(r) for r in a_rows if r["unit_id"] == uid)
            b = sorted(fmt(r) for r in b_rows if r["unit_id"] == uid)
            if a != b and uid in after and uid in before:
                out.append(
                    {"unit_id": uid, "field": label, "old_value": "、".join(a), "new_value": "、".join(b)}
                )
    return out


def _s(v: object) -> str | None:
    return None if v is None else str(v)


def sheet_rows(roster: Roster) -> tuple[list[str], list[list]]:
    """The roster as the sheet it was imported from (export; re-importable)."""
    years = sorted({r["fiscal_year"] for r in roster.unit_years})
    header = [*HEADERS, *[f"{y}年公开截止日期" for y in years]]
    aliases: dict[str, list[str]] = {}
    for a in roster.unit_aliases:
        aliases.setdefault(a["unit_id"], []).append(a["alias_name"])
    for d in roster.latest_decisions().values():
        if d["decision"] == "accepted" and d["unit_id"]:
            aliases.setdefault(d["unit_id"], []).append(d["printed_name"])
    by_unit: dict[str, dict[int, date | None]] = {}
    for r in roster.unit_years:
        by_unit.setdefault(r["unit_id"], {})[r["fiscal_year"]] = r["deadline"]
    rows = []
    for u in sorted(roster.units, key=lambda u: (u.get("sheet_row") or 0, u["unit_id"])):
        ys = by_unit.get(u["unit_id"], {})
        rows.append([
            u["unit_id"], u["unit_name"], u.get("credit_code") or "", u.get("budget_code") or "",
            u.get("department_name") or "", u.get("unit_type") or "", u.get("unit_level") or "",
            u.get("region") or "", u.get("staff_count") if u.get("staff_count") is not None else "",
            "|".join(dict.fromkeys(aliases.get(u["unit_id"], []))), "、".join(str(y) for y in sorted(ys)),
            *[(day.isoformat() if (day := ys.get(y)) else "") for y in years],
        ])  # fmt: skip
    return header, rows


TEMPLATE_EXAMPLE = [
    ["", "滨江市清河区教育局", "11330100MB0000001X", "101001", "滨江市清河区教育局", "行政单位", "部门", "滨江市清河区",
     "45", "清河区教育局", "2023、2024", "2024-09-30", "2025-09-30"],
    ["", "滨江市清河区教育局本级", "", "101001001", "滨江市清河区教育局", "行政单位", "本级", "滨江市清河区", "30", "",
     "2023、2024", "2024-09-30", "2025-09-30"],
    ["", "滨江市清河区第一中学", "", "101002", "滨江市清河区教育局", "事业单位", "下属单位", "滨江市清河区", "120",
     "清河区第一中学|清河一中", "2023-2024", "2024-09-30", "2025-09-30"],
]  # fmt: skip
NOTES = [
    ("单位编码", "可留空：系统按统一社会信用代码、预算单位编码或名称沿用已有编码，新单位自动编码"),
    ("单位名称", "必填，与公开文件封面一致的全称"),
    ("主管部门", "部门本身填自己的名称；本级和下属单位填所属部门的名称"),
    ("级次", "部门 / 本级 / 下属单位；留空时按主管部门推断"),
    ("曾用名及别名", "多个名称用 | 或 、 分隔；更名前的名称也填在这里"),
    ("应公开年度", "如 2023、2024 或 2022-2024"),
    (
        "YYYY年公开截止日期",
        "每个年度一列，如「2024年公开截止日期」，日期格式 2025-09-30；晚于截止日期公开的记为逾期",
    ),
]


def _xlsx(sheets: list[tuple[str, list[str], list[list]]]) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    wb = Workbook()
    wb.remove(wb.active)
    for title, header, rows in sheets:
        ws = wb.create_sheet(title)
        ws.append(header)
        for c in ws[1]:
            c.font = Font(bold=True)
        for r in rows:
            ws.append(r)
        for i, h in enumerate(header, start=1):
            ws.column_dimensions[ws.cell(1, i).column_letter].width = max(10, 2 * len(str(h)) + 2)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def export_xlsx(roster: Roster) -> bytes:
    header, rows = sheet_rows(roster)
    return _xlsx([("单位名录", header, rows)])


def template_xlsx() -> bytes:
    header = [*HEADERS, "2023年公开截止日期", "2024年公开截止日期"]
    return _xlsx(
        [("单位名录", header, TEMPLATE_EXAMPLE), ("填写说明", ["列", "说明"], [list(n) for n in NOTES])]
    )
