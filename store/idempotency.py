"""Requests that must take effect once, under one key, whatever is retried or crashes.

Two uses:

- **Opening a case** (a new workflow under a fresh number). The first request with a key
  claims it for a lease; it reserves the case number on the claim *before* it starts the
  workflow, then completes the claim with the case id. A repeat gets that id. If the
  process died in between (SIGKILL, a lost pod), the claim's lease runs out and a retry
  takes the claim over, finds the reserved number and learns whether the first attempt
  started it: the client always learns its case, and never gets a second one.
- **A keyed action on a case or matter.** Temporal dedupes the update by its id, which
  carries the key, so a repeat gets the first result; what Temporal cannot know is that
  the repeat came with *another* body. The key's first body is remembered here, and a
  different one is refused, as for opening a case.
"""

import hashlib
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import cast

from sqlalchemy import CursorResult, Engine, update
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, delete

from store.db import session_scope
from store.tables import IdempotentRequest, as_utc

# Opening a case takes well under a second; a claim older than this is a crashed attempt.
DEFAULT_LEASE = timedelta(seconds=30)
REMEMBERED = "remembered"  # the result of a key that only guards a body


class KeyReused(Exception):
    """The key came with a different body: a client bug, not a repeat."""


class InProgress(Exception):
    """The first request with this key holds its lease and has not finished yet."""


@dataclass(frozen=True)
class Claim:
    """What the caller holds: a finished ``result``, or the right to go on (``reserved``
    is what an earlier, crashed attempt had set aside, e.g. its case number)."""

    result: str | None = None
    reserved: str | None = None


def digest(body: bytes) -> str:
    return hashlib.sha256(body).hexdigest()


KEY_LENGTH = 140  # the column's


def _fitted(key: str) -> str:
    """The key as stored: as given when it fits the column, else its start and a hash
    (a department's task path and a client's key can be longer together)."""
    if len(key) <= KEY_LENGTH:
        return key
    return f"{key[: KEY_LENGTH - 65]}#{digest(key.encode())}"


def claim(engine: Engine, key: str, body_digest: str, *, lease: timedelta = DEFAULT_LEASE) -> Claim:
    """Claim ``key`` for this request, take over an expired claim, or return the result."""
    key = _fitted(key)
    now = datetime.now(UTC)
    try:
        with session_scope(engine) as session:
            session.add(
                IdempotentRequest(
                    key=key, body_digest=body_digest, created_at=now, lease_until=now + lease
                )
            )
        return Claim()
    except IntegrityError:
        pass
    with Session(engine) as session:
        earlier = session.get(IdempotentRequest, key)
    if earlier is None:  # removed meanwhile (an old release): claim afresh
        return claim(engine, key, body_digest, lease=lease)
    if earlier.body_digest != body_digest:
        raise KeyReused(key)
    if earlier.result is not None:
        return Claim(result=earlier.result)
    held_until = as_utc(earlier.lease_until) if earlier.lease_until else now
    if held_until > now:
        raise InProgress(key)
    # The lease ran out: the attempt that held it is gone. Take it over, unless another
    # retry just did (the compare on the attempt makes exactly one of them win).
    with session_scope(engine) as session:
        result = session.execute(
            update(IdempotentRequest)
            .where(col(IdempotentRequest.key) == key)
            .where(col(IdempotentRequest.attempt) == earlier.attempt)
            .values(attempt=earlier.attempt + 1, lease_until=now + lease)
        )
        taken = cast(CursorResult, result).rowcount
    if taken != 1:
        raise InProgress(key)
    return Claim(reserved=earlier.reserved)


def reserve(engine: Engine, key: str, value: str) -> None:
    """Set aside what the claim is about to create (a case number), before creating it."""
    _set(engine, key, reserved=value)


def complete(engine: Engine, key: str, result: str) -> None:
    _set(engine, key, result=result, lease_until=None)


def expire(engine: Engine, key: str) -> None:
    """The attempt failed: a retry may take the claim over now (and recover what it
    reserved), rather than after the lease."""
    _set(engine, key, lease_until=datetime.now(UTC))


def remember_body(engine: Engine, key: str, body_digest: str) -> bool:
    """Remember the key's first body and return True; False for a repeat of it; raise
    ``KeyReused`` if it was remembered with another."""
    key = _fitted(key)
    now = datetime.now(UTC)
    try:
        with session_scope(engine) as session:
            session.add(
                IdempotentRequest(
                    key=key, body_digest=body_digest, created_at=now, result=REMEMBERED
                )
            )
        return True
    except IntegrityError:
        pass
    with Session(engine) as session:
        earlier = session.get(IdempotentRequest, key)
    if earlier is not None and earlier.body_digest != body_digest:
        raise KeyReused(key)
    return False


def forget(engine: Engine, key: str) -> None:
    """Drop a remembered body: its request was refused, so nothing was done under the key."""
    key = _fitted(key)
    with session_scope(engine) as session:
        session.exec(delete(IdempotentRequest).where(col(IdempotentRequest.key) == key))


def _set(engine: Engine, key: str, **values: object) -> None:
    key = _fitted(key)
    with session_scope(engine) as session:
        session.execute(
            update(IdempotentRequest).where(col(IdempotentRequest.key) == key).values(**values)
        )
