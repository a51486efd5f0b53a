"""The fictional district: departments (部门), their units (单位), staff, which
years each unit publishes, and the names units go by.

`build_district` draws concrete units from the templates (samplegen.unit_templates),
deterministically for a seed; a unit's draws depend on the seed and its own key
only, so U001 is the same whether 6 or 400 units are generated."""

from __future__ import annotations

import random
from dataclasses import dataclass, field, replace

from samplegen.templates_bureaus import BUREAUS
from samplegen.templates_services import SERVICE_UNITS
from samplegen.unit_templates import CITY, DISTRICT, PREFIX, REGION, Template

# Order matters: the first six cover every unit type, 政府性基金 (07) and
# 国有资本经营 (08) data, so a small corpus already exercises every table.
CATALOGUE_ORDER = (
    "民政局",
    "望江街道办事处",
    "实验小学",
    "妇幼保健院",
    "工业企业服务中心",
    "体育中心",
    "教育局",
    "人民医院",
    "卫生健康委员会",
    "财政局",
    "城市管理局",
    "社区事务受理服务中心",
    "第一中学",
    "疾病预防控制中心",
    "发展和改革委员会",
    "实验幼儿园",
    "望江街道社区卫生服务中心",
    "人力资源和社会保障局",
    "文化和旅游局",
    "社会工作部",
    "图书馆",
    "市场监督管理局",
    "招商服务中心",
    "农业农村局",
    "殡仪馆",
    "水务局",
    "生态环境局",
    "市政工程养护所",
    "交通运输局",
    "应急管理局",
    "社会福利院",
    "规划和自然资源局",
    "商务局",
    "教师进修学校",
    "中医医院",
    "退役军人事务局",
    "档案馆",
    "公安分局",
)
_BY_KEY = {t.key: t for t in BUREAUS + SERVICE_UNITS}
BASE_TEMPLATES: list[Template] = [_BY_KEY[k] for k in CATALOGUE_ORDER]

STREET_NAMES = (
    "望江",
    "临湖",
    "青石",
    "柳港",
    "金桥",
    "梧桐",
    "长堤",
    "白沙",
    "桂园",
    "鹤鸣",
    "兴隆",
    "沙湾",
    "枫林",
    "东湖",
    "南岸",
    "北塘",
    "西津",
    "杏花",
    "云溪",
    "石门",
    "凤凰",
    "龙泉",
    "新华",
    "永宁",
    "翠屏",
    "月湖",
    "晴川",
    "汉西",
    "宝丰",
    "泉水",
)
NUMERALS = "一二三四五六七八九"


def _cn_number(n: int) -> str:
    if n < 10:
        return NUMERALS[n - 1]
    if n < 20:
        return "十" + (NUMERALS[n - 11] if n > 10 else "")
    tens, ones = divmod(n, 10)
    return NUMERALS[tens - 1] + "十" + (NUMERALS[ones - 1] if ones else "")


