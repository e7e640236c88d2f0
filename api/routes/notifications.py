"""Notices the cases raised: warnings, overdue escalations, extensions, coordination."""

from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Query
from pydantic import BaseModel, Field
from sqlmodel import Session, col, func, select

from api.auth.access import NotificationReader
from api.deps import EngineDep
from api.errors import ERROR_RESPONSES
from api.params import Limit, Offset
from api.schemas import Page
from domain.actors import Principal, Role
from domain.ledger import LedgerEvent, Recipient
from store import outbox
from store.outbox import NoticeDelivery
from store.tables import (
    CaseRow,
    DeliveryStatus,
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
    delivered = outbox.deliveries(engine, [row.id for row in rows if row.id])
    items = [
        NotificationItem.model_validate(
            {
                **row.model_dump(),
                "created_at": as_utc(row.created_at),
                "delivery": delivered.get(row.id) if row.id is not None else None,
            }
        )
        for row in rows
    ]
    return Page(items=items, total=total, offset=offset, limit=limit)
