"""昌吉市 (招商引资项目帮办代办): the investment-promotion office's zone in the citizen
service centre runs the cases. Enterprise opening within 2 working days; the whole
approval within 100 working days, tracked as the case's budget against its critical path.

Limits are the national ones (DOMAIN.md, "Typical matters"); the dependencies follow the
national order: forest or grassland use before land approval, land before the project
approval, approval before the planning permits, and 环评 before construction.
"""

from domain.catalogue import Department, Park, PolicyPack
from policies.matters import CD, matter

CITY = "昌吉市"
_DEPARTMENTS = [
    Department(code=f"changji-{code}", name=name, county=CITY, function=function)
    for code, name, function in (
        ("market-regulation", "昌吉市市场监督管理局", "market_regulation"),
        ("development-reform", "昌吉市发展和改革委员会", "development_reform"),
        ("natural-resources", "昌吉市自然资源局", "natural_resources"),
        ("forestry-grassland", "昌吉市林业和草原局", "forestry_grassland"),
        ("ecology-environment", "昌吉州生态环境局昌吉市分局", "ecology_environment"),
        ("housing-construction", "昌吉市住房和城乡建设局", "housing_construction"),
        ("water-resources", "昌吉市水利局", "water_resources"),
    )
]
_MATTERS = [
    # 企业开办压缩至2个工作日 (不涉及许可审批的)
    matter(
        "enterprise-registration",
        "企业设立登记",
        "market_regulation",
        3,
        extension=3,
        promised=2,
        commitment_allowed=True,  # 市场主体住所（经营场所）承诺制
    ),
    matter("forest-land", "林地/草原征占用审核", "forestry_grassland", 20, extension=10),
    matter(
        "land-preexamination",
        "建设项目用地预审与选址意见书",
        "natural_resources",
        20,
        "forest-land",
        extension=10,
    ),
    matter(
        "project-approval",
        "企业投资项目核准",
        "development_reform",
        20,
        "land-preexamination",
        extension=40,
    ),
    matter(
        "land-planning-permit",
        "建设用地规划许可证核发",
        "natural_resources",
        20,
        "project-approval",
        extension=10,
    ),
    matter(
        "construction-planning-permit",
        "建设工程规划许可证核发",
        "natural_resources",
        20,
        "land-planning-permit",
        extension=10,
    ),
    matter(
        "eia-report-book",
        "环境影响评价审批（报告书）",
        "ecology_environment",
        60,
        unit=CD,
        deferral_allowed=False,  # an environmental report is never a non-essential item
    ),
    matter("energy-review", "固定资产投资项目节能审查", "development_reform", 20, extension=10),
    matter("water-permit", "取水许可", "water_resources", 45),
    matter(
        "construction-permit",
        "建筑工程施工许可证核发",
        "housing_construction",
        7,
        "construction-planning-permit",
        "eia-report-book",
        unit=CD,
    ),
]

PACK = PolicyPack(
    jurisdiction="CJ",
    name="昌吉市",
    parks=[Park(code="changji-investment-zone", name="招商引资绿色全程帮办代办专区", county=CITY)],
    departments=_DEPARTMENTS,
    matters=_MATTERS,
    case_budget_days=100,
    # 涉及中介技术服务机构的，由投资者（项目单位）自主选择
    agents_may_name_intermediaries=False,
)
