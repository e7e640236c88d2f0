"""Append to the ledger exactly once per key; read it back in order."""

from collections import Counter
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Engine, bindparam, func
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from domain.actors import Actor
from domain.ledger import LedgerEntry, LedgerEvent, LedgerWrite, MatterRowData, once_key
from domain.tally import TallyKey
from store import chain, tally
from store.db import one_writer, session_scope
from store.projection import Written, keep_only, upsert_case, upsert_matter
from store.tables import LedgerEntryRow, NotificationDeliveryRow, NotificationRow, as_utc


class OneTimeEventRepeated(Exception):
    """A one-time event (domain.ledger.ONE_TIME_EVENTS) is already in the case's ledger."""


def append(engine: Engine, write: LedgerWrite, *, tallies: bool = True) -> bool:
    """Write the entry and its projection changes in one transaction.

    Returns False when the key was already written (a retried activity): nothing is
    written twice, and the projection is left to its newer version. ``tallies=False``
    leaves the statistics' tallies alone (a what-if run reads its own ledger instead).
    """
    try:
        # one_writer: on SQLite the process's writers queue here, not in the busy handler
        with one_writer(engine), session_scope(engine) as session:
            if _exists(session, write.entry.key):
                return False
            chain.link(session, _to_row(write.entry))
            case_id = write.entry.case_id
            moves = tallies and (write.case is not None or bool(write.matters))
            before = tally.Counted.read(session, case_id) if moves else None
            case = (
                upsert_case(session, write.case, absent=before is not None and before.case is None)
                if write.case is not None
                else None
            )
            written = _upsert_matters(session, write, before)
            matters = [m for m, how in written if how is not Written.STALE]
            if write.replaces_matters and write.case is not None:
                keep_only(session, write.case, [m.code for m in write.matters])
            if before is not None:  # the statistics' tallies move with the projection
                tally.move(session, before.tallies(), _after(session, write, before, case, matters))
            for index, notice in enumerate(write.notices):
                row = NotificationRow(
                    key=f"{write.entry.key}#{index}",
                    case_id=write.entry.case_id,
                    event=write.entry.event.value,
                    recipient=notice.recipient.value,
                    address=notice.address,
                    message=notice.message,
                    created_at=write.entry.occurred_at,
                )
                session.add(row)
                session.flush()  # the delivery row needs the notice's id
                assert row.id is not None
                session.add(
                    NotificationDeliveryRow(
                        notification_id=row.id,
                        next_attempt_at=datetime.now(UTC),
                    )
                )
        return True
    except IntegrityError:
        # Two attempts of the same activity raced; the other one wrote it.
        with Session(engine) as session:
            if _exists(session, write.entry.key):
                return False
            once = once_key(write.entry.case_id, write.entry.matter, write.entry.event)
            if once is not None and _once_taken(session, once):
                raise OneTimeEventRepeated(once) from None
        raise


def _upsert_matters(
    session: Session, write: LedgerWrite, before: tally.Counted | None
) -> list[tuple[MatterRowData, Written]]:
    """The write's matter rows; those the case's rows just read do not hold are inserted
    without the update and the version read that would find nothing (a hand-over, 开办)."""
    stored = set(before.matters) if before is not None else None
    written = []
    for matter in write.matters:
        absent = stored is not None and matter.code not in stored
        written.append((matter, upsert_matter(session, write.entry.case_id, matter, absent=absent)))
        if stored is not None:
            stored.add(matter.code)  # the same code twice in one write is updated the second time
    return written


def _after(
    session: Session,
    write: LedgerWrite,
    before: tally.Counted,
    case: Written | None,
    matters: list[MatterRowData],
) -> Counter[TallyKey]:
    """What the case counts for after this write: from the rows it wrote where that is
    plain (under the chain's head, no other write can move them meanwhile), else read back
    (a case row inserted, with its counties; matters dropped by keep_only)."""
    if case is Written.INSERTED or write.replaces_matters:
        return tally.Counted.read(session, write.entry.case_id).tallies()
    summary = write.case if case is Written.UPDATED else None
    return before.with_rows(summary, matters).tallies()


