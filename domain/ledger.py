"""The 台账: what a ledger entry says, and what an activity is asked to write."""

from datetime import date, datetime
from enum import StrEnum
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel

from domain.actors import Actor
from domain.matter import MatterSnapshot
from domain.work import WorkClock, case_clocks, matter_clocks

if TYPE_CHECKING:
    from domain.case import CaseStatus


class LedgerEvent(StrEnum):
    APPLICATION_RECEIVED = "application_received"
    APPLICATION_ACCEPTED = "application_accepted"
    APPLICATION_AMENDED = "application_amended"
    APPLICATION_REFUSED = "application_refused"
    PLAN_AGREED = "plan_agreed"
    MATERIALS_HANDED_OVER = "materials_handed_over"
    MATTER_ACCEPTED = "matter_accepted"
    CORRECTION_REQUESTED = "correction_requested"
    MATERIALS_RESUBMITTED = "materials_resubmitted"
    MATTER_APPROVED = "matter_approved"
    MATTER_REFUSED = "matter_refused"
    MATTER_BLOCKED = "matter_blocked"
    MATTER_WITHDRAWN = "matter_withdrawn"
    MATTERS_COMPLETED = "matters_completed"
    RESULTS_DELIVERED = "results_delivered"
    RECEIPT_SIGNED = "receipt_signed"
    CASE_EVALUATED = "case_evaluated"
    CASE_ARCHIVED = "case_archived"
    CASE_TERMINATED = "case_terminated"
    OPS_ACTION = "ops_action"
    CLOCK_SUSPENDED = "clock_suspended"
    CLOCK_RESUMED = "clock_resumed"
    DEADLINE_EXTENDED = "deadline_extended"
    DEADLINE_RECOMPUTED = "deadline_recomputed"
    DEADLINE_WARNING = "deadline_warning"
    DEADLINE_OVERDUE = "deadline_overdue"
    COORDINATION_DUE = "coordination_due"
    COORDINATION_RECORDED = "coordination_recorded"
    COORDINATION_ESCALATED = "coordination_escalated"
    ESCALATION_ANSWERED = "escalation_answered"
    SATISFACTION_VISITED = "satisfaction_visited"
    MISCONDUCT_REPORTED = "misconduct_reported"
    RESOLUTION_CLOSED = "resolution_closed"
    DEFERRED_MATERIALS_SUPPLIED = "deferred_materials_supplied"
    DEFERRED_MATERIALS_CONFIRMED = "deferred_materials_confirmed"
    DEFERRED_MATERIALS_RETURNED = "deferred_materials_returned"
    MATTER_TERMINATED = "matter_terminated"
    HAND_OFF_UNACKNOWLEDGED = "hand_off_unacknowledged"
    CROSS_COUNTY_HANDED_OFF = "cross_county_handed_off"
    HAND_OFF_ACKNOWLEDGED = "hand_off_acknowledged"
    FOLLOW_UP_OPENED = "follow_up_opened"
    FOLLOW_UP_CALLBACK = "follow_up_callback"
    FOLLOW_UP_REMEDY = "follow_up_remedy"
    FOLLOW_UP_RATED = "follow_up_rated"
    FOLLOW_UP_OVERDUE = "follow_up_overdue"
    FEEDBACK_REPORT_DRAFTED = "feedback_report_drafted"
    FEEDBACK_REPORT_FILED = "feedback_report_filed"
    FEEDBACK_REPORT_OVERDUE = "feedback_report_overdue"
    FEEDBACK_REPORT_REVISED = "feedback_report_revised"
    CASE_BUDGET_PLANNED = "case_budget_planned"
    CASE_BUDGET_EXCEEDED = "case_budget_exceeded"
    CASE_BUDGET_REPROJECTED = "case_budget_reprojected"
    JOINT_REVIEW_HELD = "joint_review_held"
    DOCUMENT_UPLOADED = "document_uploaded"
    DOCUMENT_SUPERSEDED = "document_superseded"


# Events a case (or, with a matter, a matter) has at most once, by group: events of one
# group exclude each other (初审 accepts or refuses, a department approves or refuses).
# The ledger's ``once_key`` column is unique, so the database refuses a second one
# whatever the workflow code does.
ONE_TIME_EVENTS: dict[LedgerEvent, str] = {
    LedgerEvent.APPLICATION_RECEIVED: "received",
    LedgerEvent.APPLICATION_ACCEPTED: "initial_review",
    LedgerEvent.APPLICATION_REFUSED: "initial_review",
    LedgerEvent.PLAN_AGREED: "plan",
    LedgerEvent.MATTERS_COMPLETED: "matters_completed",
    LedgerEvent.RESULTS_DELIVERED: "delivered",
    LedgerEvent.RECEIPT_SIGNED: "receipt",
    LedgerEvent.CASE_EVALUATED: "evaluated",
    LedgerEvent.CASE_ARCHIVED: "closed",
    LedgerEvent.CASE_TERMINATED: "closed",
    LedgerEvent.FEEDBACK_REPORT_FILED: "report_filed",
    LedgerEvent.CASE_BUDGET_PLANNED: "budget",
    LedgerEvent.MATERIALS_HANDED_OVER: "handed_over",
    LedgerEvent.CROSS_COUNTY_HANDED_OFF: "handed_over",
    LedgerEvent.HAND_OFF_ACKNOWLEDGED: "acknowledged",
    LedgerEvent.MATTER_ACCEPTED: "accepted",
    LedgerEvent.MATTER_APPROVED: "decision",
    LedgerEvent.MATTER_REFUSED: "decision",
    LedgerEvent.MATTER_BLOCKED: "decision",
    LedgerEvent.MATTER_WITHDRAWN: "withdrawn",
    LedgerEvent.DEFERRED_MATERIALS_CONFIRMED: "deferral_confirmed",
}


