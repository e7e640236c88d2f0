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


def secure(request: Request) -> bool:
    """The Secure flag: by setting when set (TLS ends at a proxy), else by the scheme."""
    configured = request.app.state.settings.cookie_secure
    return request.url.scheme == "https" if configured is None else configured


def keep(response: Response, request: Request, token: str, hours: int) -> None:
    response.set_cookie(
        COOKIE,
        token,
        max_age=hours * 3600,
        path=PATH,
        httponly=True,
        samesite="strict",
        secure=secure(request),
    )


# Login CSRF: another site must not sign a browser in under the attacker's account. The
# sign-in page sets a random pre-session cookie (SameSite=Strict, so a cross-site post
# does not carry it) and puts its HMAC in the form; the post must bring both.
SIGN_IN_COOKIE = "daiban_sign_in"


def start_sign_in(response: Response, request: Request, nonce: str) -> None:
    response.set_cookie(
        SIGN_IN_COOKIE,
        nonce,
        max_age=3600,
        path=PATH,
        httponly=True,
        samesite="strict",
        secure=secure(request),
    )


def sign_in_nonce(request: Request) -> str:
    """The browser's pre-session nonce, or a new one for a page that will set it."""
    return request.cookies.get(SIGN_IN_COOKIE) or secrets.token_urlsafe(24)


def sign_in_form_ok(request: Request, sent: object) -> bool:
    nonce = request.cookies.get(SIGN_IN_COOKIE)
    return nonce is not None and form_token_ok(request, f"sign-in:{nonce}", sent)


def forget(response: Response) -> None:
    response.delete_cookie(COOKIE, path=PATH)


def new_key() -> str:
    """An Idempotency-Key for one rendered form: submitted twice, it acts once."""
    return secrets.token_urlsafe(18)
