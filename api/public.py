"""The API's own response models for a case and a matter (the template's ``XPublic``).

The workflows' state (`domain.case.CaseStatus`, `domain.matter.MatterSnapshot`) is what a
workflow needs to decide; these are what a client is promised. They name every field a
client reads and add the derived ones a client should not compute (stage name, counties,
overdue). A route returns the state and declares the public model as its
``response_model``; FastAPI validates one into the other, so a field added to the state is
not published until it is added here.
"""

from datetime import date, datetime

from pydantic import BaseModel, ConfigDict, Field, computed_field

from domain.actions import Agent, CasePlan, Evaluation
from domain.application import Application
from domain.case import (
    STAGE_NAMES,
    AcceptanceNotice,
    CaseBudget,
    CaseStage,
    DeliveryRecord,
    TerminationRecord,
    case_counties,
)
from domain.catalogue import CrossCountyRoute
from domain.clock import MatterClock
from domain.coordination import CoordinationProblem
from domain.document_refs import DocumentRef
from domain.eligibility import Eligibility
from domain.follow_up import FollowUp
from domain.matter import MATTER_STATE_NAMES, CorrectionRound, Deferral, MatterState, is_overdue
from domain.report import FeedbackReport


class MatterPublic(BaseModel):
    """One entrusted matter as the coordinator, the department and the enterprise see it."""

    model_config = ConfigDict(extra="ignore", title="Matter")

    code: str = Field(description="事项编码，如 land-preexamination")
    name: str
    department: str = Field(description="办理部门编码")
    department_name: str
    county: str = Field("", description="办理地")
    depends_on: list[str] = []
    state: MatterState
    materials: list[str] = []
    planned_finish: date | None = None
    handed_over_at: datetime | None = None
    accepted_at: datetime | None = None
    decided_at: datetime | None = None
    decided_by: str | None = None
    result_reference: str | None = None
    refusal_reason: str | None = None
    corrections: list[CorrectionRound] = []
    accepted_documents: list[DocumentRef] = Field([], description="部门受理时确认的材料版本")
    result_documents: list[DocumentRef] = Field([], description="随办理结果出具的文件")
    clock: MatterClock | None = None
    deferral: Deferral | None = None
    hand_off_stalled_at: datetime | None = None
    hand_off_due_at: datetime | None = Field(None, description="须在此前签收或受理")
    cross_county: CrossCountyRoute | None = None
    hand_off_acknowledged_at: datetime | None = None
    version: int = Field(0, description="每记录一次变化加一：用于判断事项是否有变")

    @computed_field(description="状态的中文名称")
    @property
    def state_name(self) -> str:
        return MATTER_STATE_NAMES[self.state]

    @computed_field(description="已过办理期限而未办结")
    @property
    def overdue(self) -> bool:
        return is_overdue(self.state, self.clock)


class CasePublic(BaseModel):
    """A case (代办案件) as its coordinator, its enterprise, ops and 州工信局 read it."""

    model_config = ConfigDict(extra="ignore", title="Case")

    case_id: str = Field(description="案件编号，如 BZ-2026-00001")
    jurisdiction: str
    jurisdiction_name: str
    park: str
    park_name: str
    stage: CaseStage
    application: Application = Field(description="委托书")
    opened_at: datetime
    acceptance_notice: AcceptanceNotice | None = None
    refusal_reasons: list[str] = []
    plan: CasePlan | None = None
    agent: Agent | None = None
    matters: list[MatterPublic]
    delivery: DeliveryRecord | None = None
    evaluation: Evaluation | None = None
    evaluated_at: datetime | None = None
    termination: TerminationRecord | None = None
    problems: list[CoordinationProblem] = []
    feedback_report: FeedbackReport | None = None
    follow_up: FollowUp | None = None
    closed_at: datetime | None = None
    county: str = Field("", description="园区所在县市")
    lead_committee: str | None = Field(None, description="跨县市案件的牵头管委会")
    eligibility: Eligibility | None = None
    joint_review: bool = Field(False, description="本辖区实行集中联审（包头）")
    budget: CaseBudget | None = None
    version: int = Field(0, description="每记录一次变化加一：用于判断案件是否有变")

    @computed_field(description="阶段的中文名称")
    @property
    def stage_name(self) -> str:
        return STAGE_NAMES[self.stage]

    @computed_field(description="是否跨县市办理")
    @property
    def cross_county(self) -> bool:
        return self.lead_committee is not None

    @computed_field(description="案件涉及的县市，园区所在县市在前")
    @property
    def counties(self) -> list[str]:
        return case_counties(self.county, (m.county for m in self.matters))

    @computed_field(description="有超期未办结的事项")
    @property
    def overdue(self) -> bool:
        return any(m.overdue for m in self.matters)
