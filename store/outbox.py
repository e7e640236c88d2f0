"""The notification outbox: which notices are due to go out, and what became of each.

A notice and its delivery row are written with the ledger entry that caused them, so the
outbox can only ever be late, never short. Delivery is at least once; the receiver
deduplicates on the notice's key.
"""

from datetime import datetime, timedelta

from pydantic import BaseModel
from sqlalchemy import Engine, update
from sqlmodel import Session, col, select

from store.db import session_scope
from store.tables import DeliveryStatus, NotificationDeliveryRow, NotificationRow, as_utc

# A claimed notice is someone's for this long; a dispatcher that dies mid-send frees it.
CLAIM_LEASE = timedelta(seconds=60)


class OutgoingNotice(BaseModel):
    id: int
    key: str
    case_id: str
    event: str
    recipient: str
    address: str
    message: str
    created_at: datetime
    attempts: int


class NoticeDelivery(BaseModel):
    """What became of one notice: what ``GET /notifications`` and ops show."""

    status: DeliveryStatus
    attempts: int
    channel: str | None
    delivered_at: datetime | None
    last_error: str | None

    @classmethod
    def of(cls, row: NotificationDeliveryRow) -> "NoticeDelivery":
        return cls(
            status=DeliveryStatus(row.status),
            attempts=row.attempts,
            channel=row.channel,
            delivered_at=as_utc(row.delivered_at),
            last_error=row.last_error,
        )


def claim_due(engine: Engine, now: datetime, limit: int = 100) -> list[OutgoingNotice]:
    """Claim up to ``limit`` notices whose attempt is due, oldest first.

    Each is claimed with a conditional update, so two dispatchers never send the same
    notice at once: the loser's update matches no row.
    """
    with Session(engine) as session:
        candidates = session.exec(
            select(NotificationDeliveryRow.notification_id, NotificationDeliveryRow.next_attempt_at)
            .where(
                NotificationDeliveryRow.status == DeliveryStatus.PENDING.value,
                NotificationDeliveryRow.next_attempt_at <= now,
            )
            .order_by(col(NotificationDeliveryRow.notification_id))
            .limit(limit)
        ).all()
    claimed = [
        notification_id
        for notification_id, due_at in candidates
        if _claim(engine, notification_id, due_at, now + CLAIM_LEASE)
    ]
    return _outgoing(engine, claimed)


def claim(engine: Engine, notification_id: int, now: datetime) -> OutgoingNotice | None:
    """Claim one notice whatever its status (an ops re-delivery); None if there is none."""
    with Session(engine) as session:
        row = session.get(NotificationDeliveryRow, notification_id)
        if row is None:
            if session.get(NotificationRow, notification_id) is None:
                return None
            # A notice from before the outbox existed: give it a delivery row now.
            session.add(
                NotificationDeliveryRow(notification_id=notification_id, next_attempt_at=now)
            )
            session.commit()
    with session_scope(engine) as session:
        session.exec(
            update(NotificationDeliveryRow)
            .where(col(NotificationDeliveryRow.notification_id) == notification_id)
            .values(
                status=DeliveryStatus.PENDING.value,
                attempts=0,
                next_attempt_at=now + CLAIM_LEASE,
            )
        )
    return _outgoing(engine, [notification_id])[0]


def mark_delivered(engine: Engine, notification_id: int, channel: str, now: datetime) -> None:
    _set(
        engine,
        notification_id,
        status=DeliveryStatus.DELIVERED.value,
        attempts=NotificationDeliveryRow.attempts + 1,
        channel=channel,
        delivered_at=now,
        last_error=None,
    )


def mark_attempt_failed(
    engine: Engine,
    notification_id: int,
    channel: str,
    error: str,
    *,
    retry_at: datetime | None,
) -> None:
    """Record a failed attempt: retried at ``retry_at``, or given up (lost) if None."""
    _set(
        engine,
        notification_id,
        status=(DeliveryStatus.PENDING if retry_at else DeliveryStatus.FAILED).value,
        attempts=NotificationDeliveryRow.attempts + 1,
        channel=channel,
        last_error=error[:500],
        **({"next_attempt_at": retry_at} if retry_at else {}),
    )


def lost(engine: Engine) -> list[tuple[OutgoingNotice, NoticeDelivery]]:
    """Every notice whose delivery was given up, oldest first."""
    with Session(engine) as session:
        rows = session.exec(
            select(NotificationRow, NotificationDeliveryRow)
            .join(NotificationDeliveryRow)
            .where(NotificationDeliveryRow.status == DeliveryStatus.FAILED.value)
            .order_by(col(NotificationRow.id))
        ).all()
    return [
        (_notice(notice, delivery.attempts), NoticeDelivery.of(delivery))
        for notice, delivery in rows
    ]


def deliveries(engine: Engine, notification_ids: list[int]) -> dict[int, NoticeDelivery]:
    with Session(engine) as session:
        rows = session.exec(
            select(NotificationDeliveryRow).where(
                col(NotificationDeliveryRow.notification_id).in_(notification_ids)
            )
        ).all()
    return {row.notification_id: NoticeDelivery.of(row) for row in rows}


def _claim(engine: Engine, notification_id: int, due_at: datetime, lease_until: datetime) -> bool:
    with session_scope(engine) as session:
        result = session.exec(
            update(NotificationDeliveryRow)
            .where(
                col(NotificationDeliveryRow.notification_id) == notification_id,
                col(NotificationDeliveryRow.status) == DeliveryStatus.PENDING.value,
                col(NotificationDeliveryRow.next_attempt_at) == due_at,
            )
            .values(next_attempt_at=lease_until)
        )
        return result.rowcount == 1


def _set(engine: Engine, notification_id: int, **values: object) -> None:
    with session_scope(engine) as session:
        session.exec(
            update(NotificationDeliveryRow)
            .where(col(NotificationDeliveryRow.notification_id) == notification_id)
            .values(**values)
        )


def _outgoing(engine: Engine, notification_ids: list[int]) -> list[OutgoingNotice]:
    if not notification_ids:
        return []
    with Session(engine) as session:
        rows = session.exec(
            select(NotificationRow, NotificationDeliveryRow.attempts)
            .join(NotificationDeliveryRow)
            .where(col(NotificationRow.id).in_(notification_ids))
            .order_by(col(NotificationRow.id))
        ).all()
    return [_notice(notice, attempts) for notice, attempts in rows]


def _notice(row: NotificationRow, attempts: int) -> OutgoingNotice:
    return OutgoingNotice.model_validate(
        {**row.model_dump(), "created_at": as_utc(row.created_at), "attempts": attempts}
    )
