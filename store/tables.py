"""SQLModel tables. They never cross into Temporal: activities convert to domain models."""

from datetime import UTC, date, datetime
from enum import StrEnum
from typing import Any, overload

from sqlalchemy import JSON, BigInteger, Column, DateTime, Index, TypeDecorator, UniqueConstraint
from sqlmodel import Field, SQLModel


class UtcDateTime(TypeDecorator):
    """Stored as UTC, read back as an aware UTC datetime on SQLite as on PostgreSQL
    (SQLite keeps the text without its zone, and would hand back naive values)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is not None and value.tzinfo is not None:
            value = value.astimezone(UTC)
        return value

    def process_result_value(self, value: datetime | None, dialect: Any) -> datetime | None:
        return as_utc(value)


def utc_column(nullable: bool = True) -> Any:
    return Field(default=None, sa_column=Column(UtcDateTime(), nullable=nullable))


@overload
def as_utc(moment: datetime) -> datetime: ...


@overload
def as_utc(moment: None) -> None: ...


def as_utc(moment: datetime | None) -> datetime | None:
    """SQLite hands back naive datetimes; everything stored is UTC."""
    if moment is None or moment.tzinfo is not None:
        return moment
    return moment.replace(tzinfo=UTC)


class LedgerEntryRow(SQLModel, table=True):
    """One 台账 entry. Append-only: nothing in the code updates or deletes a row."""

    __tablename__ = "ledger_entry"
    __table_args__ = (
        UniqueConstraint("key", name="uq_ledger_entry_key"),
        UniqueConstraint("once_key", name="uq_ledger_entry_once"),
    )

    id: int | None = Field(default=None, primary_key=True)
    key: str = Field(max_length=300)
    case_id: str = Field(index=True, max_length=40)
    workflow_id: str = Field(max_length=200)
    event: str = Field(max_length=40, index=True)
    matter: str | None = Field(default=None, max_length=60)
    actor_id: str = Field(max_length=64)
    actor_role: str = Field(max_length=20)
    actor_department: str | None = Field(default=None, max_length=60)
    occurred_at: datetime = utc_column(nullable=False)
    recorded_at: datetime = utc_column(nullable=False)
    summary: str
    details: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    # The hash chain (store/chain.py): each entry's hash covers its content and the hash
    # of the entry before it, so an edit, a removal or a reordering shows.
    prev_hash: str = Field(default="", max_length=64)
    entry_hash: str = Field(default="", max_length=64)
    # case|matter|group for a one-time event (domain.ledger.ONE_TIME_EVENTS), else NULL:
    # unique, so no case is accepted twice. Not hashed: it follows from the content.
    once_key: str | None = Field(default=None, max_length=200)


class LedgerHead(SQLModel, table=True):
    """The chain's last link: locked by each append so entries chain one at a time, and
    compared by verification so a removed last entry shows too."""

    __tablename__ = "ledger_head"

    id: int = Field(default=1, primary_key=True)
    last_entry_id: int = 0
    last_hash: str = Field(default="", max_length=64)
    entries: int = 0


class CaseRow(SQLModel, table=True):
    __tablename__ = "case_projection"
    __table_args__ = (
        Index("ix_case_projection_stage_opened", "stage", "opened_at"),
        # The oversight list: cross-county cases newest first, paged along the index.
        Index("ix_case_projection_cross_county_opened", "cross_county", "opened_at", "case_id"),
    )

    case_id: str = Field(primary_key=True, max_length=40)
    workflow_id: str = Field(max_length=200)
    jurisdiction: str = Field(max_length=8, index=True)
    park: str = Field(max_length=60, index=True)
    enterprise_name: str = Field(max_length=100)
    uscc: str = Field(max_length=18, index=True)
    project_name: str = Field(max_length=200)
    stage: str = Field(max_length=30)
    agent_name: str | None = Field(default=None, max_length=50)
    opened_at: datetime = utc_column(nullable=False)
    accepted_at: datetime | None = utc_column()
    closed_at: datetime | None = utc_column()
    entrustment_start: date | None = None  # the 委托书's period, as the tracking table prints it
    entrustment_end: date
    county: str = Field(default="", max_length=40)  # the park's
    lead_committee: str | None = Field(default=None, max_length=60)
    cross_county: bool = False
    open_problems: int = 0  # coordination problems not yet resolved
    satisfaction: str | None = Field(default=None, max_length=20)
    evaluated_at: datetime | None = utc_column()
    version: int


class CaseCountyRow(SQLModel, table=True):
    """Every county a case works in (the park's and each matter's): the oversight filter."""

    __tablename__ = "case_county"

    __table_args__ = (Index("ix_case_county_county_case", "county", "case_id"),)

    case_id: str = Field(primary_key=True, max_length=40)
    county: str = Field(primary_key=True, max_length=40)


class MatterRow(SQLModel, table=True):
    __tablename__ = "matter_projection"
    __table_args__ = (
        Index("ix_matter_projection_inbox", "department", "state"),
        # The oversight filter "overdue": the few matters past their deadline, by case.
        Index("ix_matter_projection_overdue", "overdue", "state", "case_id"),
    )

    case_id: str = Field(primary_key=True, max_length=40)
    code: str = Field(primary_key=True, max_length=60)
    name: str = Field(max_length=100)
    department: str = Field(max_length=60)
    department_name: str = Field(max_length=100)
    state: str = Field(max_length=30)
    handed_over_at: datetime | None = utc_column()
    accepted_at: datetime | None = utc_column()
    decided_at: datetime | None = utc_column()
    planned_finish: date | None = None
    result_reference: str | None = Field(default=None, max_length=100)
    open_correction: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    correction_count: int = 0
    # When the latest 补正 was asked: 补正材料 attaches the versions uploaded since.
    correction_requested_at: datetime | None = utc_column()
    due_on: date | None = Field(default=None, index=True)
    clock_paused: bool = False
    deadline_provisional: bool = False
    warned: bool = False
    overdue: bool = False
    county: str = Field(default="", max_length=40)  # where it is decided
    cross_county: bool = False
    hand_off_acknowledged_at: datetime | None = utc_column()
    version: int


class NotificationRow(SQLModel, table=True):
    """A notice for a person or a body, written with the ledger entry that caused it."""

    __tablename__ = "notification"

    id: int | None = Field(default=None, primary_key=True)
    key: str = Field(max_length=320, unique=True)
    case_id: str = Field(index=True, max_length=40)
    event: str = Field(max_length=40)
    recipient: str = Field(max_length=30)
    address: str = Field(max_length=64, index=True)
    message: str
    created_at: datetime = utc_column(nullable=False)


class NoticeReadRow(SQLModel, table=True):
    """A notice someone has read (the message centre's unread count is the rest)."""

    __tablename__ = "notice_read"
    __table_args__ = (Index("ix_notice_read_reader", "reader", "notification_id"),)

    notification_id: int = Field(
        primary_key=True, foreign_key="notification.id", ondelete="CASCADE"
    )
    reader: str = Field(primary_key=True, max_length=64)
    read_at: datetime = utc_column(nullable=False)


class DeliveryStatus(StrEnum):
    PENDING = "pending"  # waiting for its first or next attempt
    DELIVERED = "delivered"
    FAILED = "failed"  # every attempt failed: lost until ops re-deliver it


class NotificationDeliveryRow(SQLModel, table=True):
    """Where a notice is on its way out (the outbox): written with the notice, in the
    same transaction, so a notice can be late but never silently missing."""

    __tablename__ = "notification_delivery"
    __table_args__ = (Index("ix_notification_delivery_due", "status", "next_attempt_at"),)

    notification_id: int = Field(primary_key=True, foreign_key="notification.id")
    status: str = Field(default=DeliveryStatus.PENDING.value, max_length=10)
    attempts: int = 0
    next_attempt_at: datetime = utc_column(nullable=False)
    channel: str | None = Field(default=None, max_length=20)
    delivered_at: datetime | None = utc_column()
    last_error: str | None = Field(default=None, max_length=500)


class IdempotentRequest(SQLModel, table=True):
    """A request that must take effect once (opening a case): its key, a digest of its
    body, and what it produced, so a repeat gets the same answer."""

    __tablename__ = "idempotent_request"

    key: str = Field(primary_key=True, max_length=140)
    body_digest: str = Field(max_length=64)
    result: str | None = Field(default=None, max_length=200)  # None while in progress
    created_at: datetime = utc_column(nullable=False)
    # While in progress: the attempt holding the claim, until when, and what it set aside
    # (the case number it is opening), so a retry after a crash recovers it.
    lease_until: datetime | None = utc_column(nullable=True)
    reserved: str | None = Field(default=None, max_length=200)
    attempt: int = 1


class CaseSequence(SQLModel, table=True):
    """The last case number issued per jurisdiction and year (BZ-2026-00042)."""

    __tablename__ = "case_sequence"

    jurisdiction: str = Field(primary_key=True, max_length=8)
    year: int = Field(primary_key=True)
    last: int = 0


class AccountRow(SQLModel, table=True):
    """A person or system that signs in, with the scope its requests are held to.

    ``password_hash`` is empty for accounts that only ever get tokens from the command line
    (a department's own system); ``token_version`` is bumped to revoke every token issued.
    """

    __tablename__ = "account"

    username: str = Field(primary_key=True, max_length=64)
    display_name: str = Field(max_length=50)
    role: str = Field(max_length=20)
    jurisdiction: str | None = Field(default=None, max_length=8)
    park: str | None = Field(default=None, max_length=60)
    department: str | None = Field(default=None, max_length=60)
    county: str | None = Field(default=None, max_length=40)
    uscc: str | None = Field(default=None, max_length=18, index=True)
    phone: str | None = Field(default=None, max_length=20)  # printed on papers beside the name
    password_hash: str = Field(default="", max_length=200)
    active: bool = True
    token_version: int = 0
    created_at: datetime = utc_column(nullable=False)


class MaterialReadRow(SQLModel, table=True):
    """One read of an enterprise's materials (委托书, contacts, a task's materials, an
    export): who, when, what. Append-only, like the ledger, but kept apart from it: a
    read is not an act on the case, and the 台账 and its reports stay about the acts."""

    __tablename__ = "material_read"

    id: int | None = Field(default=None, primary_key=True)
    case_id: str | None = Field(default=None, index=True, max_length=40)  # none: an export
    matter: str | None = Field(default=None, max_length=60)
    resource: str = Field(max_length=40)
    actor_id: str = Field(max_length=64)
    actor_role: str = Field(max_length=20)
    actor_department: str | None = Field(default=None, max_length=60)
    request_id: str | None = Field(default=None, max_length=64)
    read_at: datetime = utc_column(nullable=False)


class SignInThrottleRow(SQLModel, table=True):
    """Failed sign-ins counted per key (username and address, or address) until
    ``window_until`` (epoch seconds, so both databases compare it the same way)."""

    __tablename__ = "sign_in_throttle"

    key: str = Field(primary_key=True, max_length=200)
    failures: int = 0
    window_until: float = 0


class DocumentRow(SQLModel, table=True):
    """One version of a document (domain/documents.py); its bytes are in storage under
    ``sha256``. Written with its ledger entry in one transaction; the only change a row
    ever sees is being marked superseded, which is a ledger entry too."""

    __tablename__ = "document"
    __table_args__ = (
        UniqueConstraint(
            "case_id", "matter", "kind", "material", "version", name="uq_document_version"
        ),
        UniqueConstraint("upload_key", name="uq_document_upload_key"),
        Index("ix_document_case_matter", "case_id", "matter"),
    )

    id: str = Field(primary_key=True, max_length=16)
    case_id: str = Field(max_length=40)
    matter: str = Field(max_length=60)
    kind: str = Field(max_length=20)
    material: str = Field(max_length=100)
    version: int
    filename: str = Field(max_length=120)
    document_type: str = Field(max_length=10)
    media_type: str = Field(max_length=100)
    size: int = Field(sa_column=Column(BigInteger, nullable=False))
    sha256: str = Field(max_length=64, index=True)
    uploaded_by: str = Field(max_length=64)
    uploaded_by_role: str = Field(max_length=20)
    uploaded_at: datetime = utc_column(nullable=False)
    superseded_at: datetime | None = utc_column()
    superseded_by: str | None = Field(default=None, max_length=16)
    result_reference: str | None = Field(default=None, max_length=100)
    # The uploader's Idempotency-Key, scoped to the account: a retry finds its first version.
    upload_key: str | None = Field(default=None, max_length=200)


class WorkItemRow(SQLModel, table=True):
    """One running (or, with ``closed_at``, finished) clock of a case: the work lists' read
    model, rewritten with the case's or the matter's projection rows (domain/work.py)."""

    __tablename__ = "work_item"
    __table_args__ = (
        Index("ix_work_item_open_due", "closed_at", "due_at"),
        Index("ix_work_item_department", "department", "closed_at", "due_at"),
        Index("ix_work_item_scope", "jurisdiction", "park", "closed_at", "due_at"),
    )

    case_id: str = Field(primary_key=True, max_length=40)
    kind: str = Field(primary_key=True, max_length=30)
    matter: str = Field(primary_key=True, max_length=60, default="")
    source: str = Field(max_length=10)  # "case" or "matter": whose writes replace it
    owner: str = Field(max_length=20)
    jurisdiction: str = Field(default="", max_length=10)
    park: str = Field(default="", max_length=60)
    uscc: str = Field(default="", max_length=18)
    cross_county: bool = False
    department: str = Field(default="", max_length=60)
    department_name: str = Field(default="", max_length=100)
    matter_name: str = Field(default="", max_length=100)
    enterprise_name: str = Field(default="", max_length=200)
    project_name: str = Field(default="", max_length=200)
    label: str = Field(default="", max_length=300)
    due_at: datetime = utc_column(nullable=False)
    due_on: date | None = None
    warn_at: datetime | None = utc_column()
    provisional: bool = False
    opened_at: datetime = utc_column(nullable=False)
    closed_at: datetime | None = utc_column()


class TallyRow(SQLModel, table=True):
    """One kept count of the oversight statistics (domain/tally.py), under a case's fixed
    facts; each ledger write moves the rows its case's projection change moves."""

    __tablename__ = "oversight_tally"

    figure: str = Field(primary_key=True, max_length=20)
    cross_county: bool = Field(primary_key=True)
    jurisdiction: str = Field(primary_key=True, max_length=8)
    k1: str = Field(default="", primary_key=True, max_length=100)
    k2: str = Field(default="", primary_key=True, max_length=100)
    n: int = 0
