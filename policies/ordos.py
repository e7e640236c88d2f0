"""鄂尔多斯高新技术产业开发区 (2022-11-10 实施方案): matters go to the department of their
domain (四.(一)); anything else stays with the project's 产业管理办公室.

Limits are the national ones (DOMAIN.md, "Typical matters"); the key matters are those
三.(一) names.
"""

from typing import Any

from domain.catalogue import (
    AgentTeamRule,
    Department,
    MatterDefinition,
    Park,
    PolicyPack,
    ProjectListRule,
)
from domain.routing import DomainRoute, Routing
from policies.matters import CD, matter

ZONE = "鄂尔多斯高新区"
OFFICE = "ordos-industry-office"
_DEPARTMENTS = [
    Department(code=f"ordos-{code}", name=f"高新区{name}", county=ZONE, function=code)
    for code, name in (
        ("development-planning", "发展规划局"),
        ("construction", "建设管理局"),
        ("investment-promotion", "投资促进局"),
        ("technology-talent", "科技人才局"),
        ("natural-resources", "自然资源分局"),
        ("government-services", "政务服务局"),
        ("industry-office", "产业管理办公室"),
    )
]

ROUTING = Routing(
    routes=[
        DomainRoute(domains=["发改", "工信", "能源"], department="ordos-development-planning"),
        DomainRoute(
            domains=["生态环境", "住建", "应急管理", "市政公用"], department="ordos-construction"
        ),
        DomainRoute(domains=["商务"], department="ordos-investment-promotion"),
        DomainRoute(domains=["科技"], department="ordos-technology-talent"),
        DomainRoute(domains=["自然资源", "林草"], department="ordos-natural-resources"),
        DomainRoute(
            domains=["市场监管", "行政审批", "政务服务"], department="ordos-government-services"
        ),
    ],
    fallback=OFFICE,
)


def _matter(code: str, name: str, domain: str, *args: Any, **fields: Any) -> MatterDefinition:
    # The function is the routed department's, so the pack's checks still hold; a case
    # may still send an unrouted matter to the project's own office.
    function = ROUTING.department_for(domain).removeprefix("ordos-")
    return matter(code, name, function, *args, domain=domain, **fields)


_MATTERS = [
    _matter("enterprise-registration", "公司注册", "市场监管", 3, extension=3),
    _matter("project-filing", "项目审批核准备案", "发改", None, "enterprise-registration"),
    _matter("land-preexamination", "用地预审和规划条件", "自然资源", 20, extension=10),
    _matter("energy-review", "节能审查", "能源", 20, extension=10),
    _matter("forest-land", "林地征占初审", "林草", 20, extension=10),
    _matter("grassland-use", "征收使用草原", "林草", 20, extension=10),
    _matter("eia-report-table", "环评审批（报告表）", "生态环境", 30, unit=CD),
    _matter(
        "construction-planning-permit",
        "建设工程规划许可证",
        "自然资源",
        20,
        "land-preexamination",
        extension=10,
    ),
    _matter("water-permit", "取水许可", "水利", 45),
    _matter(
        "construction-permit",
        "施工许可证",
        "住建",
        7,
        "construction-planning-permit",
        unit=CD,
    ),
]

PACK = PolicyPack(
    jurisdiction="ORD",
    name="鄂尔多斯高新技术产业开发区",
    parks=[Park(code="ordos-hitech", name="鄂尔多斯高新技术产业开发区", county=ZONE)],
    departments=_DEPARTMENTS,
    matters=_MATTERS,
    routing=ROUTING,
    leader_in_charge="管委会领导",  # 重大问题提请管委会领导研究解决
    # 四.(二): 各相关部门至少选派1—2名代办帮办员
    agent_team=AgentTeamRule(per_department=True, min_per_level=1, max_per_level=2),
    project_lists=ProjectListRule(
        copy_to=["ordos-investment-promotion", "ordos-government-services"]
    ),
)
