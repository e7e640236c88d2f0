"""Ops staff's routes: the same finding, replaying and repairing as ``python -m ops``."""

from typing import Annotated
from urllib.parse import quote

from fastapi import APIRouter, Path
from pydantic import BaseModel, Field

from api.auth.access import Operator
from api.deps import DispatcherDep, EngineDep, SettingsDep, TemporalDep
from api.errors import ERROR_RESPONSES
from api.params import CaseId, RowId
from domain.ledger import CaseSummary
from ops.notifications import redeliver_notification
from ops.repair import (
    rebuild_projection,
    reset_to_last_good,
    retry_activities,
    terminate,
)
from ops.replay import replay_workflow
from ops.stuck import find_stuck
from settings import Settings
from store import chain

router = APIRouter(prefix="/ops", tags=["ops"], responses=ERROR_RESPONSES)
WorkflowId = Annotated[
    str,
    Path(
        pattern=r"^[A-Z]{2,4}-\d{4}-\d{5}(/[a-z0-9_\-]+)?$",
        examples=["BZ-2026-00001", "BZ-2026-00001/land-preexamination"],
    ),
]


class StuckItem(BaseModel):
    case_id: str
    workflow_id: str
    kind: str
    reason: str
    detail: str
    history_url: str | None = Field(
        None, description="the workflow in Temporal's Web UI (history, pending activities)"
    )


def history_url(settings: Settings, workflow_id: str) -> str | None:
    if not settings.temporal_ui_url:
        return None
    ui = settings.temporal_ui_url.rstrip("/")
    namespace, workflow = quote(settings.temporal_namespace), quote(workflow_id, safe="")
    return f"{ui}/namespaces/{namespace}/workflows/{workflow}"


class ReplayResult(BaseModel):
    workflow_id: str
    ok: bool
    divergence: str


class RepairRequest(BaseModel):
    reason: str = Field(min_length=1, max_length=500)


class ResetRequest(RepairRequest):
    event_id: int | None = Field(None, ge=1, description="默认：重放分歧点之前最后完成的工作流任务")


class ResetResult(BaseModel):
    workflow_id: str
    reset_to_event: int
    new_run_id: str


@router.get("/stuck", response_model=list[StuckItem])
async def list_stuck(
    client: TemporalDep, engine: EngineDep, settings: SettingsDep, actor: Operator
) -> list[StuckItem]:
    """Every stuck case and matter, with the reason (describes each running workflow), and
    a link to it in Temporal's Web UI."""
    return [
        StuckItem(**s.as_dict(), history_url=history_url(settings, s.workflow_id))
        for s in await find_stuck(client, engine)
    ]


@router.post("/workflows/{workflow_id:path}/replay", response_model=ReplayResult)
async def replay(workflow_id: WorkflowId, client: TemporalDep, actor: Operator) -> ReplayResult:
    """Replay the workflow's history against the deployed code."""
    return ReplayResult(**(await replay_workflow(client, workflow_id)).as_dict())


@router.post("/workflows/{workflow_id:path}/reset", response_model=ResetResult)
async def reset(
    workflow_id: WorkflowId,
    body: ResetRequest,
    client: TemporalDep,
    engine: EngineDep,
    actor: Operator,
) -> ResetResult:
    """Re-run from the last good workflow task; recorded in the case's ledger."""
    outcome = await reset_to_last_good(
        client,
        engine,
        workflow_id,
        operator=actor.id,
        reason=body.reason,
        event_id=body.event_id,
    )
    return ResetResult(**outcome.as_dict())


class RetryRequest(RepairRequest):
    activity_type: str | None = Field(None, max_length=100, examples=["record_event"])


@router.post("/workflows/{workflow_id:path}/activity-retry", response_model=list[str])
async def retry_activity(
    workflow_id: WorkflowId,
    body: RetryRequest,
    client: TemporalDep,
    engine: EngineDep,
    actor: Operator,
) -> list[str]:
    """Retry the workflow's failing activities now; returns their types."""
    return await retry_activities(
        client,
        engine,
        workflow_id,
        operator=actor.id,
        reason=body.reason,
        activity_type=body.activity_type,
    )


@router.post("/workflows/{workflow_id:path}/termination", status_code=204)
async def terminate_workflow(
    workflow_id: WorkflowId,
    body: RepairRequest,
    client: TemporalDep,
    engine: EngineDep,
    actor: Operator,
) -> None:
    """End a workflow for good; recorded in the case's ledger."""
    await terminate(client, engine, workflow_id, operator=actor.id, reason=body.reason)


@router.post("/cases/{case_id}/projection-rebuild", response_model=CaseSummary)
async def rebuild(
    case_id: CaseId,
    body: RepairRequest,
    client: TemporalDep,
    engine: EngineDep,
    actor: Operator,
) -> CaseSummary:
    """Overwrite the case's projection rows from its workflow's state."""
    return await rebuild_projection(client, engine, case_id, operator=actor.id, reason=body.reason)


class LedgerVerification(BaseModel):
    ok: bool
    entries: int = Field(description="entries verified before the first break, or all")
    broken_at: int | None = Field(description="id of the first entry that does not verify")
    case_id: str | None
    problem: str


@router.get("/ledger-verification", response_model=LedgerVerification)
def verify_ledger(engine: EngineDep, actor: Operator) -> LedgerVerification:
    """Walk the ledger's hash chain: finds any edited, removed or reordered entry."""
    return LedgerVerification(**chain.verify(engine).as_dict())


class RedeliveryResult(BaseModel):
    notification_id: int
    case_id: str
    delivered: bool
    error: str | None = Field(description="仍未送达时网关的答复；通知转入自动重试")


@router.post("/notifications/{notification_id}/redelivery", response_model=RedeliveryResult)
async def redeliver(
    notification_id: RowId,
    body: RepairRequest,
    dispatcher: DispatcherDep,
    actor: Operator,
) -> RedeliveryResult:
    """Send a notice again now (lost, or never seen by its recipient); recorded in the ledger."""
    outcome = await redeliver_notification(
        dispatcher, notification_id, operator=actor.id, reason=body.reason
    )
    return RedeliveryResult(**outcome.as_dict())
