"""The console's client of the API: the same routes, called in-process with the person's
token, so a page can do nothing its user could not do with curl."""

import asyncio
from collections.abc import AsyncIterator
from typing import Any
from urllib.parse import urlencode

import httpx
import structlog
from fastapi import Request
from starlette.types import Message

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

    async def stream(
        self, path: str, **params: Any
    ) -> tuple[int, dict[str, str], AsyncIterator[bytes]]:
        """A GET whose body is passed on as the API sends it: a document of tens of MB is
        never held whole (httpx's ASGI transport would buffer it). The API app is called
        directly; its status, headers and body chunks come back through a queue."""
        query = urlencode({k: v for k, v in params.items() if v not in (None, "")})
        headers = [(b"authorization", f"Bearer {self.token}".encode())] if self.token else []
        scope = {
            "type": "http",
            "asgi": {"version": "3.0"},
            "http_version": "1.1",
            "method": "GET",
            "scheme": "http",
            "path": path,
            "raw_path": path.encode(),
            "query_string": query.encode(),
            "root_path": "",
            "headers": headers,
            "client": ("127.0.0.1", 0),
            "server": ("daiban.console", 80),
        }
        queue: asyncio.Queue[Message | None] = asyncio.Queue(maxsize=8)
        requested, finished = False, asyncio.Event()

        async def receive() -> Message:
            nonlocal requested
            if not requested:
                requested = True
                return {"type": "http.request", "body": b"", "more_body": False}
            await finished.wait()  # the reader went away: as a browser's disconnect
            return {"type": "http.disconnect"}

        async def send(message: Message) -> None:
            await queue.put(message)

        async def run() -> None:
            try:
                await self.request.app(scope, receive, send)
            finally:
                await queue.put(None)

        task = asyncio.create_task(run())
        start = await queue.get()
        if start is None or start["type"] != "http.response.start":
            await task
            raise ApiProblem(502, "http_error", "文件服务没有应答", [])
        status = start["status"]
        answer = {k.decode(): v.decode() for k, v in start.get("headers", [])}

        async def chunks() -> AsyncIterator[bytes]:
            try:
                while (message := await queue.get()) is not None:
                    if message["type"] == "http.response.body":
                        yield message.get("body", b"")
            finally:
                finished.set()
                task.cancel()

        if status >= 400:
            body = b"".join([chunk async for chunk in chunks()])
            raise ApiProblem.of(httpx.Response(status, content=body))
        return status, answer, chunks()

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