def _extension_template(i: int) -> Template:
    """Templates beyond the base list: more streets, schools, health centres."""
    base = {t.key: t for t in BASE_TEMPLATES}
    family = i % 5
    n = i // 5 + 2  # numbering starts at 2 (第二…)
    street = STREET_NAMES[(i // 5 + 1) % len(STREET_NAMES)]
    if family == 0:
        t = base["实验小学"]
        return replace(t, key=f"第{_cn_number(n)}小学", full_name=None, short_aliases=())
    if family == 1:
        t = base["望江街道办事处"]
        # After the 30 street names, a 新区 prefix keeps names unique.
        sname = street if i // 5 + 1 < len(STREET_NAMES) else f"新{street}"
        return replace(
            t, key=f"{sname}街道办事处", short_aliases=(f"{sname}街道办事处", f"清河区{sname}街道")
        )
    if family == 2:
        t = base["实验幼儿园"]
        return replace(t, key=f"第{_cn_number(n)}幼儿园")
    if family == 3:
        t = base["望江街道社区卫生服务中心"]
        sname = street if i // 5 + 1 < len(STREET_NAMES) else f"新{street}"
        key = f"{sname}街道社区卫生服务中心"
        return replace(t, key=key, short_aliases=(key,))
    t = base["第一中学"]
    return replace(t, key=f"第{_cn_number(n + 1)}中学")


@dataclass
class Unit:
    unit_id: str
    template: Template
    name: str  # canonical
    aliases: list[str]
    department: str
    unit_type: str
    region: str
    staff_count: int
    expected_years: list[int]
    published_years: list[int]
    index: int
    old_names: dict[int, str] = field(default_factory=dict)  # year -> name used that year

    @property
    def key(self) -> str:
        return self.template.key

    def names_for_year(self, year: int) -> list[str]:
        """Names the unit's documents may print in `year` (canonical first)."""
        if year in self.old_names:
            old = self.old_names[year]
            return [old, old.replace(PREFIX, DISTRICT, 1)]
        return [self.name, *self.aliases_current]

    @property
    def aliases_current(self) -> list[str]:
        olds = set(self.old_names.values())
        olds |= {o.replace(PREFIX, DISTRICT, 1) for o in olds}
        return [a for a in self.aliases if a not in olds]


def _canonical(t: Template) -> str:
    return t.full_name or PREFIX + t.key


def _aliases(t: Template, name: str, rng: random.Random) -> list[str]:
    out: list[str] = []
    if name.startswith(PREFIX):
        core = name[len(PREFIX) :]
        out.append(DISTRICT + core)  # without the city prefix
        if t.unit_type in ("service_centre", "school", "institution") and rng.random() < 0.6:
            out.append(CITY + DISTRICT[:-1] + core)  # 武汉市江汉工业企业服务中心 style
    out.extend(a for a in t.short_aliases if a not in out)
    return [a for a in out if a != name]


def parse_years(years: str) -> list[int]:
    out: set[int] = set()
    for part in years.replace(" ", "").split(","):
        if not part:
            continue
        if "-" in part:
            a, b = part.split("-", 1)
            out.update(range(int(a), int(b) + 1))
        else:
            out.add(int(part))
    if not out:
        raise ValueError("no years given")
    return sorted(out)


def build_district(n_units: int, years: list[int], seed: int) -> list[Unit]:
    templates = list(BASE_TEMPLATES)
    i = 0
    while len(templates) < n_units:
        templates.append(_extension_template(i))
        i += 1
    templates = templates[:n_units]
    by_key = {t.key: t for t in BASE_TEMPLATES}
    units: list[Unit] = []
    for idx, t in enumerate(templates):
        rng = random.Random(f"{seed}/unit/{t.key}")
        name = _canonical(t)
        aliases = _aliases(t, name, rng)
        old_names: dict[int, str] = {}
        if t.old_name:
            since, old_core = t.old_name
            old = PREFIX + old_core
            for y in years:
                if y < since:
                    old_names[y] = old
            if old_names:
                aliases += [old, DISTRICT + old_core]
        dept_t = by_key.get(t.department) if t.department else None
        department = _canonical(dept_t) if dept_t else name
        expected = list(years)
        if t.key == "社会工作部" and len(years) > 1:
            expected = [years[-1]]  # founded in the last year of the range
        elif t.key == "招商服务中心" and len(years) > 2:
            expected = years[:2]  # merged into 商务局 afterwards
        published = list(expected)
        if idx >= 6:
            # A few expected disclosures are never published.
            published = [y for y in expected if rng.random() >= 0.04]
        staff = rng.randint(*t.staff)
        units.append(
            Unit(
                unit_id=f"U{idx + 1:03d}",
                template=t,
                name=name,
                aliases=aliases,
                department=department,
                unit_type=t.unit_type,
                region=REGION,
                staff_count=staff,
                expected_years=expected,
                published_years=published,
                index=idx,
                old_names=old_names,
            )
        )
    return units
