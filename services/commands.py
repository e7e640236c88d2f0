"""Talk to case workflows: start, update, query; Temporal's errors become API errors."""

from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

import structlog
from sqlalchemy import Engine
from temporalio.client import Client, WorkflowHandle, WorkflowUpdateFailedError
from temporalio.common import SearchAttributePair, TypedSearchAttributes, WorkflowIDReusePolicy
from temporalio.exceptions import ApplicationError
from temporalio.service import RPCError, RPCStatusCode
from temporalio.workflow import UpdateMethodMultiParam

from domain.case import STAGE_NAMES, CaseActionDone, CaseInput, CaseStage, CaseStatus
from domain.errors import ActionRefused, DomainError, NotFound
from domain.matter import MATTER_STATE_NAMES, MatterState
from store import projection
from store.projection import MatterGate
from workflows.case import CaseWorkflow
from workflows.guards import ACTION_REFUSED
from workflows.search_attributes import CASE_STAGE, COUNTIES, JURISDICTION, PARK

Action = TypeVar("Action")
Result = TypeVar("Result")
# A workflow update method, e.g. CaseWorkflow.review: (workflow, action) -> its result.
Update = UpdateMethodMultiParam[[Any, Action], Result]
log = structlog.get_logger(__name__)


# The memo field that names the Idempotency-Key a case was opened under (a retry after a
# crash recognises its own case by it).
OPENED_WITH_KEY = "opened_with_key"


async def start_case(
    client: Client, task_queue: str, case: CaseInput, *, key: str | None = None
) -> None:
    """Start the case's workflow; an id that was ever used, even by a closed workflow, is
    refused (``WorkflowAlreadyStartedError``), so a case number is never issued twice."""
    attributes = TypedSearchAttributes(
        [
            SearchAttributePair(CASE_STAGE, CaseStage.INITIAL_REVIEW.value),
            SearchAttributePair(JURISDICTION, case.application.jurisdiction),
            SearchAttributePair(PARK, case.application.park),
            SearchAttributePair(COUNTIES, case.counties),
        ]
    )
    await client.start_workflow(
        CaseWorkflow.run,
        case,
        id=case.case_id,
        task_queue=task_queue,
        search_attributes=attributes,
        id_reuse_policy=WorkflowIDReusePolicy.REJECT_DUPLICATE,
        memo={OPENED_WITH_KEY: key} if key else None,
    )


async def opened_with_key(client: Client, case_id: str) -> str | None:
    """The key the case's workflow was started under, from its memo."""
    description = await client.get_workflow_handle(case_id).describe()
    memo = await description.memo()
    value = memo.get(OPENED_WITH_KEY)
    return value if isinstance(value, str) else None


async def case_status(client: Client, case_id: str) -> CaseStatus:
    try:
        return await client.get_workflow_handle(case_id).query(CaseWorkflow.status)
    except RPCError as error:
        if error.status is RPCStatusCode.NOT_FOUND:
            raise NotFound(f"案件{case_id}不存在") from error
        raise


async def update_case(
    client: Client,
    case_id: str,
    update: Update[Action, Result],
    action: Action,
    idempotency_key: str | None,
) -> Result:
    """Send an action to the case's workflow as the named update; the update's result back."""
    return await _update(
        client.get_workflow_handle(case_id),
        update,
        action,
        idempotency_key,
        closed=lambda: _case_closed(client, case_id),
    )


async def act_on_case(
    client: Client,
    case_id: str,
    update: Update[Action, CaseActionDone],
    action: Action,
    idempotency_key: str | None,
) -> CaseStatus:
    """A case action, answered with the case's status as the action left it.

    The update answers only that it took effect (``CaseActionDone``); the status is read by
    query from the same worker's cached workflow, a few milliseconds, rather than carried in
    every update's result in the case's history. A matter's later change may show in it.
    """
    await update_case(client, case_id, update, action, idempotency_key)
    return await case_status(client, case_id)


