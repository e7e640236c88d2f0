"""Recorded reads: who looked at a case's materials, and when (the enterprise may ask).

A read is not an act on the case, so it goes to its own table, not the ledger.
"""

import structlog
from sqlalchemy import Engine

from domain.actors import Actor
from store import material_reads


def record_read(
    engine: Engine,
    actor: Actor,
    resource: str,
    case_id: str | None = None,
    matter: str | None = None,
) -> None:
    """Record that ``actor`` read ``resource`` of the case (or matter), with the request id."""
    request_id = structlog.contextvars.get_contextvars().get("request_id")
    material_reads.record(
        engine, actor, resource, case_id=case_id, matter=matter, request_id=request_id
    )
