"""What a ledger says happened to each case and matter, as plain timelines.

The simulation reads its outcomes from its own throwaway ledger, and learns a baseline
from the live one, through this one reading, so a figure means the same on both sides.
"""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime

from sqlalchemy import Engine
from sqlmodel import Session, col, select

from domain.ledger import LedgerEvent as E
from store.tables import LedgerEntryRow, MatterRow


@dataclass
class MatterFacts:
    code: str
    department: str
    handed_over_at: datetime | None = None
    acknowledged_at: datetime | None = None
    accepted_at: datetime | None = None
    corrections: list[tuple[datetime, datetime | None]] = field(default_factory=list)
    decided_at: datetime | None = None
    deferred: bool = False
    supplied_at: datetime | None = None  # 容缺 materials
    confirmed_at: datetime | None = None
    warned: bool = False
    overdue: bool = False

    def cycle_days(self) -> float | None:
        """Calendar days from hand-over to decision, as the dashboard counts them."""
        if self.handed_over_at is None or self.decided_at is None:
            return None
        return (self.decided_at - self.handed_over_at).total_seconds() / 86400


@dataclass
class Problem:
    raised_at: datetime
    coordinated_at: datetime | None = None
    escalated: bool = False


@dataclass
class CaseFacts:
    case_id: str
    jurisdiction: str
    park: str = ""
    received_at: datetime | None = None
    reviewed_at: datetime | None = None
    planned_at: datetime | None = None
    delivered_at: datetime | None = None
    evaluated_at: datetime | None = None
    rating: str | None = None
    report_due_on: date | None = None
    report_filed_at: datetime | None = None
    report_overdue: bool = False
    follow_up_steps: list[datetime] = field(default_factory=list)
    budget_exceeded: bool = False
    closed_at: datetime | None = None
    matters: dict[str, MatterFacts] = field(default_factory=dict)
    problems: dict[int, Problem] = field(default_factory=dict)
    # who acted when: (role, department or park, moment), for the load per week
    acts: list[tuple[str, str, datetime]] = field(default_factory=list)

    def cycle_days(self) -> float | None:
        if self.received_at is None or self.delivered_at is None:
            return None
        return (self.delivered_at - self.received_at).total_seconds() / 86400

    @property
    def overdue(self) -> bool:
        return self.budget_exceeded or any(m.overdue for m in self.matters.values())

    def last_decided(self) -> str | None:
        """The matter decided last: the end of the case's critical path as it ran."""
        decided = [(m.decided_at, m.code) for m in self.matters.values() if m.decided_at]
        return max(decided)[1] if decided else None


@dataclass(frozen=True)
class Entry:
    case_id: str
    event: str
    matter: str | None
    occurred_at: datetime
    details: Mapping
    actor_role: str = ""
    actor_department: str | None = None


def _matter(case: CaseFacts, entry: Entry, departments: Mapping[tuple[str, str], str]):
    assert entry.matter is not None
    if entry.matter not in case.matters:
        department = departments.get((case.case_id, entry.matter), "")
        case.matters[entry.matter] = MatterFacts(code=entry.matter, department=department)
    return case.matters[entry.matter]