def append_in(session: Session, entry: LedgerEntry) -> bool:
    """Chain one entry in the caller's transaction, with the rows it belongs with (a
    document's version); False if its key is written already."""
    if _exists(session, entry.key):
        return False
    chain.link(session, _to_row(entry))
    return True


def entries(
    engine: Engine, case_id: str, *, offset: int = 0, limit: int = 100
) -> tuple[list[LedgerEntry], int]:
    """Return one page of a case's ledger in the order it was written, and the total."""
    with Session(engine) as session:
        total = session.exec(
            select(func.count())
            .select_from(LedgerEntryRow)
            .where(LedgerEntryRow.case_id == case_id)
        ).one()
        rows = session.exec(
            select(LedgerEntryRow)
            .where(LedgerEntryRow.case_id == case_id)
            .order_by(col(LedgerEntryRow.id))
            .offset(offset)
            .limit(limit)
        ).all()
        return [_from_row(row) for row in rows], total


def by_key(engine: Engine, key: str) -> LedgerEntry | None:
    with Session(engine) as session:
        row = session.exec(select(LedgerEntryRow).where(LedgerEntryRow.key == key)).first()
        return _from_row(row) if row is not None else None


def latest(engine: Engine, case_id: str, event: LedgerEvent) -> LedgerEntry | None:
    """The case's last entry of this event, or None."""
    with Session(engine) as session:
        row = session.exec(
            select(LedgerEntryRow)
            .where(LedgerEntryRow.case_id == case_id, LedgerEntryRow.event == event.value)
            .order_by(col(LedgerEntryRow.id).desc())
            .limit(1)
        ).first()
        return _from_row(row) if row is not None else None


def latest_details(
    engine: Engine, case_ids: list[str], event: LedgerEvent
) -> dict[str, dict[str, Any]]:
    """For each of these cases that has one, the details of its last entry of this event."""
    if not case_ids:
        return {}
    with Session(engine) as session:
        rows = session.exec(
            select(LedgerEntryRow.case_id, LedgerEntryRow.details)
            .where(col(LedgerEntryRow.case_id).in_(case_ids), LedgerEntryRow.event == event.value)
            .order_by(col(LedgerEntryRow.id))
        ).all()
    return {case_id: dict(details or {}) for case_id, details in rows}  # later entries win


# Built once: every append asks, and building and keying a statement cost more than running it.
_KEY_TAKEN = select(LedgerEntryRow.id).where(LedgerEntryRow.key == bindparam("value")).limit(1)
_ONCE_TAKEN = (
    select(LedgerEntryRow.id).where(LedgerEntryRow.once_key == bindparam("value")).limit(1)
)


def _exists(session: Session, key: str) -> bool:
    return _any(session, _KEY_TAKEN, key)


def _once_taken(session: Session, once: str) -> bool:
    return _any(session, _ONCE_TAKEN, once)


def _any(session: Session, statement: Any, value: str) -> bool:
    return session.connection().execute(statement, {"value": value}).first() is not None


def _to_row(entry: LedgerEntry) -> LedgerEntryRow:
    return LedgerEntryRow(
        once_key=once_key(entry.case_id, entry.matter, entry.event),
        key=entry.key,
        case_id=entry.case_id,
        workflow_id=entry.workflow_id,
        event=entry.event.value,
        matter=entry.matter,
        actor_id=entry.actor.id,
        actor_role=entry.actor.role.value,
        actor_department=entry.actor.department,
        occurred_at=entry.occurred_at,
        recorded_at=datetime.now(UTC),
        summary=entry.summary,
        details=entry.details,
    )


def _from_row(row: LedgerEntryRow) -> LedgerEntry:
    return LedgerEntry(
        key=row.key,
        case_id=row.case_id,
        workflow_id=row.workflow_id,
        event=row.event,
        matter=row.matter,
        actor=Actor(id=row.actor_id, role=row.actor_role, department=row.actor_department),
        occurred_at=as_utc(row.occurred_at),
        summary=row.summary,
        details=row.details,
    )
