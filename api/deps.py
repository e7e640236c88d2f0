"""Dependencies: the process's Temporal client and engine, and who is calling."""

from typing import Annotated, Literal

import structlog
from fastapi import Depends, Header, Path, Request
from sqlalchemy import Engine
from temporalio.client import Client

from activities.notifications import NotificationDispatcher
from domain.actors import Actor, Role
from settings import Settings

ACTOR_ID = r"^[A-Za-z0-9._@\-]{1,64}$"


def _client(request: Request) -> Client:
    return request.app.state.temporal_client


def _engine(request: Request) -> Engine:
    return request.app.state.engine


def _settings(request: Request) -> Settings:
    return request.app.state.settings


def _dispatcher(request: Request) -> NotificationDispatcher:
    return request.app.state.notification_dispatcher


TemporalDep = Annotated[Client, Depends(_client)]
EngineDep = Annotated[Engine, Depends(_engine)]
SettingsDep = Annotated[Settings, Depends(_settings)]
DispatcherDep = Annotated[NotificationDispatcher, Depends(_dispatcher)]

# Until sign-in lands (issue 7) the caller names itself in X-Actor; the route decides the role.
ActorHeader = Annotated[
    str,
    Header(alias="X-Actor", pattern=ACTOR_ID, description="the caller's account id, e.g. li.si"),
]
IdempotencyKey = Annotated[
    str | None,
    Header(
        alias="Idempotency-Key",
        pattern=r"^[A-Za-z0-9._:\-]{8,100}$",
        description="repeat a request with the same key to have it take effect once",
    ),
]


def bind_actor(actor: Actor) -> Actor:
    structlog.contextvars.bind_contextvars(actor=actor.id, role=actor.role.value)
    return actor


def coordinator(actor_id: ActorHeader) -> Actor:
    return bind_actor(Actor(id=actor_id, role=Role.COORDINATOR))


def coordinator_or_enterprise(
    actor_id: ActorHeader,
    role: Annotated[
        Literal["coordinator", "enterprise"],
        Header(alias="X-Actor-Role", description="who acts: the agent or the enterprise itself"),
    ] = "coordinator",
) -> Actor:
    return bind_actor(Actor(id=actor_id, role=Role(role)))


def department_staff(
    actor_id: ActorHeader,
    department: Annotated[str, Path(pattern=r"^[a-z0-9_\-]+$", description="department code")],
) -> Actor:
    return bind_actor(Actor(id=actor_id, role=Role.DEPARTMENT, department=department))


Coordinator = Annotated[Actor, Depends(coordinator)]
CoordinatorOrEnterprise = Annotated[Actor, Depends(coordinator_or_enterprise)]
DepartmentStaff = Annotated[Actor, Depends(department_staff)]
