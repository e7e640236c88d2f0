"""The 台账: what a ledger entry says, and what an activity is asked to write."""

from datetime import date, datetime
from enum import StrEnum
from typing import Any

from pydantic import BaseModel

from domain.actors import Actor
from domain.matter import MatterSnapshot


class LedgerEvent(StrEnum):
    APPLICATION_RECEIVED = "application_received"
    APPLICATION_ACCEPTED = "application_accepted"
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
    entrustment_end: date
    version: int


class LedgerWrite(BaseModel):
    """One idempotent write: a ledger entry plus the projection rows it changes."""

    entry: LedgerEntry
    case: CaseSummary | None = None
    matters: list[MatterSnapshot] = []
