"""Who may be served (和硕: 帮代办服务范围), checked at initial review with the exact reason.

Every entrusted matter must be covered by one of four grounds:
(1) a resident with limited mobility, for livelihood matters;
(2) company establishment and change, food business licence, and the related
    social-security and tax matters;
(3) a project approved at county level, in line with industrial policy, with at least
    500万元 of investment, and not macro-controlled, high-energy, high-pollution or a
    resource project;
(4) a major project listed by the region, prefecture or county, or named by the county
    government.
"""

from decimal import Decimal
from enum import StrEnum

from pydantic import BaseModel, Field


class Applicant(StrEnum):
    ENTERPRISE = "enterprise"
    RESIDENT = "resident"


class MatterKind(StrEnum):
    LIVELIHOOD = "livelihood"  # 民生事项
    COMPANY_ESTABLISHMENT = "company_establishment"
    COMPANY_CHANGE = "company_change"
    FOOD_LICENCE = "food_licence"
    SOCIAL_SECURITY = "social_security"
    TAX = "tax"
    PROJECT = "project"  # a project approval: 立项、用地、规划、环评、施工...


class Restriction(StrEnum):
    MACRO_CONTROLLED = "macro_controlled"
    HIGH_ENERGY = "high_energy"
    HIGH_POLLUTION = "high_pollution"
    RESOURCE = "resource"


RESTRICTION_NAMES = {
    Restriction.MACRO_CONTROLLED: "宏观调控类",
    Restriction.HIGH_ENERGY: "高耗能",
    Restriction.HIGH_POLLUTION: "高污染",
    Restriction.RESOURCE: "资源类",
}


class ApprovalLevel(StrEnum):
    COUNTY = "county"
    PREFECTURE = "prefecture"
    REGION = "region"
    STATE = "state"


LEVEL_NAMES = {
    ApprovalLevel.COUNTY: "县级",
    ApprovalLevel.PREFECTURE: "州级",
    ApprovalLevel.REGION: "自治区级",
    ApprovalLevel.STATE: "国家级",
}


class EligibilityFacts(BaseModel):
    """What initial review knows about the applicant and the project."""

    applicant: Applicant
    mobility_impaired: bool = False  # or another special group (和硕: 其他特殊群众)
    matters: dict[str, MatterKind]  # matter name -> kind
    investment_wan_yuan: Decimal = Decimal(0)
    approval_level: ApprovalLevel | None = None
    in_industrial_policy: bool = True
    restrictions: list[Restriction] = []
    listed_major_project: bool = False


class EligibilityRules(BaseModel):
    """A pack's eligibility policy (和硕's values are the defaults)."""

    enterprise_kinds: list[MatterKind] = [
        MatterKind.COMPANY_ESTABLISHMENT,
        MatterKind.COMPANY_CHANGE,
        MatterKind.FOOD_LICENCE,
        MatterKind.SOCIAL_SECURITY,
        MatterKind.TAX,
    ]
    min_investment_wan_yuan: Decimal = Field(Decimal(500), gt=0)
    project_level: ApprovalLevel = ApprovalLevel.COUNTY


class Eligibility(BaseModel):
    eligible: bool
    reasons: list[str] = Field(description="why not, one per matter not covered")
    # The matters (by name) not covered: initial review may accept the others (部分受理).
    # Empty in cases opened before; a case that is not eligible then excludes them all.
    ineligible_matters: list[str] = []


def assess(rules: EligibilityRules, facts: EligibilityFacts) -> Eligibility:
    uncovered = {
        name: why
        for name, kind in facts.matters.items()
        if (why := _not_covered(rules, facts, kind))
    }
    return Eligibility(
        eligible=not uncovered,
        reasons=[f"“{name}”不属于帮代办范围：{why}" for name, why in uncovered.items()],
        ineligible_matters=list(uncovered),
    )


def _not_covered(rules: EligibilityRules, facts: EligibilityFacts, kind: MatterKind) -> str:
    """Empty when a ground covers the matter; else the reason, in the applicant's words."""
    if kind is MatterKind.LIVELIHOOD:
        if facts.applicant is Applicant.RESIDENT and facts.mobility_impaired:
            return ""
        return "民生事项仅为行动不便或其他特殊群众代办"
    if kind in rules.enterprise_kinds:
        return "" if facts.applicant is Applicant.ENTERPRISE else "此类事项仅为企业代办"
    if kind is not MatterKind.PROJECT:
        return "不在代办事项范围内"
    if facts.listed_major_project:
        return ""
    problems = []
    if facts.approval_level is not rules.project_level:
        level = LEVEL_NAMES[facts.approval_level] if facts.approval_level else "未明确审批层级"
        problems.append(f"项目为{level}审批，非{LEVEL_NAMES[rules.project_level]}审批")
    if facts.investment_wan_yuan < rules.min_investment_wan_yuan:
        problems.append(
            f"投资额{facts.investment_wan_yuan.normalize():f}万元，"
            f"低于{rules.min_investment_wan_yuan.normalize():f}万元"
        )
    if not facts.in_industrial_policy:
        problems.append("不符合产业政策")
    if facts.restrictions:
        kinds = "、".join(RESTRICTION_NAMES[r] for r in facts.restrictions)
        problems.append(f"属于{kinds}项目")
    if not problems:
        return ""
    return "；".join(problems) + "，且未列入区、州、县重点项目"
