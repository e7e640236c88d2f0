"""Dependencies: the process's Temporal client and engine, and who is calling.

The ones that only read the app's state are ``async def``: FastAPI runs a plain ``def``
dependency in its thread pool, a hop to a thread and back for every one on every request,
which under load (10 actors on 2 cores) cost more than reading the attribute.
"""

from typing import Annotated

import structlog
from fastapi import Depends, Header, Request
from sqlalchemy import Engine
from temporalio.client import Client

from documents.storage import Storage
from domain.actors import Actor
from notifications.relay import NotificationDispatcher
from settings import Settings


async def _client(request: Request) -> Client:
    return request.app.state.temporal_client


async def _engine(request: Request) -> Engine:
    return request.app.state.engine


async def _settings(request: Request) -> Settings:
    return request.app.state.settings


async def _storage(request: Request) -> Storage:
    return request.app.state.storage


async def _dispatcher(request: Request) -> NotificationDispatcher:
    return request.app.state.notification_dispatcher


TemporalDep = Annotated[Client, Depends(_client)]
EngineDep = Annotated[Engine, Depends(_engine)]
SettingsDep = Annotated[Settings, Depends(_settings)]
DispatcherDep = Annotated[NotificationDispatcher, Depends(_dispatcher)]
StorageDep = Annotated[Storage, Depends(_storage)]

RawIdempotencyKey = Annotated[
    str | None,
    Header(
        alias="Idempotency-Key",
        pattern=r"^[A-Za-z0-9._:\-]{8,100}$",
        description="repeat a request with the same key to have it take effect once; the "
        "same key with another body, or from another account, is refused (409)",
    ),
]


def bind_actor(actor: Actor) -> Actor:
    structlog.contextvars.bind_contextvars(actor=actor.id, role=actor.role.value)
    return actor
