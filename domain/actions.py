"""The inputs of people's actions on a case. Each becomes one workflow update.

Every action carries its ``actor``; the API fills it from the caller's identity, never from
the request body, so the ledger's "who" cannot be forged by a client.
"""

from datetime import date
from decimal import Decimal
from enum import StrEnum
from typing import Literal

from pydantic import BaseModel, Field, model_validator

from domain.actors import Actor
from domain.document_refs import DocumentRef

Text = Field(min_length=1, max_length=500)
Items = Field(min_length=1, max_length=100)


class ReviewDecision(StrEnum):
    ACCEPT = "accept"
    REFUSE = "refuse"


class ExcludedMatter(BaseModel):
    """部分受理: a matter of the 委托书 that initial review does not accept, and why."""

    matter: str = Field(pattern=r"^[a-z0-9_\-]+$", description="the matter's code")
    reason: str = Text


class InitialReviewRequest(BaseModel):
    decision: ReviewDecision
    materials_received: list[str] = Field([], max_length=100, description="accept: 收到的材料")
    reasons: list[str] = Field([], max_length=20, description="refuse: 不予受理的理由")
    excluded: list[ExcludedMatter] = Field(
        [], max_length=50, description="accept: 部分受理, the matters not accepted and why"
    )

    @model_validator(mode="after")
    def _decision_has_its_content(self) -> "InitialReviewRequest":
        if self.decision is ReviewDecision.ACCEPT and not self.materials_received:
            raise ValueError("受理时必须列明收到的材料")
        if self.decision is ReviewDecision.REFUSE and not self.reasons:
            raise ValueError("不予受理时必须说明理由")
        if self.decision is ReviewDecision.REFUSE and self.excluded:
            raise ValueError("不予受理时整件委托均不受理，无需列明部分不予受理的事项")
        codes = [e.matter for e in self.excluded]
        if len(set(codes)) != len(codes):
            raise ValueError("不予受理的事项不能重复")
        return self


class Agent(BaseModel):
    id: str = Field(min_length=1, max_length=64)
    name: str = Field(min_length=1, max_length=50)
    phone: str = Field(pattern=r"^(1\d{10}|0\d{2,3}-?\d{7,8})$")


class AgentLevel(StrEnum):
    CITY = "city"  # 市
    COUNTY = "county"  # 旗县区
    PARK = "park"  # 工业园区


AGENT_LEVEL_NAMES = {AgentLevel.CITY: "市", AgentLevel.COUNTY: "旗县区", AgentLevel.PARK: "园区"}


class TeamMember(Agent):
    level: AgentLevel | None = Field(None, description="三包一（包头）：市、旗县区或园区")
    department: str | None = Field(None, description="鄂尔多斯：所在部门（部门编码）")


class Intermediary(BaseModel):
    """A technical-service intermediary (中介机构) a matter needs, and who chose it."""

    name: str = Field(min_length=1, max_length=100)
    chosen_by: Literal["enterprise", "agent"]


class MatterPlan(BaseModel):
    matter: str
    materials: list[str] = Items
    planned_start: date
    planned_finish: date
    intermediary: Intermediary | None = None

    @model_validator(mode="after")
    def _ordered(self) -> "MatterPlan":
        if self.planned_finish < self.planned_start:
            raise ValueError(f"{self.matter}: 计划完成日期不能早于计划开始日期")
        return self


class CasePlanRequest(BaseModel):
    agent: Agent
    matters: list[MatterPlan] = Items
    team: list[TeamMember] = Field(
        [], max_length=20, description="三包一（包头）：市、旗县区、园区各2—3名代办帮办人员"
    )


class ResubmissionRequest(BaseModel):
    materials: list[str] = Items
    note: str = ""


class AcceptMatterRequest(BaseModel):
    note: str = ""
    deferred_items: list[str] = Field(
        [], max_length=20, description="容缺受理：暂缺的非核心材料（结果待补齐后出具）"
    )
    supply_by: date | None = Field(None, description="容缺材料补齐期限，不得晚于承诺时限")

    @model_validator(mode="after")
    def _deferral_complete(self) -> "AcceptMatterRequest":
        if bool(self.deferred_items) != (self.supply_by is not None):
            raise ValueError("容缺受理须同时列明暂缺材料和补齐期限")
        return self


