"""The console's client of the API: the same routes, called in-process with the person's
token, so a page can do nothing its user could not do with curl."""

from typing import Any

import httpx
import structlog
from fastapi import Request

_BASE = "http://daiban.console"


class ApiProblem(Exception):
    """An API answer other than 2xx, with its error body (``api/errors.py``)."""

    def __init__(self, status: int, code: str, message: str, details: list[dict[str, Any]]):
        super().__init__(message)
        self.status, self.code, self.message, self.details = status, code, message, details
        self.submitted: dict[str, str] = {}  # the form's values, to show them again

    @classmethod
    def of(cls, response: httpx.Response) -> "ApiProblem":
        try:
            error = response.json()["error"]
        except (ValueError, KeyError, TypeError):
            error = {"code": "http_error", "message": f"服务返回{response.status_code}"}
        return cls(response.status_code, error["code"], error["message"], error.get("details", []))

    @property
    def field_errors(self) -> dict[str, str]:
        """The first message for each field the API named, keyed by its dotted path."""
        found: dict[str, str] = {}
        for detail in self.details:
            found.setdefault(detail.get("field") or "body", detail["message"])
        return found


class Api:
    def __init__(self, request: Request, token: str | None) -> None:
        self.request, self.token = request, token

    async def get(self, path: str, **params: Any) -> Any:
        clean = {k: v for k, v in params.items() if v not in (None, "")}
        return (await self.send("GET", path, params=clean)).json()

    async def post(self, path: str, body: Any = None, *, key: str | None = None) -> Any:
        headers = {"Idempotency-Key": key} if key else {}
        response = await self.send("POST", path, json=body or {}, headers=headers)
        return response.json() if response.content else None

    async def send(self, method: str, path: str, **options: Any) -> httpx.Response:
        saved = structlog.contextvars.get_contextvars()
        headers = dict(options.pop("headers", {}))
        if self.token:
            headers["Authorization"] = f"Bearer {self.token}"
        if "request_id" in saved:
            headers["X-Request-ID"] = saved["request_id"]
        # The person's own address, not the console's: sign-in throttling counts by it.
        peer = self.request.client
        transport = httpx.ASGITransport(
            app=self.request.app, client=(peer.host, peer.port) if peer else ("127.0.0.1", 0)
        )
        try:
            async with httpx.AsyncClient(transport=transport, base_url=_BASE) as client:
                response = await client.request(method, path, headers=headers, **options)
        finally:
            # The inner request rebinds the log context; the page's own lines keep theirs.
            structlog.contextvars.clear_contextvars()
            structlog.contextvars.bind_contextvars(**saved)
        if response.status_code >= 400:
            raise ApiProblem.of(response)
        return response
