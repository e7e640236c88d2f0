"""Every filed version of a case's feedback report, kept in the ledger.

The first filing goes through the case workflow (it archives the case). A later version
(the special team asked for a correction, say) is a document revision, not a change of
the case, so it is appended to the ledger directly and works after the case has closed.
"""

from datetime import UTC, datetime

from pydantic import BaseModel
from sqlalchemy import Engine

from domain.actors import Actor
from domain.errors import ActionRefused
from domain.ledger import LedgerEntry, LedgerEvent, LedgerWrite
from domain.report import FeedbackFilingRequest
from store import ledger

FILINGS = (LedgerEvent.FEEDBACK_REPORT_FILED, LedgerEvent.FEEDBACK_REPORT_REVISED)


class ReportVersion(BaseModel):
    version: int
    text: str
    reference: str
    filed_by: str
    filed_at: datetime


class NotFiledYet(ActionRefused):
    pass


class VersionTaken(ActionRefused):
    """Someone filed the same version number first."""


def versions(engine: Engine, case_id: str) -> list[ReportVersion]:
    entries, _ = ledger.entries(engine, case_id, limit=100_000)
    filed = [e for e in entries if e.event in FILINGS]
    return [
        ReportVersion(
            version=number,
            text=entry.details["text"],
            reference=entry.details["reference"],
            filed_by=entry.actor.id,
            filed_at=entry.occurred_at,
        )
        for number, entry in enumerate(filed, start=1)
    ]


def revise(
    engine: Engine, case_id: str, filing: FeedbackFilingRequest, actor: Actor
) -> ReportVersion:
    earlier = versions(engine, case_id)
    if not earlier:
        raise NotFiledYet(case_id)
    number = len(earlier) + 1
    entry = LedgerEntry(
        key=f"{case_id}/feedback-report/v{number}",
        case_id=case_id,
        workflow_id=case_id,
        event=LedgerEvent.FEEDBACK_REPORT_REVISED,
        actor=actor,
        occurred_at=datetime.now(UTC),
        summary=f"报送评价反馈报告第{number}版，{filing.reference}",
        details={**filing.model_dump(mode="json"), "version": number},
    )
    if not ledger.append(engine, LedgerWrite(entry=entry)):
        raise VersionTaken(case_id)
    return ReportVersion(
        version=number,
        text=filing.text,
        reference=filing.reference,
        filed_by=actor.id,
        filed_at=entry.occurred_at,
    )
