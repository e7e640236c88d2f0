"""和硕县 (硕政办发〔2024〕1号): the county service centre runs cases for the applicants
its eligibility rules cover (三、帮办代办范围), with departments by industry.

Limits are the national ones (DOMAIN.md, "Typical matters"). Statutory fees are paid by
the applicant (五.(二)); a matter approval records them as such.
"""

from domain.catalogue import Department, Park, PolicyPack
from domain.eligibility import EligibilityRules, MatterKind
from policies.matters import CD, matter

COUNTY = "和硕县"
_DEPARTMENTS = [
    Department(code=f"heshuo-{code}", name=f"{COUNTY}{name}", county=COUNTY, function=function)
    for code, name, function in (
        ("market-regulation", "市场监督管理局", "market_regulation"),
        ("development-reform", "发展和改革委员会", "development_reform"),
        ("natural-resources", "自然资源局", "natural_resources"),
        ("ecology-environment", "生态环境分局", "ecology_environment"),
        ("housing-construction", "住房和城乡建设局", "housing_construction"),
        ("tax", "税务局", "tax"),
        ("social-security", "人力资源和社会保障局", "social_security"),
    )
]
K = MatterKind
P = K.PROJECT
_MATTERS = [
    matter(
        "enterprise-registration",
        "企业设立登记",
        "market_regulation",
        3,
        extension=3,
        kind=K.COMPANY_ESTABLISHMENT,
    ),
    matter("enterprise-change", "企业变更登记", "market_regulation", 3, kind=K.COMPANY_CHANGE),
    matter(
        "food-licence",
        "食品经营许可",
        "market_regulation",
        10,
        "enterprise-registration",
        extension=5,
        kind=K.FOOD_LICENCE,
    ),
    matter("tax-registration", "涉税事项办理", "tax", None, kind=K.TAX),
    matter(
        "social-security-registration",
        "社会保险登记",
        "social_security",
        None,
        kind=K.SOCIAL_SECURITY,
    ),
    # 三.(一): livelihood services for residents who find it hard to come to the window.
    matter(
        "pension-benefit-claim",
        "城乡居民养老保险待遇申领",
        "social_security",
        None,
        kind=K.LIVELIHOOD,
    ),
    matter("project-filing", "企业投资项目备案", "development_reform", None, kind=P),
    matter(
        "land-preexamination",
        "建设项目用地预审与选址意见书",
        "natural_resources",
        20,
        extension=10,
        kind=P,
    ),
    matter(
        "energy-review", "固定资产投资项目节能审查", "development_reform", 20, extension=10, kind=P
    ),
    matter(
        "eia-report-table",
        "环境影响评价审批（报告表）",
        "ecology_environment",
        30,
        unit=CD,
        kind=P,
    ),
    matter(
        "construction-permit", "建筑工程施工许可证核发", "housing_construction", 7, unit=CD, kind=P
    ),
]

PACK = PolicyPack(
    jurisdiction="HS",
    name="和硕县",
    parks=[Park(code="heshuo-service-centre", name="和硕县政务服务中心", county=COUNTY)],
    departments=_DEPARTMENTS,
    matters=_MATTERS,
    eligibility=EligibilityRules(),
    leader_in_charge="县人民政府分管领导",  # 五.(四): 报请政府分管领导协商解决
)
