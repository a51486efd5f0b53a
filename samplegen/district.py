"""The fictional district: departments (部门), their units (单位), unit types and
spending profiles, staff, and the names units go by.

A unit's template fixes what it spends on (functional 项 for basic spending,
项 with named projects, 政府性基金 / 国有资本经营 subjects), how much of its basic
spending the general budget pays (the rest is 事业收入 etc.), its size range and
its duties. `build_district` draws concrete units from the templates,
deterministically for a seed; a unit's draws depend on the seed and its own key
only, so U001 is the same whether 6 or 400 units are generated."""

from __future__ import annotations

import random
from dataclasses import dataclass, field, replace

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


def _t(key, unit_type, admin, basic, projects, staff, **kw) -> Template:
    return Template(key, unit_type, admin, tuple(basic), tuple(projects), staff, **kw)


_GENERIC_DUTIES = (
    "贯彻执行国家和省、市有关法律法规和方针政策，拟订本区相关领域发展规划并组织实施",
    "负责本领域日常管理和公共服务工作，推进相关改革",
    "负责本单位财务、资产和人事管理，加强内部控制",
    "完成区委、区政府交办的其他任务",
)

# Order matters: the first six cover every unit type, 政府性基金 (07) and
# 国有资本经营 (08) data, so a small corpus already exercises every table.
BASE_TEMPLATES: list[Template] = [
    _t(
        "民政局",
        "bureau",
        True,
        [("2080201", 1.0)],
        [
            ("2080208", ("社区治理专项经费", "基层政权建设经费")),
            ("2081002", ("高龄老人营养补贴", "老年综合津贴")),
            ("2081005", ("居家养老服务补贴",)),
            ("2080299", ("社会组织培育发展经费",)),
        ],
        (28, 45),
        project_intensity=(0.8, 2.5),
        fund=(("2296002", ("福利彩票公益金资助项目",)),),
        duties=(
            "贯彻执行民政工作法律法规和政策，拟订本区民政事业发展规划",
            "负责社会救助、养老服务、社会福利和慈善事业管理工作",
            "指导基层政权建设和社区治理，负责社会组织登记管理",
            "负责殡葬管理、婚姻登记和区划地名管理工作",
        ),
    ),
    _t(
        "望江街道办事处",
        "street",
        True,
        [("2010301", 0.8), ("2120101", 0.2)],
        [
            ("2120501", ("街面环境卫生保洁", "垃圾分类运营经费")),
            ("2080208", ("社区工作者薪酬补贴", "居民委员会运转经费")),
            ("2120199", ("城市网格化综合管理",)),
            ("2010302", ("街道综合治理经费",)),
        ],
        (70, 140),
        project_intensity=(0.8, 2.2),
        fund=(("2120803", ("老旧小区综合改造项目",)),),
        vehicles=(1, 4),
        short_aliases=("望江街道办事处", "清河区望江街道"),
        duties=(
            "贯彻执行党和国家的路线方针政策，负责辖区社区建设和基层治理",
            "统筹辖区城市管理、环境卫生和市容秩序工作",
            "负责辖区社会事务、民生保障和公共服务工作",
            "负责辖区平安建设、应急管理和安全生产监督工作",
        ),
    ),
    _t(
        "实验小学",
        "school",
        False,
        [("2050202", 1.0)],
        [
            ("2050202", ("课后服务经费", "校舍维修改造", "教育信息化设备更新")),
            ("2050299", ("学生综合实践活动",)),
        ],
        (55, 120),
        fiscal_share=(0.92, 1.0),
        project_intensity=(0.05, 0.25),
        vehicles=(0, 0),
        department="教育局",
        per_staff=(15.0, 21.0),
        public_per_staff=(1.5, 3.5),
        duties=("实施小学义务教育，促进基础教育发展", "负责学校教育教学、德育和安全管理工作"),
    ),
    _t(
        "妇幼保健院",
        "hospital",
        False,
        [("2100403", 1.0)],
        [
            ("2100409", ("重大公共卫生服务项目", "两癌筛查项目")),
            ("2100408", ("基本公共卫生服务项目",)),
        ],
        (150, 300),
        fiscal_share=(0.18, 0.35),
        project_intensity=(0.1, 0.3),
        superior=True,
        vehicles=(1, 3),
        department="卫生健康委员会",
        per_staff=(20.0, 28.0),
        large_equipment=(1, 6),
        duties=("承担辖区妇女儿童医疗保健服务", "负责辖区妇幼卫生业务指导和妇幼健康信息管理"),
    ),
    _t(
        "工业企业服务中心",
        "service_centre",
        False,
        [("2150899", 1.0)],
        [("2150502", ("企业改制托管工作经费", "资产监管及营运经费", "信访稳定专项经费"))],
        (8, 22),
        project_intensity=(0.03, 0.15),
        state_capital=(("2230105", ("国有企业退休人员社会化管理补助",)),),
        vehicles=(0, 1),
        retiree_ratio=(1.5, 4.0),
        duties=(
            "指导所属企业改革改制，处理企业改制遗留问题，监管国有资产运营",
            "承担协调改制企业来信来访、安全生产工作，维护社会稳定",
            "负责原工业系统离退休干部的管理",
        ),
    ),
    _t(
        "体育中心",
        "institution",
        False,
        [("2070307", 1.0)],
        [("2070308", ("全民健身赛事活动", "社区健身设施维护"))],
        (20, 45),
        fiscal_share=(0.45, 0.7),
        project_intensity=(0.1, 0.4),
        fund=(("2296003", ("体育彩票公益金项目",)),),
        operating=True,
        department="文化和旅游局",
        duties=("负责区体育场馆的运营管理和对外开放", "组织开展全民健身和群众性体育赛事活动"),
    ),
    _t(
        "教育局",
        "bureau",
        True,
        [("2050101", 1.0)],
        [
            ("2050102", ("教育督导评估经费",)),
            ("2050299", ("教育质量提升工程", "学生资助项目")),
            ("2050803", ("教师培训经费",)),
        ],
        (35, 60),
        project_intensity=(1.0, 3.0),
        duties=(
            "贯彻执行教育法律法规和方针政策，拟订本区教育发展规划",
            "统筹管理本区各级各类教育，指导学校教育教学改革",
            "负责教师队伍建设和教育经费统筹管理",
        ),
    ),
    _t(
        "人民医院",
        "hospital",
        False,
        [("2100201", 1.0)],
        [("2100201", ("医疗设备购置", "重点专科建设")), ("2100299", ("医院信息化建设",))],
        (700, 1100),
        fiscal_share=(0.08, 0.16),
        project_intensity=(0.05, 0.2),
        affiliated_subsidy=True,
        vehicles=(2, 6),
        department="卫生健康委员会",
        per_staff=(22.0, 30.0),
        large_equipment=(5, 18),
        duties=("承担辖区居民基本医疗和急危重症救治服务", "承担医学教学、科研和公共卫生指令性任务"),
    ),
    _t(
        "卫生健康委员会",
        "bureau",
        True,
        [("2100101", 1.0)],
        [
            ("2100408", ("基本公共卫生服务补助",)),
            ("2100409", ("疫苗接种与传染病防控",)),
            ("2100199", ("卫生健康综合监督",)),
        ],
        (30, 55),
        project_intensity=(1.0, 3.0),
        affiliated_remittance=True,
        short_aliases=("清河区卫健委",),
        duties=(
            "贯彻执行卫生健康法律法规和政策，拟订本区卫生健康事业发展规划",
            "协调推进医药卫生体制改革，组织疾病预防控制和卫生应急工作",
            "负责医疗机构和医疗服务行业管理",
        ),
    ),
    _t(
        "财政局",
        "bureau",
        True,
        [("2010601", 1.0)],
        [("2010602", ("财政信息化建设", "预算绩效评价经费")), ("2010699", ("政府采购代理服务",))],
        (50, 85),
        project_intensity=(0.2, 0.7),
        duties=(
            "拟订本区财政发展规划和政策，编制年度区级预决算草案并组织执行",
            "负责政府非税收入、政府采购和国有资产管理工作",
            "负责财政监督和预算绩效管理工作",
        ),
    ),
    _t(
        "城市管理局",
        "bureau",
        True,
        [("2120101", 1.0)],
        [
            ("2120104", ("城管执法装备经费",)),
            ("2120501", ("道路保洁与垃圾清运",)),
            ("2120399", ("市政设施养护",)),
        ],
        (60, 130),
        project_intensity=(1.0, 3.0),
        vehicles=(2, 8),
        full_name=PREFIX + "城市管理和综合执法局",
        old_name=(2023, "城市管理局"),
        duties=(
            "负责本区市容环境卫生、城市照明和市政设施管理",
            "负责城市管理综合执法工作",
            "负责生活垃圾分类和处置的监督管理",
        ),
    ),
    _t(
        "社区事务受理服务中心",
        "service_centre",
        False,
        [("2010350", 1.0)],
        [("2010399", ("社区事务受理窗口运行经费",))],
        (12, 30),
        project_intensity=(0.05, 0.3),
        department="望江街道办事处",
        full_name=PREFIX + "望江街道社区事务受理服务中心",
        short_aliases=("望江街道社区事务受理服务中心",),
        duties=("承担辖区社区事务一门式受理服务", "负责社区事务办理的咨询、受理和反馈"),
    ),
    _t(
        "第一中学",
        "school",
        False,
        [("2050204", 0.6), ("2050203", 0.4)],
        [("2050204", ("高中教学设备更新",)), ("2050299", ("学生活动经费",))],
        (90, 160),
        fiscal_share=(0.85, 0.95),
        project_intensity=(0.05, 0.2),
        department="教育局",
        per_staff=(16.0, 23.0),
        duties=("实施初中和高中教育", "负责学校教育教学、德育和安全管理工作"),
    ),
    _t(
        "疾病预防控制中心",
        "institution",
        False,
        [("2100401", 1.0)],
        [("2100409", ("传染病监测与防控", "免疫规划项目"))],
        (60, 110),
        fiscal_share=(0.75, 0.92),
        project_intensity=(0.2, 0.6),
        department="卫生健康委员会",
        vehicles=(2, 5),
        large_equipment=(0, 3),
        duties=("承担辖区疾病预防控制、突发公共卫生事件监测和处置", "开展健康教育和卫生检测检验工作"),
    ),
    _t(
        "发展和改革委员会",
        "bureau",
        True,
        [("2010401", 1.0)],
        [("2010408", ("价格监测经费",)), ("2010499", ("重点项目前期研究",))],
        (25, 45),
        project_intensity=(0.1, 0.5),
        short_aliases=("清河区发改委",),
        duties=("拟订本区国民经济和社会发展规划并组织实施", "负责重大项目统筹协调和价格管理工作"),
    ),
    _t(
        "实验幼儿园",
        "school",
        False,
        [("2050201", 1.0)],
        [("2050201", ("幼儿园保教设施更新",))],
        (25, 60),
        fiscal_share=(0.55, 0.72),
        project_intensity=(0.03, 0.15),
        department="教育局",
        per_staff=(12.0, 18.0),
        duties=("实施学前教育，开展幼儿保育和教育工作",),
    ),
    _t(
        "望江街道社区卫生服务中心",
        "hospital",
        False,
        [("2100301", 1.0)],
        [("2100408", ("家庭医生签约服务", "基本公共卫生服务项目"))],
        (45, 110),
        fiscal_share=(0.4, 0.6),
        project_intensity=(0.1, 0.35),
        superior=True,
        department="卫生健康委员会",
        short_aliases=("望江街道社区卫生服务中心",),
        duties=("提供社区基本医疗和基本公共卫生服务", "开展家庭医生签约服务和慢性病管理"),
    ),
    _t(
        "人力资源和社会保障局",
        "bureau",
        True,
        [("2080101", 1.0)],
        [
            ("2080799", ("职业技能培训补贴", "就业困难人员援助")),
            ("2080109", ("社保经办服务经费",)),
        ],
        (40, 80),
        project_intensity=(0.5, 2.0),
        short_aliases=("清河区人社局",),
        duties=("拟订本区人力资源和社会保障事业发展规划", "负责促进就业、社会保险和劳动关系工作"),
    ),
    _t(
        "文化和旅游局",
        "bureau",
        True,
        [("2070101", 1.0)],
        [("2070109", ("群众文化活动经费",)), ("2070199", ("文旅融合宣传推广",))],
        (25, 45),
        project_intensity=(0.5, 1.5),
        short_aliases=("清河区文旅局",),
        duties=("拟订本区文化和旅游发展规划并组织实施", "负责公共文化服务体系建设和旅游市场管理"),
    ),
    _t(
        "社会工作部",
        "bureau",
        True,
        [("2013101", 1.0)],
        [("2013102", ("新建部门开办费", "党建引领基层治理项目"))],
        (12, 25),
        project_intensity=(0.5, 2.0),
        full_name="中共" + CITY + DISTRICT.replace("区", "") + "区委社会工作部",
        short_aliases=("清河区委社会工作部", "中共清河区委社会工作部"),
        duties=("统筹指导人民信访和人民建议征集工作", "统筹推进党建引领基层治理和基层政权建设"),
    ),
    _t(
        "图书馆",
        "institution",
        False,
        [("2070104", 1.0)],
        [("2070104", ("图书采购经费", "阅读推广活动"))],
        (20, 40),
        fiscal_share=(0.85, 0.97),
        project_intensity=(0.1, 0.4),
        department="文化和旅游局",
        duties=("负责图书文献的收藏、借阅和数字阅读服务", "组织开展全民阅读推广活动"),
    ),
    _t(
        "市场监督管理局",
        "bureau",
        True,
        [("2013801", 1.0)],
        [("2013816", ("食品安全抽检", "食品安全监管经费")), ("2013802", ("执法办案经费",))],
        (100, 180),
        project_intensity=(0.1, 0.4),
        vehicles=(3, 8),
        short_aliases=("清河区市场监管局",),
        duties=("负责本区市场综合监督管理和市场主体登记注册", "负责食品安全、特种设备安全和产品质量监督管理"),
    ),
    _t(
        "招商服务中心",
        "service_centre",
        False,
        [("2010350", 1.0)],
        [("2011308", ("招商引资活动经费",))],
        (8, 18),
        project_intensity=(0.2, 0.8),
        department="商务局",
        duties=("承担招商引资项目的洽谈、落地服务", "负责重点企业的跟踪服务"),
    ),
    _t(
        "农业农村局",
        "bureau",
        True,
        [("2130101", 1.0)],
        [("2130199", ("都市农业发展补贴", "农村人居环境整治"))],
        (20, 40),
        project_intensity=(0.5, 2.0),
        duties=("统筹本区农业农村发展规划和政策", "负责农业产业发展和农村人居环境整治"),
    ),
    _t(
        "殡仪馆",
        "institution",
        False,
        [("2081004", 1.0)],
        [("2081004", ("殡葬设施维护", "惠民殡葬补贴"))],
        (20, 45),
        fiscal_share=(0.4, 0.6),
        project_intensity=(0.05, 0.3),
        remit_superior=True,
        operating=True,
        department="民政局",
        vehicles=(2, 6),
        duties=("承担遗体接运、火化和骨灰寄存服务", "推行殡葬改革和惠民殡葬政策"),
    ),
    _t(
        "水务局",
        "bureau",
        True,
        [("2130301", 1.0)],
        [("2130306", ("河道日常养护", "防汛设施维护"))],
        (25, 45),
        project_intensity=(1.0, 3.0),
        duties=("负责本区水资源、河湖和防汛管理", "负责水利工程的运行维护和监督管理"),
    ),
    _t(
        "生态环境局",
        "bureau",
        True,
        [("2110101", 1.0)],
        [("2110302", ("河湖水质监测",)), ("2110199", ("环境执法监测",))],
        (30, 60),
        project_intensity=(0.3, 1.2),
        duties=("负责本区生态环境监督管理", "组织开展污染防治和环境执法工作"),
    ),
    _t(
        "市政工程养护所",
        "institution",
        False,
        [("2120399", 1.0)],
        [("2120399", ("道路桥梁养护",))],
        (30, 70),
        fiscal_share=(0.65, 0.85),
        project_intensity=(0.3, 1.0),
        operating=True,
        department="城市管理局",
        vehicles=(3, 8),
        duties=("承担辖区市政道路、桥梁和排水设施的养护维修", "负责市政设施的巡查和应急抢修"),
    ),
    _t(
        "交通运输局",
        "bureau",
        True,
        [("2140101", 1.0)],
        [("2140106", ("公路日常养护", "桥梁检测"))],
        (25, 50),
        project_intensity=(0.8, 2.5),
        vehicles=(1, 4),
        duties=("负责本区交通运输行业管理", "负责区管公路的建设和养护管理"),
    ),
    _t(
        "应急管理局",
        "bureau",
        True,
        [("2240101", 1.0)],
        [("2240106", ("安全生产执法检查",)), ("2240199", ("应急物资储备",))],
        (25, 45),
        project_intensity=(0.3, 1.0),
        vehicles=(1, 4),
        duties=("负责本区应急管理和安全生产综合监督管理", "组织编制应急预案并开展应急演练"),
    ),
    _t(
        "社会福利院",
        "institution",
        False,
        [("2081002", 1.0)],
        [("2081002", ("院民生活补助",))],
        (20, 50),
        fiscal_share=(0.6, 0.8),
        project_intensity=(0.05, 0.25),
        department="民政局",
        duties=("承担孤寡老人、孤残儿童的供养和康复服务",),
    ),
    _t(
        "规划和自然资源局",
        "bureau",
        True,
        [("2200101", 1.0)],
        [("2200199", ("国土空间规划编制", "不动产登记信息化"))],
        (40, 80),
        project_intensity=(0.5, 1.5),
        duties=("负责本区国土空间规划和自然资源管理", "负责自然资源和不动产确权登记工作"),
    ),
    _t(
        "商务局",
        "bureau",
        True,
        [("2011301", 1.0)],
        [("2011308", ("招商引资活动经费",)), ("2160299", ("消费促进活动",))],
        (20, 40),
        project_intensity=(0.3, 1.5),
        duties=("拟订本区商务发展规划和政策", "负责招商引资、消费促进和商贸流通管理"),
    ),
    _t(
        "教师进修学校",
        "school",
        False,
        [("2050801", 1.0)],
        [("2050803", ("教师继续教育培训",))],
        (25, 50),
        fiscal_share=(0.9, 1.0),
        project_intensity=(0.1, 0.5),
        department="教育局",
        duties=("承担全区中小学教师继续教育和教研工作",),
    ),
    _t(
        "中医医院",
        "hospital",
        False,
        [("2100202", 1.0)],
        [("2100202", ("中医特色专科建设",))],
        (250, 450),
        fiscal_share=(0.1, 0.2),
        project_intensity=(0.05, 0.2),
        department="卫生健康委员会",
        vehicles=(1, 4),
        per_staff=(21.0, 28.0),
        large_equipment=(2, 9),
        duties=("提供中医医疗、预防保健和康复服务", "开展中医药传承创新和特色专科建设"),
    ),
    _t(
        "退役军人事务局",
        "bureau",
        True,
        [("2082801", 1.0)],
        [("2082899", ("退役军人关爱帮扶",))],
        (15, 30),
        project_intensity=(0.5, 2.0),
        duties=("负责退役军人思想政治、管理保障和安置工作", "组织开展退役军人关爱帮扶和褒扬纪念工作"),
    ),
    _t(
        "档案馆",
        "institution",
        False,
        [("2012604", 1.0)],
        [("2012604", ("档案数字化加工",))],
        (12, 25),
        fiscal_share=(0.93, 0.99),
        project_intensity=(0.1, 0.6),
        duties=("负责接收、征集和保管本区重要档案资料", "提供档案查阅利用服务"),
    ),
    _t(
        "公安分局",
        "bureau",
        True,
        [("2040201", 1.0)],
        [("2040299", ("治安防控体系建设", "执法办案经费"))],
        (300, 520),
        project_intensity=(0.2, 0.6),
        vehicles=(20, 45),
        full_name=CITY + "公安局" + DISTRICT + "分局",
        short_aliases=("清河区公安分局", "清河公安分局"),
        duties=("负责辖区治安管理和刑事案件侦查", "负责辖区交通、消防和出入境等公安行政管理"),
    ),
]

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
