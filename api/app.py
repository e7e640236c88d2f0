"""The FastAPI application: one Temporal client and one engine per process.

`api/main.py` serves it; tests and benchmarks build it here with their own client and engine.
"""

import gc
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager

import structlog
from fastapi import FastAPI, Request, Response
from fastapi.routing import APIRoute
from sqlalchemy import Engine
from temporalio.client import Client

from api import errors
from api.limits import BodyLimit
from api.routes import (
    auth,
    case_actions,
    case_reads,
    catalogue,
    coordination,
    departments,
    documents,
    follow_up,
    notifications,
    ops,
    oversight,
    project_lists,
)
from console import pages as console
from notifications.relay import NotificationDispatcher, channel_for
from services.tokens import signing_secret
from settings import Settings, get_settings
from store.db import create_schema, make_engine
from temporal_client import connect

log = structlog.get_logger(__name__)


def operation_id(route: APIRoute) -> str:
    """A route's OpenAPI operation id: its function's name, unique across the API."""
    return route.name


def create_app(
    settings: Settings | None = None, *, client: Client | None = None, engine: Engine | None = None
) -> FastAPI:
    """Build the app; tests pass their own client and engine, a server connects in lifespan."""
    settings = settings or get_settings()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        app.state.settings = settings
        app.state.token_secret = signing_secret(settings)
        app.state.engine = engine or make_engine(settings.database_url)
        create_schema(app.state.engine)
        app.state.notification_dispatcher = NotificationDispatcher(
            app.state.engine, channel_for(settings.notification_webhook_url)
        )
        if client is None:
            app.state.temporal_client = await connect(settings)
        else:
            app.state.temporal_client = client
        # What exists now (modules, schemas, templates) lives as long as the process; frozen,
        # the collector stops rescanning it on every full pass. That rescanning was the
        # dashboard's p99 tail (bench/results/console_pages.md).
        gc.collect()
        gc.freeze()
        log.info("api_started", temporal=settings.temporal_address)
        yield

    app = FastAPI(
        title="daiban 帮办代办",
        version="0.1.0",
        description="代办案件：委托、初审、计划、事项办理、办结送达、评价归档。"
        "Every route but /health and /auth/token needs a bearer token (POST /auth/token).",
        lifespan=lifespan,
        # One schema per model (not Application-Input and Application-Output), and operation
        # ids that are the route functions' names (get_case, not get_case_cases__case_id__get):
        # what client generators need to name their models and methods.
        separate_input_output_schemas=False,
        generate_unique_id_function=operation_id,
    )
    errors.install(app)
    app.add_middleware(BodyLimit, max_bytes=settings.max_body_bytes)
    app.include_router(auth.router)
    app.include_router(case_reads.router)
    app.include_router(case_actions.router)
    app.include_router(project_lists.router)
    app.include_router(departments.router)
    app.include_router(catalogue.router)
    app.include_router(coordination.router)
    app.include_router(follow_up.router)
    app.include_router(notifications.router)
    app.include_router(ops.router)
    app.include_router(oversight.router)
    app.include_router(documents.router)

    @app.middleware("http")
    async def request_context(
        request: Request, call_next: Callable[[Request], Awaitable[Response]]
    ) -> Response:
        structlog.contextvars.clear_contextvars()
        request_id = request.headers.get("X-Request-ID") or uuid.uuid4().hex
        structlog.contextvars.bind_contextvars(request_id=request_id, path=request.url.path)
        response = await call_next(request)
        response.headers["X-Request-ID"] = request_id
        log.info("request_handled", method=request.method, status=response.status_code)
        return response

    console.install(app)

    @app.get("/health", tags=["ops"])
    def health() -> dict[str, str]:
        return {"status": "ok"}

    return app