def facts_from(
    entries: Iterable[Entry], departments: Mapping[tuple[str, str], str]
) -> list[CaseFacts]:
    """Timelines of the cases these entries (in ledger order) tell of."""
    cases: dict[str, CaseFacts] = {}
    for entry in entries:
        case = cases.get(entry.case_id)
        if case is None:
            case = cases[entry.case_id] = CaseFacts(
                case_id=entry.case_id, jurisdiction=entry.case_id.split("-", 1)[0]
            )
        at, event = entry.occurred_at, entry.event
        if entry.actor_role == "coordinator":
            case.acts.append(("agent", case.park, at))
        elif entry.actor_role == "department":
            case.acts.append(("department", entry.actor_department or "", at))
        if event == E.APPLICATION_RECEIVED:
            case.received_at = at
            case.park = entry.details.get("application", {}).get("park", "")
        elif event == E.APPLICATION_ACCEPTED:
            case.reviewed_at = at
        elif event == E.PLAN_AGREED:
            case.planned_at = at
        elif event in (E.MATERIALS_HANDED_OVER, E.CROSS_COUNTY_HANDED_OFF):
            _matter(case, entry, departments).handed_over_at = at
        elif event == E.HAND_OFF_ACKNOWLEDGED:
            _matter(case, entry, departments).acknowledged_at = at
        elif event == E.MATTER_ACCEPTED:
            matter = _matter(case, entry, departments)
            matter.accepted_at = at
            matter.deferred = bool(entry.details.get("deferral"))  # 容缺受理
        elif event == E.CORRECTION_REQUESTED:
            _matter(case, entry, departments).corrections.append((at, None))
        elif event == E.MATERIALS_RESUBMITTED:
            matter = _matter(case, entry, departments)
            if matter.corrections and matter.corrections[-1][1] is None:
                matter.corrections[-1] = (matter.corrections[-1][0], at)
        elif event in (E.MATTER_APPROVED, E.MATTER_REFUSED):
            _matter(case, entry, departments).decided_at = at
        elif event == E.DEFERRED_MATERIALS_SUPPLIED:
            _matter(case, entry, departments).supplied_at = at
        elif event == E.DEFERRED_MATERIALS_CONFIRMED:
            _matter(case, entry, departments).confirmed_at = at
        elif event == E.DEADLINE_WARNING and entry.matter:
            _matter(case, entry, departments).warned = True
        elif event == E.DEADLINE_OVERDUE and entry.matter:
            _matter(case, entry, departments).overdue = True
        elif event == E.COORDINATION_DUE:
            number = int(entry.details.get("number", len(case.problems) + 1))
            case.problems[number] = Problem(raised_at=at)
        elif event == E.COORDINATION_RECORDED:
            number = int(entry.details.get("problem", 0))
            if number in case.problems:
                case.problems[number].coordinated_at = at
        elif event == E.COORDINATION_ESCALATED:
            number = int(entry.details.get("problem", 0))
            if number in case.problems:
                case.problems[number].escalated = True
        elif event == E.RESULTS_DELIVERED:
            case.delivered_at = at
        elif event == E.CASE_EVALUATED:
            case.evaluated_at = at
            case.rating = entry.details.get("level")
        elif event == E.FEEDBACK_REPORT_DRAFTED:
            due = entry.details.get("due_on")
            case.report_due_on = date.fromisoformat(due) if due else None
        elif event == E.FEEDBACK_REPORT_FILED:
            case.report_filed_at = at
        elif event == E.FEEDBACK_REPORT_OVERDUE:
            case.report_overdue = True
        elif event in (E.FOLLOW_UP_CALLBACK, E.FOLLOW_UP_REMEDY, E.FOLLOW_UP_RATED):
            case.follow_up_steps.append(at)
        elif event == E.CASE_BUDGET_EXCEEDED:
            case.budget_exceeded = True
        elif event in (E.CASE_ARCHIVED, E.CASE_TERMINATED):
            case.closed_at = at
    return list(cases.values())


def read_facts(
    engine: Engine,
    since: datetime | None = None,
    until: datetime | None = None,
    jurisdiction: str | None = None,
) -> list[CaseFacts]:
    """The cases received in [since, until) (of one jurisdiction, if named) and everything
    their ledger says of them."""
    with Session(engine) as session:
        received = select(LedgerEntryRow.case_id).where(
            LedgerEntryRow.event == E.APPLICATION_RECEIVED.value
        )
        if jurisdiction is not None:
            received = received.where(col(LedgerEntryRow.case_id).startswith(f"{jurisdiction}-"))
        if since is not None:
            received = received.where(LedgerEntryRow.occurred_at >= since)
        if until is not None:
            received = received.where(LedgerEntryRow.occurred_at < until)
        rows = session.exec(
            select(LedgerEntryRow)
            .where(col(LedgerEntryRow.case_id).in_(received))
            .order_by(col(LedgerEntryRow.id))
        ).all()
        entries = [
            Entry(
                r.case_id,
                r.event,
                r.matter,
                r.occurred_at,
                r.details or {},
                r.actor_role,
                r.actor_department,
            )
            for r in rows
        ]
        matters = session.exec(
            select(MatterRow.case_id, MatterRow.code, MatterRow.department).where(
                col(MatterRow.case_id).in_(received)
            )
        ).all()
    return facts_from(entries, {(case, code): dept for case, code, dept in matters})
