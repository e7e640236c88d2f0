"""Signed bearer tokens (JWT, HS256, PyJWT).

A token names the account and the account's token version; the scope is read from the
account at each request, so disabling an account, changing its binding or revoking its
tokens takes effect at once rather than when the token expires.
"""

import os
import secrets
from datetime import UTC, datetime, timedelta
from pathlib import Path

import jwt
from pydantic import BaseModel

from settings import Settings

ALGORITHM = "HS256"
ISSUER = "daiban"


class IssuedToken(BaseModel):
    access_token: str
    token_type: str = "bearer"
    expires_at: datetime


class Claims(BaseModel):
    username: str
    token_version: int


class InvalidToken(Exception):
    pass


class SecretUnusable(Exception):
    """The token secret is missing or too short: no process may start on it, or it would
    reject the others' tokens (or accept forged ones)."""


MIN_SECRET_LENGTH = 32


def signing_secret(settings: Settings) -> str:
    """The configured secret, else the one kept in the secret file (made on first use).

    The file appears whole or not at all (written aside, then linked into place, which
    fails if another process linked first), so processes starting together all read the
    same secret and never an empty one; one that is empty or short anyway is refused.
    """
    if settings.token_secret is not None:
        return settings.token_secret.get_secret_value()
    path: Path = settings.token_secret_file
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        aside = path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}")
        descriptor = os.open(aside, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(descriptor, "w") as file:
            file.write(secrets.token_urlsafe(48))
            file.flush()
            os.fsync(file.fileno())
        try:
            os.link(aside, path)
        except FileExistsError:  # another process made it first: use theirs
            pass
        finally:
            aside.unlink()
    secret = path.read_text().strip()
    if len(secret) < MIN_SECRET_LENGTH:
        raise SecretUnusable(
            f"{path} holds no usable token secret ({len(secret)} characters, at least "
            f"{MIN_SECRET_LENGTH} needed): delete it to have a new one made, or set "
            "DAIBAN_TOKEN_SECRET (the same value for every API process)"
        )
    return secret


def issue(
    secret: str, username: str, token_version: int, lifetime: timedelta, now: datetime
) -> IssuedToken:
    expires_at = now + lifetime
    claims = {
        "iss": ISSUER,
        "sub": username,
        "tv": token_version,
        "iat": int(now.timestamp()),
        "exp": int(expires_at.timestamp()),
    }
    return IssuedToken(
        access_token=jwt.encode(claims, secret, algorithm=ALGORITHM), expires_at=expires_at
    )


def read(secret: str, token: str) -> Claims:
    try:
        claims = jwt.decode(
            token,
            secret,
            algorithms=[ALGORITHM],
            issuer=ISSUER,
            options={"require": ["sub", "exp", "iat", "iss"]},
        )
    except jwt.PyJWTError as error:
        raise InvalidToken(str(error)) from error
    version = claims.get("tv")
    if not isinstance(version, int):
        raise InvalidToken("no token version")
    return Claims(username=claims["sub"], token_version=version)


def now() -> datetime:
    return datetime.now(UTC)
