"""What the nine tables look like: titles, column keys and their header keywords.
Rules as data: the readers and the verifier consult this, not hard-coded branches."""

from __future__ import annotations

import re
from dataclasses import dataclass

# Most specific first: several titles contain shorter ones (05 contains 支出决算表).
TITLE_PATTERNS: list[tuple[str, re.Pattern]] = [
    ("06", re.compile(r"基本支出决算(明细)?表")),
    ("09", re.compile(r"三公.{0,3}经费.{0,6}决算表")),
    ("07", re.compile(r"政府性基金预算财政拨款(收入)?支出决算表")),
    ("08", re.compile(r"国有资本经营预算财政拨款(收入)?支出决算表")),
    ("05", re.compile(r"一般公共预算财政拨款支出决算表")),
    ("04", re.compile(r"财政拨款收入支出决算总表")),
    ("01", re.compile(r"收入支出决算总表")),
    ("02", re.compile(r"收入决算表")),
    ("03", re.compile(r"支出决算表")),
]
LABEL = re.compile(r"(?:公开|财决|部门决算)?\s*0?(\d{1,2})\s*表|表\s*(\d{1,2})(?!\d)")


@dataclass(frozen=True)
class Column:
    key: str
    keywords: tuple[str, ...]


# Standard left-to-right order of the value columns (used when positions are lost).
COLUMNS: dict[str, tuple[Column, ...]] = {
    "02": (
        Column("total", ("本年收入合计", "收入合计", "合计")),
        Column("fiscal", ("财政拨款", "财政补助")),
        Column("superior_subsidy", ("上级补助",)),
        Column("business", ("事业收入",)),
        Column("operating", ("经营收入",)),
        Column("affiliated_remittance", ("附属单位上缴", "附属单位")),
        Column("other", ("其他收入",)),
    ),
    "03": (
        Column("total", ("本年支出合计", "支出合计", "合计")),
        Column("basic", ("基本支出",)),
        Column("project", ("项目支出",)),
        Column("remit_superior", ("上缴上级",)),
        Column("operating", ("经营支出",)),
        Column("affiliated_subsidy", ("对附属单位", "附属单位补助")),
    ),
    "05": (
        Column("budget_initial", ("年初预算",)),
        Column("budget_adjusted", ("调整预算", "全年预算")),
        Column("total", ("小计", "合计", "决算数")),
        Column("basic", ("基本支出",)),
        Column("project", ("项目支出",)),
    ),
    "07": (
        Column("opening", ("年初结转",)),
        Column("income", ("本年收入",)),
        Column("total", ("小计", "合计")),
        Column("basic", ("基本支出",)),
        Column("project", ("项目支出",)),
        Column("closing", ("年末结转",)),
    ),
    "08": (
        Column("total", ("合计", "小计")),
        Column("basic", ("基本支出",)),
        Column("project", ("项目支出",)),
    ),
    "04": (
        Column("total", ("合计",)),
        Column("general", ("一般公共预算",)),
        Column("fund", ("政府性基金",)),
        Column("state_capital", ("国有资本",)),
    ),
}
# Columns that are optional: present only in some regions' layouts.
OPTIONAL_COLUMNS = {"05": {"budget_initial", "budget_adjusted"}}

# Identity R-row: total column = sum of component columns (per table).
ROW_IDENTITIES: dict[str, list[tuple[str, tuple[str, ...]]]] = {
    "02": [
        ("total", ("fiscal", "superior_subsidy", "business", "operating", "affiliated_remittance", "other"))
    ],
    "03": [("total", ("basic", "project", "remit_superior", "operating", "affiliated_subsidy"))],
    "04": [("total", ("general", "fund", "state_capital"))],
    "05": [("total", ("basic", "project"))],
    "07": [("total", ("basic", "project"))],
    "08": [("total", ("basic", "project"))],
}
TREE_TABLES = ("02", "03", "05", "07", "08")

SANGONG_ITEMS = ("total", "outbound", "vehicle", "vehicle_purchase", "vehicle_operation", "reception")
SANGONG_KEYWORDS = {
    "total": ("合计",),
    "outbound": ("因公出国",),
    "vehicle": ("小计",),
    "vehicle_purchase": ("购置费",),
    "vehicle_operation": ("运行维护费",),
    "reception": ("公务接待",),
    "meeting": ("会议费",),
    "training": ("培训费",),
}

# The 26 类 printed in tables 01 and 04, name → code.
CLASS_CODES = {
    "一般公共服务支出": "201",
    "外交支出": "202",
    "国防支出": "203",
    "公共安全支出": "204",
    "教育支出": "205",
    "科学技术支出": "206",
    "文化旅游体育与传媒支出": "207",
    "社会保障和就业支出": "208",
    "卫生健康支出": "210",
    "节能环保支出": "211",
    "城乡社区支出": "212",
    "农林水支出": "213",
    "交通运输支出": "214",
    "资源勘探工业信息等支出": "215",
    "商业服务业等支出": "216",
    "金融支出": "217",
    "援助其他地区支出": "219",
    "自然资源海洋气象等支出": "220",
    "住房保障支出": "221",
    "粮油物资储备支出": "222",
    "国有资本经营预算支出": "223",
    "灾害防治及应急管理支出": "224",
    "其他支出": "229",
    "债务还本支出": "231",
    "债务付息支出": "232",
    "抗疫特别国债安排的支出": "234",
}

# Non-类 rows of the two-sided tables: label keyword → canonical label, side.
INCOME_ITEMS = {
    "01": [
        "一般公共预算财政拨款收入",
        "政府性基金预算财政拨款收入",
        "国有资本经营预算财政拨款收入",
        "上级补助收入",
        "事业收入",
        "经营收入",
        "附属单位上缴收入",
        "其他收入",
        "本年收入合计",
        "使用非财政拨款结余",
        "年初结转和结余",
    ],
    "04": [
        "一般公共预算财政拨款",
        "政府性基金预算财政拨款",
        "国有资本经营预算财政拨款",
        "本年收入合计",
        "年初财政拨款结转和结余",
    ],
}
EXPENDITURE_ITEMS = {
    "01": ["本年支出合计", "结余分配", "年末结转和结余"],
    "04": ["本年支出合计", "年末财政拨款结转和结余"],
}

# 04's fund columns and the income-side item that names each.
FUND_COLUMNS = (
    ("general", "一般公共预算财政拨款"),
    ("fund", "政府性基金预算财政拨款"),
    ("state_capital", "国有资本经营预算财政拨款"),
)
