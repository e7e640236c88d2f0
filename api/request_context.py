"""Every request's context: its id (the client's X-Request-ID if it looks like one, else
ours) bound to the log context with its path, its metrics, the security headers on its
answer, and one ``request_handled`` line when it is done.

A plain ASGI middleware, not ``@app.middleware("http")``: Starlette's BaseHTTPMiddleware
runs the route in a task of its own, so what the route bound to the log context (the
actor, at sign-in) never reached this line, and every request paid for the task and the
streams between them.
"""

import re
import time
import uuid

import structlog
from starlette.datastructures import Headers, MutableHeaders
from starlette.requests import Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from api.metrics import ApiMetrics, note_error_code

log = structlog.get_logger(__name__)

# A client's X-Request-ID is kept only if it looks like one (it goes into logs and the
# recorded reads); anything else is replaced by our own.
_REQUEST_ID = re.compile(r"^[A-Za-z0-9._:\-]{1,64}$")
# The console has no scripts and no frames; the API's /docs (Swagger UI) loads its own
# scripts, so the strict policy is the console's only. Every answer gets the rest.
# The console's one script is its own static file (labels for phone cards, the refresh
# after an action); no inline script, nothing from elsewhere.
CONSOLE_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data:; object-src 'none'; base-uri 'none'; form-action 'self'; "
    "frame-ancestors 'none'"
)


def request_id_of(headers: Headers) -> str:
    sent = headers.get("X-Request-ID", "")
    return sent if _REQUEST_ID.match(sent) else uuid.uuid4().hex


def security_headers(path: str) -> dict[str, str]:
    headers = {
        "X-Content-Type-Options": "nosniff",
        "Referrer-Policy": "same-origin",
        "X-Frame-Options": "DENY",
    }
    if path.startswith("/console"):
        headers["Content-Security-Policy"] = CONSOLE_POLICY
    return headers


def answer_headers(request: Request) -> dict[str, str]:
    """The headers every answer carries: the request's id, to quote, and the security ones.
    For a bug's 500 too, which Starlette's outermost error middleware answers outside this
    one; so the id is kept in the request's state, which shares the scope."""
    request_id = getattr(request.state, "request_id", None) or request_id_of(request.headers)
    return {"X-Request-ID": request_id, **security_headers(request.url.path)}


class RequestContext:
    def __init__(self, app: ASGIApp, metrics: ApiMetrics) -> None:
        self.app = app
        self.metrics = metrics

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        structlog.contextvars.clear_contextvars()
        request = Request(scope)  # shares the scope: the route and error code land in it
        request.state.request_id = request_id_of(request.headers)
        structlog.contextvars.bind_contextvars(
            request_id=request.state.request_id, path=request.url.path
        )
        answered = answer_headers(request)
        status = 500
        started = time.perf_counter()

        async def with_headers(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                message.setdefault("headers", [])
                MutableHeaders(scope=message).update(answered)
            await send(message)

        try:
            await self.app(scope, receive, with_headers)
        except Exception:
            note_error_code(request, "internal_error")
            self.metrics.observe(request, 500, time.perf_counter() - started)
            raise
        self.metrics.observe(request, status, time.perf_counter() - started)
        log.info("request_handled", method=request.method, status=status)