class AcknowledgeHandOffRequest(BaseModel):
    """签收: the county's department confirms it has the cross-county hand-off."""

    received_by: str = Field(min_length=1, max_length=50, description="签收人")
    note: str = Field("", max_length=500)


class SupplyDeferredRequest(BaseModel):
    """容缺材料补齐: the department then confirms them before a held result is issued."""

    materials: list[str] = Items
    note: str = ""


class ConfirmDeferredRequest(BaseModel):
    """The department checks the supplied 容缺 materials: confirmed, or returned with why."""

    confirmed: bool = Field(True, description="false: returned to the agent (reason required)")
    reason: str = Field("", max_length=500, description="returned: what is wrong with them")
    note: str = Field("", max_length=500)

    @model_validator(mode="after")
    def _returned_says_why(self) -> "ConfirmDeferredRequest":
        if not self.confirmed and not self.reason.strip():
            raise ValueError("退回容缺材料须说明理由")
        return self


class RequestCorrectionRequest(BaseModel):
    items: list[str] = Items
    note: str = ""


class StatutoryFee(BaseModel):
    """A fee the law puts on the applicant, who pays it directly (和硕 五.(二)): never
    through the agent, and nothing beyond it."""

    item: str = Field(min_length=1, max_length=100)
    amount_yuan: Decimal = Field(ge=0, max_digits=12, decimal_places=2)


class ApproveMatterRequest(BaseModel):
    result_reference: str = Field(min_length=1, max_length=100, description="批文/证照编号")
    note: str = ""
    fees: list[StatutoryFee] = Field([], max_length=20, description="申请人自行缴纳的法定费用")
    commitment: str | None = Field(
        None,
        max_length=200,
        description="告知承诺制：申请人书面承诺的编号；凭承诺当场作出决定，事后核查",
    )


class RefuseMatterRequest(BaseModel):
    reason: str = Text


class SuspendClockRequest(BaseModel):
    """A hearing, a test or an expert review: time the law does not count (§45)."""

    reason: Literal["hearing", "testing", "expert_review"]
    note: str = Field("", max_length=500)


class ResumeClockRequest(BaseModel):
    note: str = Field("", max_length=500)


class ExtendDeadlineRequest(BaseModel):
    """The one extension the law allows, approved by the department head (§42)."""

    days: int = Field(ge=1, le=60)
    reason: str = Text
    explanation: str = Field(
        min_length=1, max_length=500, description="向企业作出的说明（代办专员转告）"
    )


class DeliveryRequest(BaseModel):
    method: str = Field("现场送达", min_length=1, max_length=50)
    note: str = ""


PaperDated = Field(
    None,
    description="代办员录入企业的纸质签收单或评价表时必填：纸面上的日期（企业有账号时须由企业本人办理）",
)


class ReceiptRequest(BaseModel):
    signed_by: str = Field(min_length=1, max_length=50, description="签收人")
    originals_returned: list[str] = Field([], max_length=100, description="退还的原始材料")
    paper_dated: date | None = PaperDated


class Satisfaction(StrEnum):
    VERY_SATISFIED = "非常满意"
    SATISFIED = "满意"
    BASICALLY_SATISFIED = "基本满意"
    DISSATISFIED = "不满意"
    VERY_DISSATISFIED = "非常不满意"


class EvaluationRequest(BaseModel):
    level: Satisfaction
    efficiency: int = Field(ge=1, le=5, description="服务效率 1-5")
    quality: int = Field(ge=1, le=5, description="办理质量 1-5")
    problem_solving: int = Field(ge=1, le=5, description="问题解决能力 1-5")
    comments: str = Field("", max_length=2000)
    paper_dated: date | None = PaperDated
    # A cross-county case is rated on these too (博州 五.(五)2); required there.
    coordination_efficiency: int | None = Field(None, ge=1, le=5, description="协同效率 1-5")
    cross_region_communication: int | None = Field(
        None, ge=1, le=5, description="跨区域沟通成效 1-5"
    )
    completeness: int | None = Field(None, ge=1, le=5, description="事项办结完整性 1-5")

    @property
    def cross_county_scores(self) -> dict[str, int | None]:
        return {
            "协同效率": self.coordination_efficiency,
            "跨区域沟通成效": self.cross_region_communication,
            "事项办结完整性": self.completeness,
        }


