"""Refuse request bodies over a limit before any route reads them (413, the usual error
body). Counted as the body streams in, so a chunked body without Content-Length is
caught too. A document upload (a POST to a path ending in one of ``UPLOAD_PATHS``) has
the documents' own, larger limit; its route counts the file itself as well."""

import contextlib

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from api.errors import Error, ErrorBody

UPLOAD_PATHS = ("/documents", "/results")
UPLOAD_OVERHEAD = 64 * 1024  # a form's boundaries, headers and small fields


class BodyTooLarge(Exception):
    pass


class BodyLimit:
    def __init__(self, app: ASGIApp, max_bytes: int, upload_max_bytes: int = 0) -> None:
        self.app = app
        self.max_bytes = max_bytes
        self.upload_max_bytes = max(upload_max_bytes, max_bytes)

    def _limit(self, scope: Scope) -> int:
        upload = scope.get("method") == "POST" and str(scope.get("path", "")).endswith(UPLOAD_PATHS)
        return self.upload_max_bytes if upload else self.max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        limit = self._limit(scope)
        declared = dict(scope.get("headers") or []).get(b"content-length")
        if declared is not None and declared.isdigit() and int(declared) > limit:
            await self._refuse(send, limit)
            return
        seen, started, refused = 0, False, False

        async def counted() -> Message:
            nonlocal seen, refused
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > limit and not refused:
                    # Answer now: the app turns a failed body read into its own 400,
                    # which ``tracked`` then drops.
                    if not started:
                        await self._refuse(send, limit)
                    refused = True
                    raise BodyTooLarge
            return message

        async def tracked(message: Message) -> None:
            nonlocal started
            if refused:
                return
            started = started or message["type"] == "http.response.start"
            await send(message)

        with contextlib.suppress(BodyTooLarge):  # already answered
            await self.app(scope, counted, tracked)

    async def _refuse(self, send: Send, max_bytes: int) -> None:
        limit = f"{max_bytes // 1024} KiB"
        body = ErrorBody(
            error=Error(code="body_too_large", message=f"请求内容过大，上限为{limit}")
        ).model_dump_json()
        await send(
            {
                "type": "http.response.start",
                "status": 413,
                "headers": [(b"content-type", b"application/json")],
            }
        )
        await send({"type": "http.response.body", "body": body.encode()})
