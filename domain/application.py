"""The 委托书 (entrustment form) that opens a case."""

from datetime import date
from decimal import Decimal
from enum import StrEnum
from typing import Annotated

from pydantic import (
    BaseModel,
    Field,
    ValidationInfo,
    WithJsonSchema,
    field_validator,
    model_validator,
)

from domain.actors import PHONE_PATTERN
from domain.eligibility import ApprovalLevel, Restriction
from domain.uscc import uscc_problem


class Enterprise(BaseModel):
    name: str = Field(min_length=2, max_length=100, description="委托人（企业名称）")
    uscc: str = Field(description="统一社会信用代码，18位，含校验位")

    @field_validator("uscc")
    @classmethod
    def _valid_uscc(cls, code: str) -> str:
        code = code.strip().upper()
        problem = uscc_problem(code)
        if problem:
            raise ValueError(problem)
        return code


_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECKS = "10X98765432"


def id_number_problem(number: str) -> str:
    """Why an 18-digit 居民身份证号码 is not valid (GB 11643), or "" when it is."""
    if len(number) != 18 or not number[:17].isdigit():
        return "居民身份证号码应为18位，前17位为数字"
    check = _ID_CHECKS[sum(int(d) * w for d, w in zip(number, _ID_WEIGHTS, strict=False)) % 11]
    if number[17] != check:
        return f"居民身份证号码校验位应为{check}"
    return ""


class Resident(BaseModel):
    """A resident applying for a livelihood matter (和硕: 行动不便或其他特殊群众)."""

    name: str = Field(min_length=1, max_length=50, description="申请人姓名")
    id_number: str = Field(description="居民身份证号码，18位，含校验位")
    mobility_impaired: bool = Field(False, description="行动不便")
    special_group: str | None = Field(
        None,
        min_length=1,
        max_length=100,
        description="其他特殊群众（和硕）：哪一类，如高龄独居、重病、残疾",
    )

    @property
    def needs_help(self) -> str | None:
        """Why this resident is served (和硕: 行动不便或其他特殊群众), or None."""
        if self.mobility_impaired:
            return "行动不便"
        return f"特殊群众（{self.special_group}）" if self.special_group else None

    @field_validator("id_number")
    @classmethod
    def _valid_id(cls, number: str) -> str:
        number = number.strip().upper()
        problem = id_number_problem(number)
        if problem:
            raise ValueError(problem)
        return number


class Contact(BaseModel):
    name: str = Field(min_length=1, max_length=50)
    phone: str = Field(pattern=PHONE_PATTERN, description="手机或座机")


# A Decimal is read from a number or a string and written as a string; one schema for both
# directions keeps one "Project" model in a generated client instead of Input and Output.
_AMOUNT_SCHEMA = {
    "anyOf": [
        {"type": "number", "exclusiveMinimum": 0},
        {"type": "string", "pattern": r"^\d{1,12}(\.\d{1,2})?$"},
    ]
}


class Project(BaseModel):
    name: str = Field(min_length=2, max_length=200)
    investment_wan_yuan: Annotated[Decimal, WithJsonSchema(_AMOUNT_SCHEMA)] = Field(
        gt=0, max_digits=14, decimal_places=2, description="万元"
    )
    industry: str = Field(min_length=1, max_length=50)
    # What eligibility rules ask about a project (和硕); other packs ignore them.
    approval_level: ApprovalLevel | None = Field(None, description="审批层级")
    in_industrial_policy: bool = Field(True, description="符合产业政策")
    restrictions: list[Restriction] = Field(
        [], max_length=4, description="宏观调控、高耗能、高污染、资源类"
    )
    listed_major_project: bool = Field(False, description="列入区、州、县重点项目或县政府指定")
    industry_office: str | None = Field(
        None, max_length=60, description="签约并推送该项目的产业管理办公室（部门编码，鄂尔多斯）"
    )


class EntrustmentScope(StrEnum):
    FULL = "full"  # 全面委托
    PARTIAL = "partial"  # 部分委托


class EntrustmentPeriod(BaseModel):
    start: date
    end: date

    @model_validator(mode="after")
    def _ordered(self) -> "EntrustmentPeriod":
        if self.end < self.start:
            raise ValueError("委托期限的结束日期不能早于开始日期")
        return self


class Application(BaseModel):
    jurisdiction: str = Field(
        "BZ", pattern=r"^[A-Z]{2,4}$", description="policy pack, e.g. BZ (博州)"
    )
    park: str = Field(description="park code from the jurisdiction's catalogue")
    # The resident before the enterprise, so the enterprise's check can see both; each
    # problem is then reported on the field a person must fix.
    resident: Resident | None = Field(None, description="委托人为居民时（和硕民生事项）")
    enterprise: Enterprise | None = Field(None, validate_default=True, description="委托人为企业时")
    contact: Contact
    project: Project | None = Field(None, validate_default=True, description="企业委托时必填")
    # Before the matters, so their check can see whether a bundle was entrusted instead.
    bundles: list[str] = Field(
        [], max_length=10, description="一件事一次办套餐（包头），展开为其中的事项"
    )
    matters: list[str] = Field([], max_length=50, description="entrusted matter codes")
    scope: EntrustmentScope
    period: EntrustmentPeriod

    @field_validator("enterprise")
    @classmethod
    def _one_applicant(
        cls, enterprise: Enterprise | None, info: ValidationInfo
    ) -> Enterprise | None:
        if (enterprise is None) == (info.data.get("resident") is None):
            raise ValueError("委托人须为企业或居民之一")
        return enterprise

    @field_validator("project")
    @classmethod
    def _project_of_an_enterprise(
        cls, project: Project | None, info: ValidationInfo
    ) -> Project | None:
        if project is None and info.data.get("enterprise") is not None:
            raise ValueError("企业委托须填写项目信息")
        return project

    @property
    def applicant_name(self) -> str:
        if self.enterprise is not None:
            return self.enterprise.name
        assert self.resident is not None  # the model requires one of the two
        return self.resident.name

    @property
    def subject(self) -> str:
        """What the case is about, for lists and notices: the project, else the applicant."""
        return self.project.name if self.project else f"{self.applicant_name}的民生事项"

    @field_validator("matters")
    @classmethod
    def _distinct(cls, codes: list[str], info: ValidationInfo) -> list[str]:
        if not codes and not info.data.get("bundles"):
            raise ValueError("至少委托一个事项或一件事套餐")
        if len(set(codes)) != len(codes):
            raise ValueError("委托事项不能重复")
        return codes
