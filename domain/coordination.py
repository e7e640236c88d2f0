"""The 48-hour coordination rule (博州): a problem, the coordination that answers it, meetings.

When materials need correction or a hand-off between departments stalls, the committee
must start coordinating within 48 hours, with a special coordination meeting where needed;
what a meeting resolves is tracked to closed. Not started in time: escalation to the
committee's leader in charge.
"""

from datetime import date, datetime
from enum import StrEnum

from pydantic import BaseModel, Field

from domain.actors import Actor

Text = Field(min_length=1, max_length=1000)


class ProblemKind(StrEnum):
    CORRECTION = "correction"  # 材料补正
    STALLED_HAND_OFF = "stalled_hand_off"  # 部门衔接不畅


PROBLEM_KIND_NAMES = {
    ProblemKind.CORRECTION: "材料补正",
    ProblemKind.STALLED_HAND_OFF: "部门衔接不畅",
}


class ResolutionInput(BaseModel):
    text: str = Text
    owner: str = Field(min_length=1, max_length=100, description="责任单位或责任人")
    due_on: date


class MeetingInput(BaseModel):
    """专项协调会."""

    held_on: date
    participants: list[str] = Field(min_length=2, max_length=50)
    resolutions: list[ResolutionInput] = Field(min_length=1, max_length=50)


class CoordinationRequest(BaseModel):
    what: str = Text
    with_whom: list[str] = Field(min_length=1, max_length=50)
    outcome: str = Text
    meeting: MeetingInput | None = None


class StallReportRequest(BaseModel):
    matter: str = Field(pattern=r"^[a-z0-9_\-]+$")
    description: str = Text


class EscalationRequest(BaseModel):
    """Take a problem the coordination could not solve to the leader in charge (和硕:
    报请政府分管领导协商解决; 鄂尔多斯: 提请管委会领导)."""

    reason: str = Text


class ResolutionClosingRequest(BaseModel):
    outcome: str = Text


class EscalationAnswerRequest(BaseModel):
    """The leader in charge answers an escalated problem: the instruction (批示) the agent
    and the departments are to carry out."""

    instruction: str = Text


class Coordination(CoordinationRequest):
    problem: int
    actor: Actor


class StallReport(StallReportRequest):
    actor: Actor


class Escalation(EscalationRequest):
    problem: int
    actor: Actor


class EscalationAnswer(EscalationAnswerRequest):
    problem: int
    actor: Actor


class LeaderAnswer(BaseModel):
    instruction: str
    answered_by: str
    answered_at: datetime


class ResolutionClosing(ResolutionClosingRequest):
    problem: int
    resolution: int
    actor: Actor


class Resolution(ResolutionInput):
    number: int
    closed_at: datetime | None = None
    closed_by: str | None = None
    outcome: str | None = None


class CoordinationRecord(BaseModel):
    what: str
    with_whom: list[str]
    outcome: str
    recorded_by: str
    recorded_at: datetime
    meeting_held_on: date | None = None
    participants: list[str] = []
    resolutions: list[Resolution] = []


class CoordinationProblem(BaseModel):
    number: int
    kind: ProblemKind
    matter: str | None
    description: str
    raised_at: datetime
    due_at: datetime  # coordination must start before this
    coordination: CoordinationRecord | None = None
    escalated_at: datetime | None = None
    leader_answer: LeaderAnswer | None = None  # the leader in charge's 批示, once

    @property
    def open_resolutions(self) -> list[Resolution]:
        if self.coordination is None:
            return []
        return [r for r in self.coordination.resolutions if r.closed_at is None]