async def update_matter(
    client: Client,
    engine: Engine,
    case_id: str,
    matter_code: str,
    update: Update[Action, Result],
    action: Action,
    idempotency_key: str | None,
) -> Result:
    """Send an action to a matter's child workflow once the projection says it is open."""
    row = await handed_over(client, engine, case_id, matter_code)
    return await update_handed_over(client, row, update, action, idempotency_key)


async def handed_over(client: Client, engine: Engine, case_id: str, matter_code: str) -> MatterGate:
    """The matter as its projection row has it, if it is handed over (else 404 or 409).

    The projection, not a query, answers "is this matter handed over": a query needs a live
    worker, and a department's action should wait for a restarting worker, not fail.
    """
    row = projection.matter_gate(engine, case_id, matter_code)
    if row is None:
        if projection.case_row(engine, case_id) is None:
            await _require_case(client, case_id)
        raise NotFound(f"案件{case_id}没有委托事项{matter_code}")
    if row.state == MatterState.WAITING:
        raise ActionRefused(f"“{row.name}”尚未移交部门（等待前置事项办结）")
    return row


async def update_handed_over(
    client: Client,
    row: MatterGate,
    update: Update[Action, Result],
    action: Action,
    idempotency_key: str | None,
) -> Result:
    """Send an action to the child workflow of a matter ``handed_over`` found open."""
    handle = client.get_workflow_handle(f"{row.case_id}/{row.code}")
    state_name = MATTER_STATE_NAMES[MatterState(row.state)]
    return await _update(
        handle,
        update,
        action,
        idempotency_key,
        closed=lambda: _refused_now(f"“{row.name}”已办理完毕（{state_name}），不能再操作"),
    )


async def _require_case(client: Client, case_id: str) -> None:
    """Raise 404 unless Temporal knows the case (describe needs no worker, unlike a query)."""
    try:
        await client.get_workflow_handle(case_id).describe()
    except RPCError as error:
        if error.status is RPCStatusCode.NOT_FOUND:
            raise NotFound(f"案件{case_id}不存在") from error
        raise


async def _update(
    handle: WorkflowHandle[Any, Any],
    update: Update[Action, Result],
    action: Action,
    idempotency_key: str | None,
    *,
    closed: Callable[[], Awaitable[DomainError]],
) -> Result:
    name = getattr(update, "__name__", str(update))
    update_id = f"{name}:{idempotency_key}" if idempotency_key else None
    try:
        return await handle.execute_update(update, action, id=update_id)
    except WorkflowUpdateFailedError as error:
        refusal = _refusal(error)
        if refusal is not None:
            log.info("action_refused", update=name, reason=refusal)
            raise ActionRefused(refusal) from error
        raise
    except RPCError as error:
        if error.status is RPCStatusCode.NOT_FOUND:
            raise await closed() from error
        raise


def _refusal(error: BaseException) -> str | None:
    """The refusal's message, raised by a validator or handler or (under an ActivityError)
    by the ledger refusing a repeated one-time event; None for any other failure."""
    cause = error.__cause__ or getattr(error, "cause", None)
    while cause is not None:
        if isinstance(cause, ApplicationError) and cause.type == ACTION_REFUSED:
            return cause.message
        cause = cause.__cause__ or getattr(cause, "cause", None)
    return None


async def _case_closed(client: Client, case_id: str) -> DomainError:
    try:
        description = await client.get_workflow_handle(case_id).describe()
    except RPCError:
        return NotFound(f"案件{case_id}不存在")
    stage = description.typed_search_attributes.get(CASE_STAGE)
    return ActionRefused(
        f"案件{case_id}已结束（{STAGE_NAMES[CaseStage(stage)] if stage else '已关闭'}），不能再操作"
    )


async def _refused_now(message: str) -> DomainError:
    return ActionRefused(message)
