"""What a unit of the fictional district spends on and how big it is: the
`Template` a concrete unit is drawn from (samplegen.district), and the district's
names.

A template fixes what the unit spends on (functional 项 for basic spending, 项
with named projects, 政府性基金 / 国有资本经营 subjects), how much of its basic
spending the general budget pays (the rest is 事业收入 etc.), its size range and
its duties."""

from __future__ import annotations

from dataclasses import dataclass

CITY = "滨江市"
DISTRICT = "清河区"
PREFIX = CITY + DISTRICT
REGION = PREFIX

UNIT_TYPES = ("bureau", "street", "school", "hospital", "service_centre", "institution")


@dataclass(frozen=True)
class Template:
    key: str  # core name, e.g. "民政局"
    unit_type: str
    admin: bool  # 行政 / 参公 (行政单位医疗, 机关运行经费) vs 事业单位
    basic: tuple[tuple[str, float], ...]  # 项 carrying basic spending, with weights
    projects: tuple[tuple[str, tuple[str, ...]], ...]  # 项 -> project names
    staff: tuple[int, int]
    fiscal_share: tuple[float, float] = (1.0, 1.0)  # general-budget share of basic spending
    project_intensity: tuple[float, float] = (0.15, 0.8)  # projects relative to basic
    fund: tuple[tuple[str, tuple[str, ...]], ...] = ()  # 政府性基金 项 -> projects
    state_capital: tuple[tuple[str, tuple[str, ...]], ...] = ()
    operating: bool = False  # 经营收入 / 经营支出
    superior: bool = False  # 上级补助收入
    affiliated_subsidy: bool = False  # 对附属单位补助支出
    affiliated_remittance: bool = False  # 附属单位上缴收入
    remit_superior: bool = False  # 上缴上级支出
    vehicles: tuple[int, int] = (0, 3)
    department: str | None = None  # key of the department's 本级 template; None = itself
    full_name: str | None = None  # canonical name when not PREFIX + key
    short_aliases: tuple[str, ...] = ()
    old_name: tuple[int, str] | None = None  # (first year of current name, older core name)
    duties: tuple[str, ...] = ()
    per_staff: tuple[float, float] = (17.0, 24.0)  # personnel cost per staff, 万元
    public_per_staff: tuple[float, float] = (2.0, 5.0)
    retiree_ratio: tuple[float, float] = (0.0, 0.4)
    large_equipment: tuple[int, int] = (0, 0)


def template(key, unit_type, admin, basic, projects, staff, **kw) -> Template:
    return Template(key, unit_type, admin, tuple(basic), tuple(projects), staff, **kw)
