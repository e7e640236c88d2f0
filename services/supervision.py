"""Write the supervision records (domain/supervision.py) to the case's ledger.

They change nothing the workflow decides, and a 回访 usually comes after the case is
archived, when its workflow has ended: so the service writes them itself, in one
transaction with their notices. A retried request with its Idempotency-Key derives the same
ledger key and is written once.
"""

import uuid
from datetime import UTC, datetime

from sqlalchemy import Engine

from domain.actors import Actor
from domain.case import CaseStage
from domain.errors import ActionRefused, InvalidInput, NotFound
from domain.ledger import LedgerEntry, LedgerEvent, LedgerWrite, Notice, Recipient
from domain.supervision import (
    MISCONDUCT_NAMES,
    VISIT_RESULT_NAMES,
    MisconductReportRequest,
    SatisfactionVisitRequest,
    VisitResult,
)
from store import ledger, projection
from store.tables import CaseRow


def _case(engine: Engine, case_id: str) -> CaseRow:
    row = projection.case_row(engine, case_id)
    if row is None:
        raise NotFound(f"案件{case_id}不存在")
    return row


def _entry(
    case: CaseRow, event: LedgerEvent, actor: Actor, key: str | None, summary: str, details: dict
) -> LedgerEntry:
    return LedgerEntry(
        key=f"{case.case_id}/{event.value}/{key or uuid.uuid4()}",
        case_id=case.case_id,
        workflow_id=case.workflow_id,
        event=event,
        actor=actor,
        occurred_at=datetime.now(UTC),
        summary=summary,
        details=details,
    )


def _agent_id(engine: Engine, case_id: str) -> str | None:
    """The agent the plan named (the case row keeps only the name)."""
    plan = ledger.latest(engine, case_id, LedgerEvent.PLAN_AGREED)
    agent = (plan.details.get("plan") or {}).get("agent") if plan else None
    return agent.get("id") if isinstance(agent, dict) else None


def record_visit(
    engine: Engine, case_id: str, actor: Actor, visit: SatisfactionVisitRequest, key: str | None
) -> LedgerEntry:
    """满意度回访 of a case that was accepted; a dissatisfied answer goes to the agent and
    the leader in charge."""
    case = _case(engine, case_id)
    if case.stage in (CaseStage.INITIAL_REVIEW.value, CaseStage.REFUSED.value):
        raise ActionRefused("案件未受理，不开展满意度回访")
    result = VISIT_RESULT_NAMES[visit.result]
    summary = f"满意度回访（{visit.method}，{visit.visited}）：{result}" + (
        f"；{visit.note}" if visit.note else ""
    )
    entry = _entry(
        case, LedgerEvent.SATISFACTION_VISITED, actor, key, summary, visit.model_dump(mode="json")
    )
    notices = []
    if visit.result is VisitResult.DISSATISFIED:
        notices = [Notice(recipient=Recipient.LEADER, address=case.park, message=summary)]
        agent = _agent_id(engine, case_id)
        if agent is not None:
            notices.append(Notice(recipient=Recipient.AGENT, address=agent, message=summary))
    return _written(engine, LedgerWrite(entry=entry, notices=notices))


def report_misconduct(
    engine: Engine, case_id: str, actor: Actor, report: MisconductReportRequest, key: str | None
) -> LedgerEntry:
    """The park committee reports misconduct it found; the leader in charge is told."""
    case = _case(engine, case_id)
    if report.matter is not None:
        codes = {m.code for m in projection.matter_rows(engine, case_id)}
        if report.matter not in codes:
            raise InvalidInput("matter", f"本案件没有委托事项{report.matter}")
    behaviours = "、".join(MISCONDUCT_NAMES[b] for b in report.behaviours)
    summary = (
        f"发现{report.subject}存在“{behaviours}”行为，已报告{report.reported_to}依法依规处理："
        f"{report.description}"
    )
    entry = _entry(
        case,
        LedgerEvent.MISCONDUCT_REPORTED,
        actor,
        key,
        summary,
        report.model_dump(mode="json"),
    )
    notices = [Notice(recipient=Recipient.LEADER, address=case.park, message=summary)]
    return _written(engine, LedgerWrite(entry=entry, notices=notices))


def _written(engine: Engine, write: LedgerWrite) -> LedgerEntry:
    """The entry as the ledger holds it: a repeat under the same key gets the first one."""
    if ledger.append(engine, write):
        return write.entry
    stored = ledger.by_key(engine, write.entry.key)
    assert stored is not None  # append found it there
    return stored
