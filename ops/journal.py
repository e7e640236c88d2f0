"""Every ops action goes into the case's ledger with the operator's name and reason."""

import uuid
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Engine

from domain.actors import Actor, Role
from domain.ledger import LedgerEntry, LedgerEvent, LedgerWrite
from store import ledger


def record_ops_action(
    engine: Engine,
    *,
    case_id: str,
    workflow_id: str,
    operator: str,
    summary: str,
    details: dict[str, Any],
) -> None:
    ledger.append(
        engine,
        LedgerWrite(
            entry=LedgerEntry(
                key=f"ops/{uuid.uuid4()}",
                case_id=case_id,
                workflow_id=workflow_id,
                event=LedgerEvent.OPS_ACTION,
                actor=Actor(id=operator, role=Role.OPS),
                occurred_at=datetime.now(UTC),
                summary=summary,
                details=details,
            )
        ),
    )


def case_of(workflow_id: str) -> str:
    """A matter's workflow id is ``<case id>/<matter code>``."""
    return workflow_id.split("/", 1)[0]
