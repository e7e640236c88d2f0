"""Sign-in throttling: failures counted per (username, client address) and per address.

Each attempt is counted *before* its password is checked, in one atomic statement, so 40
simultaneous guesses cannot slip 74 checks past a limit of 5. The count is kept per
username *and* address, not per account: a stranger who knows a username cannot lock its
owner out, he only locks himself out (and the address limit stops him spraying names).
Past the limit the lock doubles with each further attempt, up to a day.
"""

import time
from dataclasses import dataclass

from sqlalchemy import Engine, text
from sqlmodel import col, delete

from store.db import session_scope
from store.tables import SignInThrottleRow


@dataclass(frozen=True)
class Limit:
    failures: int
    window_seconds: int


PER_USER_AND_ADDRESS = Limit(failures=5, window_seconds=15 * 60)
PER_ADDRESS = Limit(failures=30, window_seconds=15 * 60)
MAX_LOCK_SECONDS = 24 * 3600

_COUNT = text(
    "INSERT INTO sign_in_throttle (key, failures, window_until) VALUES (:key, 1, :until) "
    "ON CONFLICT (key) DO UPDATE SET "
    "failures = CASE WHEN sign_in_throttle.window_until <= :now THEN 1 "
    "ELSE sign_in_throttle.failures + 1 END, "
    "window_until = CASE WHEN sign_in_throttle.window_until <= :now THEN :until "
    "ELSE sign_in_throttle.window_until END "
    "RETURNING failures"
)


def pair_key(username: str, address: str) -> str:
    return f"user:{username}|addr:{address}"[:200]


def address_key(address: str) -> str:
    return f"addr:{address}"[:200]


def count_attempt(engine: Engine, username: str, address: str) -> bool:
    """Count one attempt under both keys; True if either is now over its limit."""
    now = time.time()
    over = False
    with session_scope(engine) as session:
        for key, limit in (
            (pair_key(username, address), PER_USER_AND_ADDRESS),
            (address_key(address), PER_ADDRESS),
        ):
            failures = session.execute(
                _COUNT, {"key": key, "now": now, "until": now + limit.window_seconds}
            ).scalar_one()
            if failures > limit.failures:
                over = True
                backoff = limit.window_seconds * 2 ** min(failures - limit.failures - 1, 10)
                session.execute(
                    text("UPDATE sign_in_throttle SET window_until = :until WHERE key = :key"),
                    {"key": key, "until": now + min(backoff, MAX_LOCK_SECONDS)},
                )
    return over


def clear(engine: Engine, username: str, address: str) -> None:
    """A right password: the pair starts afresh (the address keeps its count)."""
    with session_scope(engine) as session:
        session.exec(
            delete(SignInThrottleRow).where(
                col(SignInThrottleRow.key) == pair_key(username, address)
            )
        )
