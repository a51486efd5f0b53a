"""Functional 类 names and the resolver of per-项 names to codes."""

from __future__ import annotations

import re
from collections.abc import Mapping

from ingest.narrative.text import _norm_key, _norm_path

# ---------------------------------------------------------------------------
# Functional 类 names -> codes (the national list; a few older names too).

CLASS_CODES: dict[str, str] = {
    "一般公共服务": "201",
    "外交": "202",
    "国防": "203",
    "公共安全": "204",
    "教育": "205",
    "科学技术": "206",
    "文化旅游体育与传媒": "207",
    "文化体育与传媒": "207",
    "社会保障和就业": "208",
    "卫生健康": "210",
    "医疗卫生与计划生育": "210",
    "医疗卫生": "210",
    "节能环保": "211",
    "城乡社区": "212",
    "农林水": "213",
    "交通运输": "214",
    "资源勘探工业信息等": "215",
    "资源勘探信息等": "215",
    "商业服务业等": "216",
    "金融": "217",
    "援助其他地区": "219",
    "自然资源海洋气象等": "220",
    "国土海洋气象等": "220",
    "住房保障": "221",
    "粮油物资储备": "222",
    "国有资本经营预算": "223",
    "灾害防治及应急管理": "224",
    "其他": "229",
    "债务还本": "231",
    "债务付息": "232",
    "抗疫特别国债安排的": "234",
}

_CLASS_ALT = "|".join(sorted(map(re.escape, CLASS_CODES), key=len, reverse=True))


class _CodeResolver:
    def __init__(self, name_to_code: Mapping[str, str] | None):
        self.paths: dict[str, str] = {}
        self.names: dict[str, str] = {}
        for key, code in (name_to_code or {}).items():
            if not key or not code:
                continue
            parts = str(key).split("|")
            if len(parts) > 1:
                self.paths[_norm_path(parts)] = str(code)
            else:
                self.names[_norm_key(parts[0])] = str(code)

    def resolve(self, lei: str, kuan: str, xiang: str) -> tuple[str | None, bool]:
        """(code, firm): firm when the path or a 项 name found only under one 款 gave it."""
        if not self.paths and not self.names:
            return None, False
        cls = CLASS_CODES.get(lei[:-2] if lei.endswith("支出") else lei)
        for key in (_norm_path([lei, kuan, xiang]), _norm_path([kuan, xiang])):
            code = self.paths.get(key)
            if code:
                return code, True
        code = self.bare(xiang)
        if code and (cls is None or code.startswith(cls)):
            return code, _norm_key(xiang) not in _GENERIC_XIANG
        return None, False

    def bare(self, xiang: str) -> str | None:
        code = self.names.get(_norm_key(xiang))
        return code if code and len(code) == 7 else None

    def kuan_prefix(self, kuan: str) -> str | None:
        """The 款 code from its "其他…支出" 项 (其他城乡社区管理事务支出 -> 21201)."""
        code = self.bare(f"其他{kuan}支出")
        return code[:5] if code else None


# 项 names printed under many 款 with the same last two digits in the national list
# (行政运行 xxxxx01, 一般行政管理事务 02, 机关服务 03, 事业运行 50): a bare name maps to one
# of them only, so the 款 code must come from elsewhere.
_GENERIC_XIANG = frozenset({"行政运行", "一般行政管理事务", "机关服务", "事业运行"})
