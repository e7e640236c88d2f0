"""Requests that must take effect once: the first with a key claims it, repeats get its
result. Workflow updates need none of this (Temporal dedupes them by update id); opening
a case starts a workflow under a fresh number, so it does."""

import hashlib
from datetime import UTC, datetime

from sqlalchemy import Engine
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session

from store.db import session_scope
from store.tables import IdempotentRequest


class KeyReused(Exception):
    """The key came with a different body: a client bug, not a repeat."""


class InProgress(Exception):
    """The first request with this key has not finished yet."""


def digest(body: bytes) -> str:
    return hashlib.sha256(body).hexdigest()


def claim(engine: Engine, key: str, body_digest: str) -> str | None:
    """Claim ``key`` for this request; or, for a repeat, return the first one's result."""
    try:
        with session_scope(engine) as session:
            session.add(
                IdempotentRequest(key=key, body_digest=body_digest, created_at=datetime.now(UTC))
            )
        return None
    except IntegrityError:
        with Session(engine) as session:
            earlier = session.get(IdempotentRequest, key)
        if earlier is None:  # released by a first attempt that failed: try again
            return claim(engine, key, body_digest)
        if earlier.body_digest != body_digest:
            raise KeyReused(key) from None
        if earlier.result is None:
            raise InProgress(key) from None
        return earlier.result


def complete(engine: Engine, key: str, result: str) -> None:
    with session_scope(engine) as session:
        row = session.get(IdempotentRequest, key)
        assert row is not None
        row.result = result
        session.add(row)


def release(engine: Engine, key: str) -> None:
    """The request failed: a repeat may try again."""
    with session_scope(engine) as session:
        row = session.get(IdempotentRequest, key)
        if row is not None:
            session.delete(row)
