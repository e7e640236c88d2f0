"""Notices the cases raised: warnings, overdue escalations, extensions, coordination."""

from datetime import UTC, datetime
from typing import Annotated, Any

from fastapi import APIRouter, Query
from pydantic import BaseModel, Field, StrictBool, StrictInt
from sqlalchemy import exists
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, func, select

from api.auth.access import NotificationReader
from api.deps import EngineDep
from api.errors import ERROR_RESPONSES
from api.params import Limit, Offset
from api.schemas import Page
from domain.actors import Principal, Role
from domain.errors import InvalidInput
from domain.ledger import LedgerEvent, Recipient
from store import outbox
from store.outbox import NoticeDelivery
from store.tables import (
    CaseRow,
    DeliveryStatus,
    LedgerEntryRow,
    NoticeReadRow,
    NotificationDeliveryRow,
    NotificationRow,
    as_utc,
)

router = APIRouter(prefix="/notifications", tags=["notifications"], responses=ERROR_RESPONSES)


class NotificationItem(BaseModel):
    id: int
    case_id: str
    event: LedgerEvent
    recipient: Recipient
    address: str
    message: str
    created_at: datetime
    delivery: NoticeDelivery | None = Field(description="投递情况；早于投递记录的通知为空")
    read: bool = Field(False, description="本人已读")
    link: str = Field(description="控制台中的案件或待办页面")


class UnreadCount(BaseModel):
    unread: int


class MarkRead(BaseModel):
    """已读: the notices named, or all of the caller's own when ``all`` is true."""

    ids: list[StrictInt] = Field([], max_length=200)
    all: StrictBool = False


class Marked(BaseModel):
    marked: int = Field(description="新标记为已读的条数（已读过的不重复计）")


def _own(principal: Principal) -> list[Any]:
    cases = select(CaseRow.case_id)
    match principal.role:
        case Role.DEPARTMENT:
            return [
                NotificationRow.recipient == Recipient.DEPARTMENT.value,
                NotificationRow.address == principal.department,
            ]
        case Role.ENTERPRISE:
            return [
                NotificationRow.recipient == Recipient.ENTERPRISE.value,
                col(NotificationRow.case_id).in_(cases.where(CaseRow.uscc == principal.uscc)),
            ]
        case Role.OVERSIGHT:
            return [NotificationRow.recipient == Recipient.OVERSIGHT.value]
        case Role.LEADER:  # what reaches the leader in charge: escalations, overdue, budget
            cases = cases.where(CaseRow.jurisdiction == principal.jurisdiction)
            if principal.park:
                cases = cases.where(CaseRow.park == principal.park)
            return [
                NotificationRow.recipient == Recipient.LEADER.value,
                col(NotificationRow.case_id).in_(cases),
            ]
        case Role.COORDINATOR:
            cases = cases.where(CaseRow.jurisdiction == principal.jurisdiction)
            if principal.park:
                cases = cases.where(CaseRow.park == principal.park)
            return [col(NotificationRow.case_id).in_(cases)]
    return []


