"""A request's JSON body, parsed once for the dependencies that read it before the route
(the text rule, the Idempotency-Key's body check)."""

import json
from typing import Any

from fastapi import Request

_UNPARSED = object()


async def json_body(request: Request) -> Any:
    """The parsed body, or ``None`` when it is not JSON (the route's parsing answers that)."""
    parsed = getattr(request.state, "json_body", _UNPARSED)
    if parsed is _UNPARSED:
        try:
            parsed = json.loads(await request.body())
        except ValueError:
            parsed = None
        request.state.json_body = parsed
    return parsed