def once_key(case_id: str, matter: str | None, event: LedgerEvent) -> str | None:
    """The entry's one-time key, or None for an event that may recur."""
    group = ONE_TIME_EVENTS.get(event)
    return None if group is None else f"{case_id}|{matter or ''}|{group}"


class LedgerEntry(BaseModel):
    key: str  # workflow id + update id or a name fixed by the workflow: retries write once
    case_id: str
    workflow_id: str
    event: LedgerEvent
    matter: str | None = None
    actor: Actor
    occurred_at: datetime
    summary: str
    details: dict[str, Any] = {}


class CaseSummary(BaseModel):
    """The case row that lists read without touching Temporal."""

    case_id: str
    workflow_id: str
    jurisdiction: str
    park: str
    enterprise_name: str
    uscc: str
    project_name: str
    stage: str
    agent_name: str | None = None
    opened_at: datetime
    accepted_at: datetime | None = None
    closed_at: datetime | None = None
    entrustment_start: date | None = None  # None in summaries written before it was kept
    entrustment_end: date
    county: str = ""
    lead_committee: str | None = None
    cross_county: bool = False
    open_problems: int = 0
    satisfaction: str | None = None
    evaluated_at: datetime | None = None
    counties: list[str] = []  # a table of its own (case_county), not a column
    clocks: list[WorkClock] = []  # the work list's rows (work_item), not columns
    version: int

    @classmethod
    def of(cls, status: "CaseStatus", workflow_id: str) -> "CaseSummary":
        application = status.application
        evaluation = status.evaluation
        return cls(
            case_id=status.case_id,
            workflow_id=workflow_id,
            jurisdiction=status.jurisdiction,
            park=status.park,
            enterprise_name=application.applicant_name,
            # A resident's ID number stays in the ledger, out of lists and exports.
            uscc=application.enterprise.uscc if application.enterprise else "",
            project_name=application.subject,
            stage=status.stage.value,
            agent_name=status.agent.name if status.agent else None,
            opened_at=status.opened_at,
            accepted_at=status.acceptance_notice.issued_at if status.acceptance_notice else None,
            closed_at=status.closed_at,
            entrustment_start=application.period.start,
            entrustment_end=application.period.end,
            county=status.county,
            lead_committee=status.lead_committee,
            cross_county=status.cross_county,
            open_problems=status.open_problems,
            satisfaction=evaluation.level.value if evaluation else None,
            evaluated_at=status.evaluated_at,
            counties=status.counties,
            clocks=case_clocks(status),
            version=status.version,
        )


class Recipient(StrEnum):
    DEPARTMENT = "department"
    AGENT = "agent"
    ENTERPRISE = "enterprise"
    LEADER = "leader"  # the committee's leader in charge (分管领导)
    COUNTY_GOVERNMENT = "county_government"
    OVERSIGHT = "oversight"  # 州工信局专班, for cross-county cases (address: the jurisdiction)


class Notice(BaseModel):
    """A message someone must see, written with the ledger entry that caused it."""

    recipient: Recipient
    address: str  # a department code, an agent id, a park code
    message: str


class MatterRowData(BaseModel):
    """What the projection keeps of a matter: small, so a long-running matter's ledger
    writes do not carry its whole history (corrections, pauses) every time."""

    code: str
    name: str
    department: str
    department_name: str
    state: str
    handed_over_at: datetime | None = None
    accepted_at: datetime | None = None
    decided_at: datetime | None = None
    planned_finish: date | None = None
    result_reference: str | None = None
    open_correction: list[str] = []
    correction_count: int = 0
    correction_requested_at: datetime | None = None  # the latest 补正's, open or answered
    due_on: date | None = None
    clock_paused: bool = False
    deadline_provisional: bool = False
    warned: bool = False
    overdue: bool = False
    county: str = ""
    cross_county: bool = False
    hand_off_acknowledged_at: datetime | None = None
    clocks: list[WorkClock] = []  # the work list's rows (work_item), not columns
    version: int

    @classmethod
    def of(cls, snapshot: MatterSnapshot) -> "MatterRowData":
        last = snapshot.corrections[-1] if snapshot.corrections else None
        clock = snapshot.clock
        return cls(
            code=snapshot.code,
            name=snapshot.name,
            department=snapshot.department,
            department_name=snapshot.department_name,
            state=snapshot.state.value,
            handed_over_at=snapshot.handed_over_at,
            accepted_at=snapshot.accepted_at,
            decided_at=snapshot.decided_at,
            planned_finish=snapshot.planned_finish,
            result_reference=snapshot.result_reference,
            open_correction=last.items if last and not last.resubmitted_at else [],
            correction_count=len(snapshot.corrections),
            correction_requested_at=last.requested_at if last else None,
            due_on=clock.due_on if clock else None,
            clock_paused=bool(clock and clock.paused),
            deadline_provisional=bool(clock and (clock.provisional or clock.provisional_days_used)),
            warned=bool(clock and clock.warned_at),
            overdue=bool(clock and clock.overdue_at),
            county=snapshot.county,
            cross_county=snapshot.cross_county is not None,
            hand_off_acknowledged_at=snapshot.hand_off_acknowledged_at,
            clocks=matter_clocks(snapshot),
            version=snapshot.version,
        )


class LedgerWrite(BaseModel):
    """One idempotent write: a ledger entry plus the projection rows it changes."""

    entry: LedgerEntry
    notices: list[Notice] = []
    case: CaseSummary | None = None
    matters: list[MatterRowData] = []
    # The matters above are all the case now has (部分受理, an amended 委托书): rows of
    # others go, and the case's counties follow.
    replaces_matters: bool = False
