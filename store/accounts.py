"""Accounts: who may sign in, with what password, bound to what scope.

Passwords are hashed with Argon2 (pwdlib). Failed sign-ins are throttled per username and
client address (store/sign_in_throttle.py), the 等保 login-failure rule without letting a
stranger lock an owner out; a throttled, unknown, disabled or wrong sign-in all answer the
same, after the same hashing work.
"""

from datetime import UTC, datetime

from pwdlib import PasswordHash
from sqlalchemy import Engine, bindparam
from sqlalchemy import select as sa_select
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from domain.actors import Principal, Role
from store import sign_in_throttle
from store.db import session_scope
from store.tables import AccountRow

_hasher = PasswordHash.recommended()
# Checked against when the username is unknown, so a wrong name takes as long as a wrong
# password and names cannot be guessed by timing.
_DUMMY_HASH = _hasher.hash("daiban-no-such-account")


class AccountExists(Exception):
    pass


class NoSuchAccount(Exception):
    pass


class SignInRefused(Exception):
    """Wrong name or password, a disabled account, or too many failures from this address:
    one message for all four, so none of them tells a stranger anything."""


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
        phone=row.phone,
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


_ACCOUNT_TABLE = AccountRow.__table__  # type: ignore[attr-defined]
# Every request signs in, so a prebuilt Core select of what it needs: by primary key
# through the ORM it was 175 µs here, this is about 40.
_SIGNING_IN = sa_select(
    *(_ACCOUNT_TABLE.c[name] for name in (*Principal.model_fields, "active", "token_version"))
).where(_ACCOUNT_TABLE.c.username == bindparam("username"))


def signed_in(engine: Engine, username: str, token_version: int) -> Principal | None:
    """The account's principal, if it is active and still honours tokens of this version
    (revoking bumps it); None for an unknown, disabled or revoked one."""
    with engine.connect() as connection:
        row = connection.execute(_SIGNING_IN, {"username": username}).mappings().first()
    if row is None or not row["active"] or row["token_version"] != token_version:
        return None
    return Principal(**{name: row[name] for name in Principal.model_fields})


def get(engine: Engine, username: str) -> AccountRow | None:
    with Session(engine) as session:
        return session.get(AccountRow, username)


def list_all(engine: Engine) -> list[AccountRow]:
    with Session(engine) as session:
        return list(session.exec(select(AccountRow).order_by(col(AccountRow.username))))


def enterprise_signs_in(engine: Engine, uscc: str) -> bool:
    """Whether the enterprise with this code has an active account of its own."""
    with Session(engine) as session:
        found = session.exec(
            select(AccountRow.username).where(
                AccountRow.uscc == uscc, AccountRow.role == Role.ENTERPRISE.value, AccountRow.active
            )
        ).first()
        return found is not None


def exists_any(engine: Engine) -> bool:
    with Session(engine) as session:
        return session.exec(select(AccountRow.username).limit(1)).first() is not None


def sign_in(engine: Engine, username: str, password: str, address: str) -> AccountRow:
    """The account, if the password is right and the attempt is within the throttle.

    The attempt is counted first; every refusal runs one Argon2 verification, real or
    against a dummy hash, so all take the same time.
    """
    throttled = sign_in_throttle.count_attempt(engine, username, address)
    row = get(engine, username)
    usable = row is not None and row.password_hash and row.active and not throttled
    if row is None or not usable:
        _hasher.verify(password, _DUMMY_HASH)
        raise SignInRefused(username)
    if not _hasher.verify(password, row.password_hash):
        raise SignInRefused(username)
    sign_in_throttle.clear(engine, username, address)
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
    )


def set_phone(engine: Engine, username: str, phone: str) -> None:
    _change(engine, username, end_tokens=False, phone=phone)


def set_active(engine: Engine, username: str, active: bool) -> None:
    # Disabling ends every token issued: enabling again must not bring them back.
    _change(engine, username, end_tokens=not active, active=active)


def revoke_tokens(engine: Engine, username: str) -> int:
    return _change(engine, username, end_tokens=True).token_version
