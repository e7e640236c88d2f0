"""A department's bulk 签收 and 受理: several hand-overs at once, each taken exactly as its
single action would be, and an answer that says which succeeded and why the others did not.

Each task is its own action with its own idempotency key (the request's key and the task),
so a retried bulk request repeats nothing that already took effect."""

from enum import StrEnum

import structlog
from fastapi import APIRouter
from pydantic import BaseModel, Field, model_validator
from sqlalchemy import Engine
from temporalio.client import Client

from api.auth.access import DepartmentStaff
from api.deps import EngineDep, TemporalDep
from api.errors import ERROR_RESPONSES, ApiError, ErrorDetail, domain_status
from api.idempotency import IdempotencyKey
from api.routes.departments import Department, accept_task, acknowledge_task
from domain.actions import AcceptMatterRequest, AcknowledgeHandOffRequest
from domain.actors import Actor
from domain.errors import DomainError
from store import projection

log = structlog.get_logger(__name__)
router = APIRouter(
    prefix="/departments/{department}/bulk", tags=["departments"], responses=ERROR_RESPONSES
)


class BulkVerb(StrEnum):
    ACKNOWLEDGE = "hand-off-acknowledgement"  # 签收 (跨县市移交)
    ACCEPT = "acceptance"  # 受理


class TaskRef(BaseModel):
    case_id: str = Field(max_length=40, pattern=r"^[A-Z0-9\-]+$")
    matter: str = Field(max_length=60, pattern=r"^[a-z0-9_\-]+$")


class BulkTaskAction(BaseModel):
    tasks: list[TaskRef] = Field(min_length=1, max_length=50, description="至多50项")
    received_by: str | None = Field(None, max_length=50, description="签收人（签收时必填）")
    note: str = Field("", max_length=500)

    @model_validator(mode="after")
    def _distinct(self) -> "BulkTaskAction":
        if len({(t.case_id, t.matter) for t in self.tasks}) != len(self.tasks):
            raise ValueError("同一事项只能列一次")
        return self


class BulkOutcome(BaseModel):
    case_id: str
    matter: str
    ok: bool
    code: str = Field(description="成功为 done；否则为错误代码，如 action_refused")
    message: str


class BulkResult(BaseModel):
    succeeded: int
    failed: int
    results: list[BulkOutcome]


async def _one(
    verb: BulkVerb,
    task: TaskRef,
    body: BulkTaskAction,
    actor: Actor,
    client: Client,
    engine: Engine,
    key: str | None,
) -> BulkOutcome:
    row = projection.matter_row(engine, task.case_id, task.matter)
    if row is None or row.department != actor.department:
        return BulkOutcome(
            **task.model_dump(), ok=False, code="not_found", message="没有这项本部门的待办"
        )
    own_key = f"{key}:{task.case_id}/{task.matter}" if key else None
    try:
        if verb is BulkVerb.ACKNOWLEDGE:
            signed = AcknowledgeHandOffRequest(received_by=body.received_by or "", note=body.note)
            await acknowledge_task(
                client, engine, task.case_id, task.matter, signed, actor, own_key
            )
        else:
            accepted = AcceptMatterRequest(note=body.note)
            await accept_task(client, engine, task.case_id, task.matter, accepted, actor, own_key)
    except DomainError as refused:
        return BulkOutcome(
            **task.model_dump(), ok=False, code=domain_status(refused)[1], message=refused.message
        )
    except ApiError as refused:
        return BulkOutcome(
            **task.model_dump(), ok=False, code=refused.code, message=refused.message
        )
    done = "已签收" if verb is BulkVerb.ACKNOWLEDGE else "已受理"
    return BulkOutcome(**task.model_dump(), ok=True, code="done", message=f"“{row.name}”{done}")


@router.post("/{verb}", response_model=BulkResult)
async def bulk_act(
    department: Department,
    verb: BulkVerb,
    body: BulkTaskAction,
    actor: DepartmentStaff,
    client: TemporalDep,
    engine: EngineDep,
    key: IdempotencyKey = None,
) -> BulkResult:
    """签收 or 受理 each task in turn; one refused does not stop the others."""
    if verb is BulkVerb.ACKNOWLEDGE and not (body.received_by or "").strip():
        detail = ErrorDetail(field="received_by", message="请填写签收人")
        raise ApiError(422, "invalid_input", "请填写签收人", [detail])
    results = [await _one(verb, task, body, actor, client, engine, key) for task in body.tasks]
    succeeded = sum(r.ok for r in results)
    log.info("bulk_task_action", verb=verb.value, succeeded=succeeded, tasks=len(results))
    return BulkResult(succeeded=succeeded, failed=len(results) - succeeded, results=results)
