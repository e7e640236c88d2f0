"""A case: its input (carried whole into the workflow) and its status (read by query)."""

from collections.abc import Iterable
from datetime import date, datetime
from enum import StrEnum

from pydantic import BaseModel

from domain.actions import (
    Agent,
    CasePlan,
    Delivery,
    Evaluation,
    Receipt,
    Termination,
)
from domain.actors import Actor
from domain.application import Application
from domain.catalogue import AgentTeamRule, CaseMatter
from domain.coordination import CoordinationProblem
from domain.document_refs import DocumentRef
from domain.eligibility import Eligibility
from domain.follow_up import FollowUp
from domain.matter import MatterSnapshot
from domain.report import FeedbackReport


class CaseStage(StrEnum):
    INITIAL_REVIEW = "initial_review"  # 初审
    PLANNING = "planning"  # 计划制定
    PROCESSING = "processing"  # 事项办理
    DELIVERY = "delivery"  # 办结送达 (hand-over, then the enterprise's receipt)
    EVALUATION = "evaluation"  # 评价
    ARCHIVED = "archived"  # 归档
    REFUSED = "refused"  # 初审不予受理
    TERMINATED = "terminated"  # 终止委托

    @property
    def is_closed(self) -> bool:
        return self in (CaseStage.ARCHIVED, CaseStage.REFUSED, CaseStage.TERMINATED)


STAGE_NAMES = {
    CaseStage.INITIAL_REVIEW: "初审",
    CaseStage.PLANNING: "计划制定",
    CaseStage.PROCESSING: "事项办理",
    CaseStage.DELIVERY: "办结送达",
    CaseStage.EVALUATION: "评价",
    CaseStage.ARCHIVED: "已归档",
    CaseStage.REFUSED: "不予受理",
    CaseStage.TERMINATED: "已终止",
}


class CaseInput(BaseModel):
    """Everything the case needs, resolved from the policy pack when the case starts.

    The matter definitions travel in the input so a later edit of the catalogue never
    changes a running case.
    """

    case_id: str
    application: Application
    jurisdiction_name: str
    park_name: str
    matters: list[CaseMatter]
    opened_by: Actor
    county: str = ""  # the park's county: its government receives the feedback report
    hand_off_ack_hours: int = 24  # a department acknowledges a hand-over within a day
    coordination_hours: int = 48  # 博州: start coordinating within 48 hours of a problem
    feedback_report_days: int = 5  # 博州: file the evaluation within 5 working days
    # Whether the pack asks for that report (only 博州); inputs from before say yes.
    feedback_report_required: bool = True
    oversight_body: str = ""  # a cross-county case reports to it (博州: 州工信局专班)
    eligibility: Eligibility | None = None  # assessed at opening where the pack has rules
    budget_days: int | None = None  # the whole case's working-day budget (昌吉: 100)
    agent_team: AgentTeamRule | None = None  # 包头 三包一: agents per level on the plan
    copied_to: list[str] = []  # departments told of the case when it opens (鄂尔多斯 lists)
    joint_review: bool = False  # 包头: matters may be decided together at a 集中联审
    leader_in_charge: str = "管委会分管领导"  # who hears escalations (和硕: 县政府分管领导)
    agents_may_name_intermediaries: bool = True  # 昌吉: no; the investor chooses

    @property
    def counties(self) -> list[str]:
        """The park's county first, then every other county a matter is decided in."""
        return case_counties(self.county, (m.department.county for m in self.matters))

    @property
    def lead_committee(self) -> str | None:
        """Who leads a cross-county case (博州: 博乐边合区管委会 for 五台片区); None if local."""
        return next((m.cross_county.lead_committee for m in self.matters if m.cross_county), None)


class CaseBudget(BaseModel):
    """The case's time budget against its critical path (昌吉: 100 working days)."""

    budget_days: int
    critical_days: int
    critical_path: list[str]  # matter names, first to last
    expected_finish: date
    budget_ends: date
    over_by_days: int
    provisional_years: list[int] = []
    planned_on: date | None = None  # day 0 of the projection
    finished_days: dict[str, int] = {}  # decided matters: working days after planned_on


class AcceptanceNotice(BaseModel):
    """The data of the 受理通知书 (附件2)."""

    number: str
    enterprise_name: str
    matters: list[str]
    materials_received: list[str]
    documents: list[DocumentRef] = []  # the materials' versions on file at acceptance
    accepted_by: str
    issued_at: datetime


class DeliveryRecord(BaseModel):
    delivery: Delivery
    results: dict[str, str]  # matter code -> result reference, or the refusal reason
    delivered_at: datetime
    receipt: Receipt | None = None
    signed_at: datetime | None = None


class TerminationRecord(BaseModel):
    termination: Termination
    stage_at_termination: CaseStage
    terminated_at: datetime


class CaseActionDone(BaseModel):
    """What a case's update answers: the action took effect, and where the case now stands.

    Not the whole status: a copy of it in every update's result was a quarter of a case's
    history (issue 22). The API reads the status by query after the update instead. Each
    field is also a field of ``CaseStatus``, so an update answered before this change (with
    the whole status) still reads as one of these.
    """

    case_id: str
    stage: CaseStage
    version: int = 0

    @classmethod
    def of(cls, status: "CaseStatus") -> "CaseActionDone":
        return cls(case_id=status.case_id, stage=status.stage, version=status.version)


class CaseStatus(BaseModel):
    case_id: str
    jurisdiction: str
    jurisdiction_name: str
    park: str
    park_name: str
    stage: CaseStage
    application: Application
    opened_at: datetime
    acceptance_notice: AcceptanceNotice | None = None
    refusal_reasons: list[str] = []
    plan: CasePlan | None = None
    agent: Agent | None = None
    matters: list[MatterSnapshot]
    delivery: DeliveryRecord | None = None
    evaluation: Evaluation | None = None
    evaluated_at: datetime | None = None
    termination: TerminationRecord | None = None
    problems: list[CoordinationProblem] = []
    feedback_report: FeedbackReport | None = None
    follow_up: FollowUp | None = None
    closed_at: datetime | None = None
    county: str = ""  # the park's
    lead_committee: str | None = None  # set when a matter is decided in another county
    eligibility: Eligibility | None = None
    joint_review: bool = False  # the pack holds 集中联审 (包头): the console offers it
    budget: CaseBudget | None = None
    version: int = 0

    @property
    def cross_county(self) -> bool:
        return self.lead_committee is not None

    @property
    def counties(self) -> list[str]:
        return case_counties(self.county, (m.county for m in self.matters))

    @property
    def has_overdue_matter(self) -> bool:
        """A matter past its deadline and not decided yet."""
        return any(m.overdue for m in self.matters)

    @property
    def open_problems(self) -> int:
        """Coordination problems not yet coordinated, or with resolutions still open."""
        return sum(1 for p in self.problems if p.coordination is None or p.open_resolutions)

    @property
    def stage_name(self) -> str:
        return STAGE_NAMES[self.stage]

    def matter(self, code: str) -> MatterSnapshot | None:
        return next((m for m in self.matters if m.code == code), None)


def case_counties(home: str, matter_counties: Iterable[str]) -> list[str]:
    found = [home] if home else []
    for county in matter_counties:
        if county and county not in found:
            found.append(county)
    return found