class TerminationCause(StrEnum):
    ENTERPRISE_REQUEST = "enterprise_request"  # 申请人主动要求终止委托
    LACKS_CONDITIONS = "lacks_conditions"  # 业务本身不具备办结条件


class TerminationRequest(BaseModel):
    cause: TerminationCause
    reason: str = Text
    materials_returned: list[str] = Field([], max_length=100)
    signed_by: str = Field(min_length=1, max_length=50, description="申请人签字确认")


class JointDecisionItem(BaseModel):
    """One matter's decision at a joint review meeting (集中联审)."""

    matter: str
    decision: Literal["approve", "refuse"]
    result_reference: str | None = Field(None, max_length=100, description="approve: 文号")
    reason: str | None = Field(None, max_length=2000, description="refuse: 理由")

    @model_validator(mode="after")
    def _decision_has_its_content(self) -> "JointDecisionItem":
        if self.decision == "approve" and not self.result_reference:
            raise ValueError(f"{self.matter}: 联审通过须写明文号")
        if self.decision == "refuse" and not self.reason:
            raise ValueError(f"{self.matter}: 联审不予许可须说明理由")
        return self


class JointReviewRequest(BaseModel):
    """集中联审 (包头): several matters decided by their departments in one meeting."""

    meeting_on: date
    participants: list[str] = Field(min_length=2, max_length=30, description="参会部门")
    decisions: list[JointDecisionItem] = Field(min_length=2, max_length=20)

    @model_validator(mode="after")
    def _one_decision_per_matter(self) -> "JointReviewRequest":
        codes = [d.matter for d in self.decisions]
        if len(set(codes)) != len(codes):
            raise ValueError("同一事项在一次联审中只能有一个决定")
        return self


class WithdrawMatterRequest(BaseModel):
    """The case ends while this matter is still open."""

    reason: str


# The actions: a request plus the actor the API took from the caller's identity.


class InitialReview(InitialReviewRequest):
    actor: Actor
    # By the API from the document table, never the body: materials on file (受理通知书).
    documents: list[DocumentRef] = []


class CasePlan(CasePlanRequest):
    actor: Actor


class Resubmission(ResubmissionRequest):
    actor: Actor
    # By the API from the document table, never the body: the versions uploaded for this 补正.
    documents: list[DocumentRef] = []


class AcceptMatter(AcceptMatterRequest):
    actor: Actor
    # By the API from the document table, never the body: the versions the department accepts.
    documents: list[DocumentRef] = []


class SupplyDeferred(SupplyDeferredRequest):
    actor: Actor


class ConfirmDeferred(ConfirmDeferredRequest):
    actor: Actor


class RequestCorrection(RequestCorrectionRequest):
    actor: Actor


class ApproveMatter(ApproveMatterRequest):
    actor: Actor
    # By the API from the document table, never the body: the results (批文, 证照).
    results: list[DocumentRef] = []


class RefuseMatter(RefuseMatterRequest):
    actor: Actor


class SuspendClock(SuspendClockRequest):
    actor: Actor


class ResumeClock(ResumeClockRequest):
    actor: Actor


class ExtendDeadline(ExtendDeadlineRequest):
    actor: Actor


class Delivery(DeliveryRequest):
    actor: Actor


class Receipt(ReceiptRequest):
    actor: Actor


class AcknowledgeHandOff(AcknowledgeHandOffRequest):
    actor: Actor


class JointReview(JointReviewRequest):
    actor: Actor


class JointDecision(JointDecisionItem):
    """What the case tells one matter after the meeting."""

    meeting_on: date
    participants: list[str]
    recorded_by: Actor


class Evaluation(EvaluationRequest):
    actor: Actor


class Termination(TerminationRequest):
    actor: Actor
    # By the API from the document table, never the body: the materials returned to the applicant.
    documents: list[DocumentRef] = []


class WithdrawMatter(WithdrawMatterRequest):
    actor: Actor
