"""The Idempotency-Key header: a repeat takes effect once; the key with another body is 409.

Temporal dedupes an update by its id, which carries the key, and hands a repeat the first
result; opening a case claims the key in the database (services/opening.py). Neither can
tell a repeat from a *different* request under the same key, so the key's first body,
with the account that sent it, is remembered here, and anything else under it is refused.
"""

import json
from collections.abc import AsyncIterator
from typing import Annotated

from fastapi import Depends, Request
from fastapi.exceptions import RequestValidationError

from api.auth.access import SignedIn
from api.deps import EngineDep, RawIdempotencyKey
from api.errors import ApiError
from api.json_body import json_body
from domain.errors import ActionRefused, DomainError
from store import idempotency


async def _idempotency_key(
    request: Request, principal: SignedIn, engine: EngineDep, key: RawIdempotencyKey = None
) -> AsyncIterator[str | None]:
    if key is None:
        yield None
        return
    parsed = await json_body(request)
    if parsed is None:
        canonical = await request.body()
    else:  # the same JSON however it is spaced or ordered
        canonical = json.dumps(parsed, sort_keys=True, ensure_ascii=False).encode()
    sender = f"{principal.actor.id}\n{request.method} {request.url.path}\n".encode()
    scoped = f"request:{request.url.path}:{key}"
    body_digest = idempotency.digest(sender + canonical)
    try:
        first = idempotency.remember_body(engine, scoped, body_digest)
    except idempotency.KeyReused as error:
        raise ActionRefused(
            "该幂等键已用于另一请求（内容或发送账号不同），请换一个键；重试同一请求须原样重发"
        ) from error
    try:
        # What the route uses as the key carries the body's digest: Temporal's update id
        # (and a case opening's claim) then differ for a corrected request under a key
        # that a refusal freed, instead of handing it the refused first one's outcome.
        yield f"{key}~{body_digest[:12]}"
    except (DomainError, ApiError, RequestValidationError):
        # Refused or invalid: nothing took effect, so the key is free for the corrected
        # request (a form sent again after its errors were fixed keeps its key).
        if first:
            idempotency.forget(engine, scoped)
        raise


IdempotencyKey = Annotated[str | None, Depends(_idempotency_key)]
