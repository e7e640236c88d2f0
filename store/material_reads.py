"""The record of who read an enterprise's materials (鄂尔多斯: documents and trade secrets
must not leak, so every look at them leaves a trace the enterprise can be shown)."""

from datetime import UTC, datetime

from pydantic import BaseModel
from sqlalchemy import Engine
from sqlmodel import Session, col, func, select

from domain.actors import Actor
from store.db import session_scope
from store.tables import MaterialReadRow


class MaterialRead(BaseModel):
    id: int
    case_id: str | None
    matter: str | None
    resource: str
    actor_id: str
    actor_role: str
    actor_department: str | None
    request_id: str | None
    read_at: datetime


def record(
    engine: Engine,
    actor: Actor,
    resource: str,
    *,
    case_id: str | None = None,
    matter: str | None = None,
    request_id: str | None = None,
) -> None:
    with session_scope(engine) as session:
        session.add(
            MaterialReadRow(
                case_id=case_id,
                matter=matter,
                resource=resource,
                actor_id=actor.id,
                actor_role=actor.role.value,
                actor_department=actor.department,
                request_id=request_id,
                read_at=datetime.now(UTC),
            )
        )


def for_case(
    engine: Engine, case_id: str, *, offset: int, limit: int
) -> tuple[list[MaterialRead], int]:
    """The case's reads, oldest first."""
    where = MaterialReadRow.case_id == case_id
    with Session(engine) as session:
        total = session.exec(select(func.count()).select_from(MaterialReadRow).where(where)).one()
        rows = session.exec(
            select(MaterialReadRow)
            .where(where)
            .order_by(col(MaterialReadRow.id))
            .offset(offset)
            .limit(limit)
        )
        return [MaterialRead.model_validate(row, from_attributes=True) for row in rows], total