@router.get("", response_model=Page[NotificationItem])
def list_notifications(
    engine: EngineDep,
    principal: NotificationReader,
    recipient: Recipient | None = None,
    address: Annotated[
        str | None, Query(max_length=64, description="部门编码、代办员或案件编号")
    ] = None,
    case_id: Annotated[str | None, Query(max_length=40)] = None,
    delivery_status: DeliveryStatus | None = None,
    unread: Annotated[bool, Query(description="只列本人未读的")] = False,
    offset: Offset = 0,
    limit: Limit = 50,
) -> Page[NotificationItem]:
    """Newest first, of the caller's own: a department's notices, the enterprise's about
    its cases, the notices of a coordinator's jurisdiction (and park), 州工信局's own; all
    for ops."""
    filters = {
        "recipient": recipient.value if recipient else None,
        "address": address,
        "case_id": case_id,
    }
    conditions = [
        getattr(NotificationRow, name) == value for name, value in filters.items() if value
    ]
    conditions.extend(_own(principal))
    if delivery_status:
        conditions.append(
            col(NotificationRow.id).in_(
                select(NotificationDeliveryRow.notification_id).where(
                    NotificationDeliveryRow.status == delivery_status.value
                )
            )
        )
    if unread:
        conditions.append(_unread_by(principal.username))
    with Session(engine) as session:
        total = session.exec(
            select(func.count()).select_from(NotificationRow).where(*conditions)
        ).one()
        rows = session.exec(
            select(NotificationRow)
            .where(*conditions)
            .order_by(col(NotificationRow.id).desc())
            .offset(offset)
            .limit(limit)
        ).all()
        ids = [row.id for row in rows if row.id is not None]
        seen = set(
            session.exec(
                select(NoticeReadRow.notification_id).where(
                    NoticeReadRow.reader == principal.username,
                    col(NoticeReadRow.notification_id).in_(ids),
                )
            )
        )
        matters = _matters_of(session, list(rows)) if principal.role is Role.DEPARTMENT else {}
    delivered = outbox.deliveries(engine, [row.id for row in rows if row.id])
    items = [
        NotificationItem.model_validate(
            {
                **row.model_dump(),
                "created_at": as_utc(row.created_at),
                "delivery": delivered.get(row.id) if row.id is not None else None,
                "read": row.id in seen,
                "link": _link(principal, row, matters),
            }
        )
        for row in rows
    ]
    return Page(items=items, total=total, offset=offset, limit=limit)


def _unread_by(reader: str) -> Any:
    return ~exists().where(
        col(NoticeReadRow.notification_id) == col(NotificationRow.id),
        col(NoticeReadRow.reader) == reader,
    )


def _link(principal: Principal, row: NotificationRow, matters: dict[str, str | None]) -> str:
    """Where the notice is acted on: a department's task (the matter of the ledger entry
    that raised it), everyone else's case page."""
    if principal.role is Role.DEPARTMENT:
        matter = matters.get(row.key.rsplit("#", 1)[0])
        return f"/console/inbox/{row.case_id}/{matter}" if matter else "/console/work"
    return f"/console/cases/{row.case_id}"


def _matters_of(session: Session, rows: list[NotificationRow]) -> dict[str, str | None]:
    keys = [row.key.rsplit("#", 1)[0] for row in rows]
    found = session.exec(
        select(LedgerEntryRow.key, LedgerEntryRow.matter).where(col(LedgerEntryRow.key).in_(keys))
    )
    return dict(found.all())


@router.get("/unread-count", response_model=UnreadCount)
def unread_count(engine: EngineDep, principal: NotificationReader) -> UnreadCount:
    """How many of the caller's own notices they have not read (the header's count)."""
    with Session(engine) as session:
        total = session.exec(
            select(func.count())
            .select_from(NotificationRow)
            .where(*_own(principal), _unread_by(principal.username))
        ).one()
    return UnreadCount(unread=total)


@router.post("/read", response_model=Marked)
def mark_read(body: MarkRead, engine: EngineDep, principal: NotificationReader) -> Marked:
    """Mark notices read, once: a notice marked again, or one not the caller's, is left as
    it is, so a retried or doubled click counts nothing twice (no key needed)."""
    if not body.ids and not body.all:
        raise InvalidInput("ids", "请选择要标为已读的消息，或选择全部标为已读")
    conditions = [*_own(principal), _unread_by(principal.username)]
    if not body.all:
        conditions.append(col(NotificationRow.id).in_(body.ids))
    now = datetime.now(UTC)
    with Session(engine) as session:
        unread = _ids(session, conditions)
        session.add_all(
            NoticeReadRow(notification_id=i, reader=principal.username, read_at=now) for i in unread
        )
        try:
            session.commit()
            return Marked(marked=len(unread))
        except IntegrityError:  # a concurrent click marked some first: add the rest singly
            session.rollback()
        marked = 0
        for notice_id in _ids(session, conditions):
            session.add(
                NoticeReadRow(notification_id=notice_id, reader=principal.username, read_at=now)
            )
            try:
                session.commit()
                marked += 1
            except IntegrityError:
                session.rollback()
    return Marked(marked=marked)


def _ids(session: Session, conditions: list[Any]) -> list[int]:
    found = session.exec(select(col(NotificationRow.id)).where(*conditions)).all()
    return [i for i in found if i is not None]
