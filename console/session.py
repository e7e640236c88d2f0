"""Who is at the browser: the API token in an HttpOnly cookie, and a form token bound to
it, so another site cannot make a signed-in browser act (SameSite=Strict besides)."""

import hashlib
import hmac
import secrets

from fastapi import Request, Response

COOKIE = "daiban_session"
PATH = "/console"


def token_of(request: Request) -> str | None:
    return request.cookies.get(COOKIE)


def form_token(request: Request, token: str) -> str:
    secret = request.app.state.token_secret.encode()
    return hmac.new(secret, token.encode(), hashlib.sha256).hexdigest()[:32]


def form_token_ok(request: Request, token: str, sent: object) -> bool:
    return isinstance(sent, str) and hmac.compare_digest(form_token(request, token), sent)


def keep(response: Response, request: Request, token: str, hours: int) -> None:
    response.set_cookie(
        COOKIE,
        token,
        max_age=hours * 3600,
        path=PATH,
        httponly=True,
        samesite="strict",
        secure=request.url.scheme == "https",
    )


def forget(response: Response) -> None:
    response.delete_cookie(COOKIE, path=PATH)


def new_key() -> str:
    """An Idempotency-Key for one rendered form: submitted twice, it acts once."""
    return secrets.token_urlsafe(18)
