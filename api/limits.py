"""Refuse request bodies over a limit before any route reads them (413, the usual error
body). Counted as the body streams in, so a chunked body without Content-Length is
caught too."""

import contextlib

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from api.errors import Error, ErrorBody


class BodyTooLarge(Exception):
    pass


class BodyLimit:
    def __init__(self, app: ASGIApp, max_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = dict(scope.get("headers") or []).get(b"content-length")
        if declared is not None and declared.isdigit() and int(declared) > self.max_bytes:
            await self._refuse(send)
            return
        seen, started, refused = 0, False, False

        async def counted() -> Message:
            nonlocal seen, refused
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > self.max_bytes and not refused:
                    # Answer now: the app turns a failed body read into its own 400,
                    # which ``tracked`` then drops.
                    if not started:
                        await self._refuse(send)
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

    async def _refuse(self, send: Send) -> None:
        limit = f"{self.max_bytes // 1024} KiB"
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
