"""Liveness, readiness and the metrics scrape: what a load balancer and Prometheus ask.

/health says the process answers; /ready says it can work now: Temporal answers, the
database is at this build's schema, and a document could be stored. A 503 from /ready
takes the instance out of rotation without restarting it (a database outage is not cured
by a restart). /metrics is Prometheus text; keep it and /ready off the public proxy.
"""

import asyncio
import time
from collections.abc import Awaitable, Callable
from datetime import timedelta
from typing import Literal

from fastapi import APIRouter, Request, Response
from pydantic import BaseModel
from temporalio.api.workflowservice.v1 import GetSystemInfoRequest

from api.errors import ERROR_RESPONSES, ApiError, ErrorDetail
from store.db import require_current_schema

router = APIRouter(tags=["ops"])
CHECK_SECONDS = 3.0


class Health(BaseModel):
    status: Literal["ok"] = "ok"


CheckName = Literal["temporal", "database", "storage"]


class Check(BaseModel):
    name: CheckName
    ok: bool
    milliseconds: int
    problem: str | None = None


class Readiness(BaseModel):
    status: Literal["ready"] = "ready"
    checks: list[Check]


@router.get("/health")
def health() -> Health:
    """The process is up (liveness): nothing else is asked."""
    return Health()


@router.get("/ready", responses={503: ERROR_RESPONSES[503]})
async def ready(request: Request) -> Readiness:
    """Temporal, the database and document storage each answer within a few seconds."""
    state = request.app.state

    async def temporal() -> None:
        await state.temporal_client.workflow_service.get_system_info(
            GetSystemInfoRequest(), timeout=timedelta(seconds=CHECK_SECONDS)
        )

    async def database() -> None:
        await asyncio.to_thread(require_current_schema, state.engine)

    async def storage() -> None:
        await asyncio.to_thread(state.storage.check)

    checks = await asyncio.gather(
        _timed("temporal", temporal), _timed("database", database), _timed("storage", storage)
    )
    failed = [check for check in checks if not check.ok]
    if failed:
        raise ApiError(
            503,
            "not_ready",
            "服务暂不可用：" + "、".join(check.name for check in failed) + "未就绪",
            [ErrorDetail(field=check.name, message=check.problem or "") for check in failed],
            headers={"Retry-After": "5"},
        )
    return Readiness(checks=list(checks))


@router.get("/metrics", include_in_schema=False)
def metrics(request: Request) -> Response:
    """Prometheus text: request rate, latency by route, errors by code."""
    return Response(
        request.app.state.metrics.exposition(),
        media_type="text/plain; version=0.0.4; charset=utf-8",
    )


async def _timed(name: CheckName, probe: Callable[[], Awaitable[None]]) -> Check:
    started = time.perf_counter()
    try:
        await asyncio.wait_for(probe(), CHECK_SECONDS)
        problem = None
    except TimeoutError:
        problem = f"{CHECK_SECONDS:g} 秒内没有回答"
    except Exception as error:  # any failure is a reason not to send work here
        problem = str(error)[:300] or type(error).__name__
    elapsed = round((time.perf_counter() - started) * 1000)
    return Check(name=name, ok=problem is None, milliseconds=elapsed, problem=problem)
