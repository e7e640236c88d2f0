"""The FastAPI application: one Temporal client and one engine per process.

`api/main.py` serves it; tests and benchmarks build it here with their own client and engine.
"""

import gc
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import structlog
from fastapi import Depends, FastAPI
from fastapi.routing import APIRoute
from sqlalchemy import Engine
from temporalio.client import Client

from api import errors
from api.limits import UPLOAD_OVERHEAD, BodyLimit
from api.metrics import ApiMetrics
from api.request_context import RequestContext
from api.routes import (
    accounts,
    auth,
    bulk_tasks,
    case_actions,
    case_documents,
    case_reads,
    catalogue,
    coordination,
    deadlines,
    departments,
    documents,
    follow_up,
    health,
    notifications,
    ops,
    oversight,
    project_lists,
    supervision,
    task_documents,
    what_if,
    work,
)
from api.text_input import refuse_control_characters
from console import pages as console
from documents.storage import clear_staging, storage_for
from notifications.relay import NotificationDispatcher, channel_for
from services import search_attributes
from services.tokens import signing_secret
from settings import Settings, get_settings
from store.db import SchemaNotCurrent, engine_for, require_current_schema
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
        app.state.engine = engine or engine_for(settings)
        # The migrator (python -m ops migrate) moves the schema; the API only checks it.
        try:
            require_current_schema(app.state.engine)
        except SchemaNotCurrent as outdated:
            log.error("schema_not_current", reason=str(outdated))
            raise
        app.state.storage = storage_for(settings)
        clear_staging(app.state.storage)
        app.state.notification_dispatcher = NotificationDispatcher(
            app.state.engine, channel_for(settings.notification_webhook_url)
        )
        if client is None:
            app.state.temporal_client = await connect(settings)
            await search_attributes.require(app.state.temporal_client, settings.temporal_namespace)
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
        dependencies=[Depends(refuse_control_characters)],
    )
    errors.install(app)
    app.state.metrics = ApiMetrics()
    app.add_middleware(
        BodyLimit,
        max_bytes=settings.max_body_bytes,
        upload_max_bytes=settings.document_max_bytes + UPLOAD_OVERHEAD,
    )
    app.add_middleware(RequestContext, metrics=app.state.metrics)  # outermost: added last
    app.include_router(auth.router)
    app.include_router(case_reads.router)
    app.include_router(case_actions.router)
    app.include_router(project_lists.router)
    app.include_router(bulk_tasks.router)
    app.include_router(departments.router)
    app.include_router(catalogue.router)
    app.include_router(coordination.router)
    app.include_router(follow_up.router)
    app.include_router(supervision.router)
    app.include_router(notifications.router)
    app.include_router(ops.router)
    app.include_router(accounts.router)
    app.include_router(oversight.router)
    app.include_router(documents.router)
    app.include_router(case_documents.router)
    app.include_router(task_documents.router)
    app.include_router(work.router)
    app.include_router(deadlines.router)
    app.include_router(what_if.router)
    app.include_router(health.router)

    console.install(app)

    return app
