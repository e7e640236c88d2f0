"""Accounts: who may sign in, with what password, bound to what scope.

Passwords are hashed with Argon2 (pwdlib). Five wrong passwords in a row lock the account
for 15 minutes, the usual rule for government systems (等保 login-failure handling).
"""

from datetime import UTC, datetime, timedelta

from pwdlib import PasswordHash
from sqlalchemy import Engine
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from domain.actors import Principal, Role
from store.db import session_scope
from store.tables import AccountRow, as_utc

FAILURES_BEFORE_LOCK = 5
LOCK_FOR = timedelta(minutes=15)

_hasher = PasswordHash.recommended()
# Checked against when the username is unknown, so a wrong name takes as long as a wrong
# password and names cannot be guessed by timing.
_DUMMY_HASH = _hasher.hash("daiban-no-such-account")


class AccountExists(Exception):
    pass


class NoSuchAccount(Exception):
    pass


class SignInRefused(Exception):
    """Wrong name or password, or the account is disabled: one message for all three."""


class AccountLocked(Exception):
    def __init__(self, until: datetime) -> None:
        super().__init__(until)
        self.until = until


def principal_of(row: AccountRow) -> Principal:
    return Principal(
        username=row.username,
        display_name=row.display_name,
        role=Role(row.role),
        jurisdiction=row.jurisdiction,
        park=row.park,
        department=row.department,
        county=row.county,
        uscc=row.uscc,
    )


def create(engine: Engine, principal: Principal, password: str | None) -> None:
    """Add the account; without a password it can only be given tokens by ops."""
    row = AccountRow(
        **principal.model_dump(mode="json"),
        password_hash=_hasher.hash(password) if password else "",
        created_at=datetime.now(UTC),
    )
    try:
        with session_scope(engine) as session:
            session.add(row)
    except IntegrityError as error:
        raise AccountExists(principal.username) from error


def get(engine: Engine, username: str) -> AccountRow | None:
    with Session(engine) as session:
        return session.get(AccountRow, username)


def list_all(engine: Engine) -> list[AccountRow]:
    with Session(engine) as session:
        return list(session.exec(select(AccountRow).order_by(col(AccountRow.username))))


def exists_any(engine: Engine) -> bool:
    with Session(engine) as session:
        return session.exec(select(AccountRow.username).limit(1)).first() is not None


def sign_in(engine: Engine, username: str, password: str, now: datetime) -> AccountRow:
    """The account, if the password is right; counts failures and locks after five."""
    with session_scope(engine) as session:
        row = session.get(AccountRow, username)
        if row is None or not row.password_hash:
            _hasher.verify(password, _DUMMY_HASH)
            raise SignInRefused(username)
        locked_until = as_utc(row.locked_until)
        if locked_until is not None and locked_until > now:
            raise AccountLocked(locked_until)
        if not _hasher.verify(password, row.password_hash) or not row.active:
            row.failed_sign_ins += 1
            if row.failed_sign_ins >= FAILURES_BEFORE_LOCK:
                row.locked_until = now + LOCK_FOR
                row.failed_sign_ins = 0
            session.add(row)
            session.commit()
            raise SignInRefused(username)
        row.failed_sign_ins = 0
        row.locked_until = None
        session.add(row)
        session.flush()
        session.expunge(row)
        return row


def _change(
    engine: Engine, username: str, *, end_tokens: bool = False, **values: object
) -> AccountRow:
    """Set ``values`` on the account; ``end_tokens`` also invalidates every token issued,
    by bumping the version in the same transaction as the read."""
    with session_scope(engine) as session:
        row = session.get(AccountRow, username)
        if row is None:
            raise NoSuchAccount(username)
        for name, value in values.items():
            setattr(row, name, value)
        if end_tokens:
            row.token_version += 1
        session.add(row)
        session.flush()
        session.expunge(row)
        return row


def set_password(engine: Engine, username: str, password: str) -> None:
    # A new password also ends the sessions signed in with the old one.
    _change(
        engine,
        username,
        end_tokens=True,
        password_hash=_hasher.hash(password),
        failed_sign_ins=0,
        locked_until=None,
    )


def set_active(engine: Engine, username: str, active: bool) -> None:
    _change(engine, username, active=active)


def revoke_tokens(engine: Engine, username: str) -> int:
    return _change(engine, username, end_tokens=True).token_version
