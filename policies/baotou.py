"""包头市 (2023 工业园区政务服务): park service stations run the cases with agents at city,
county and park level (三包一, 2-3 each); four 一件事一次办 bundles; the 四即 promises.

Departments are the city's: the pack lists them under 包头市 and the parks with it, so
every matter of a park's case goes to the city department of its function. Limits are
the national ones (DOMAIN.md) unless the city promises shorter:
- 签约即供地: the planning conditions and permit within 5 working days of the land
  contract (the contract is among the materials, so the clock starts at acceptance);
- 竣工即办证: joint completion acceptance within 9 working days.
"""

from domain.actions import AgentLevel
from domain.catalogue import AgentTeamRule, Bundle, Department, Park, PolicyPack
from policies.matters import matter

CITY = "包头市"
_DEPARTMENTS = [
    Department(code=f"baotou-{code}", name=name, county=CITY, function=code)
    for code, name in (
        ("market-regulation", "包头市市场监督管理局"),
        ("approval-services", "包头市审批服务局"),
        ("public-security", "包头市公安局"),
        ("tax", "国家税务总局包头市税务局"),
        ("social-security", "包头市人力资源和社会保障局"),
        ("natural-resources", "包头市自然资源局"),
        ("housing-construction", "包头市住房和城乡建设局"),
        ("water-supply", "包头市供水公司"),
        ("power-supply", "包头供电公司"),
        ("gas-supply", "包头市燃气公司"),
        ("heating", "包头市热力公司"),
    )
]
_MATTERS = [
    matter("enterprise-registration", "企业设立登记", "market-regulation", 3, extension=3),
    matter("seal-engraving", "公章刻制备案", "public-security", None, "enterprise-registration"),
    matter("tax-information", "涉税信息确认", "tax", None, "enterprise-registration"),
    matter("invoice-issuance", "发票申领", "tax", None, "tax-information"),
    matter(
        "social-security-registration",
        "社会保险登记",
        "social-security",
        None,
        "enterprise-registration",
    ),
    matter("water-connection", "用水报装", "water-supply", 5),
    matter("power-connection", "用电报装", "power-supply", 5),
    matter("gas-connection", "用气报装", "gas-supply", 5),
    matter("heating-connection", "用热报装", "heating", 5),
    matter("policy-benefit", "惠企政策兑现", "approval-services", 10),
    matter(
        "land-planning-permit",
        "建设用地规划许可证核发",
        "natural-resources",
        20,
        promised=5,
        extension=10,
    ),
    matter(
        "construction-planning-permit",
        "建设工程规划许可证核发",
        "natural-resources",
        20,
        "land-planning-permit",
        extension=10,
    ),
    matter(
        "joint-completion-acceptance",
        "工程建设项目竣工联合验收",
        "housing-construction",
        9,
        promised=9,
    ),
]

_BUNDLES = [
    Bundle(
        code="enterprise-opening",
        name="企业开办一件事",
        lead="市市场监管局、市审批服务局",
        matters=[
            "enterprise-registration",
            "seal-engraving",
            "tax-information",
            "social-security-registration",
        ],
    ),
    Bundle(
        code="tax-affairs",
        name="纳税一件事",
        lead="市税务局",
        matters=["tax-information", "invoice-issuance"],
    ),
    Bundle(
        code="utility-connections",
        name="水电气暖报装一件事",
        lead="市住建局",
        matters=["water-connection", "power-connection", "gas-connection", "heating-connection"],
    ),
    Bundle(
        code="policy-benefits",
        name="惠企政策兑现一件事",
        lead="市审批服务局",
        matters=["policy-benefit"],
    ),
]

PACK = PolicyPack(
    jurisdiction="BT",
    name="包头市",
    parks=[
        Park(code="baotou-aluminium", name="包头铝业产业园区", county=CITY),
        Park(code="baotou-jiuyuan", name="九原工业园区", county=CITY),
    ],
    departments=_DEPARTMENTS,
    matters=_MATTERS,
    agent_team=AgentTeamRule(levels=[AgentLevel.CITY, AgentLevel.COUNTY, AgentLevel.PARK]),
    bundles=_BUNDLES,
    joint_review=True,
)
