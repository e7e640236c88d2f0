"""Repairs: reset to the last good workflow task, terminate, rebuild the projection.

Each is done with Temporal's own API and written to the case's ledger with the operator.
"""

import re
import uuid
from dataclasses import asdict, dataclass

from sqlalchemy import Engine
from temporalio.api.common.v1 import WorkflowExecution
from temporalio.api.enums.v1 import EventType
from temporalio.api.workflowservice.v1 import (
    ResetActivityRequest,
    ResetWorkflowExecutionRequest,
)
from temporalio.client import Client

from domain.errors import ActionRefused
from domain.ledger import CaseSummary
from ops.journal import case_of, record_ops_action
from ops.replay import replay_history
from store import projection
from workflows.case import CaseWorkflow

_DIVERGED_AT = re.compile(r"HistoryEvent\(id: (\d+)")


@dataclass(frozen=True)
class ResetOutcome:
    workflow_id: str
    reset_to_event: int
    new_run_id: str

    def as_dict(self) -> dict:
        return asdict(self)


class OpsError(ActionRefused):
    """An ops action cannot go ahead; the message says why, for the operator."""


async def reset_to_last_good(
    client: Client,
    engine: Engine,
    workflow_id: str,
    *,
    operator: str,
    reason: str,
    event_id: int | None = None,
) -> ResetOutcome:
    """Re-run a workflow from its last good workflow task (or the one ``event_id`` names).

    The last good task is the last one completed before the event where replaying today's
    code diverges; with no divergence, before the first failed task.
    """
    handle = client.get_workflow_handle(workflow_id)
    history = await handle.fetch_history()
    if event_id is None:
        event_id = _last_good_task(history.events, await replay_history(history))
    description = await handle.describe()
    response = await client.workflow_service.reset_workflow_execution(
        ResetWorkflowExecutionRequest(
            namespace=client.namespace,
            workflow_execution=WorkflowExecution(
                workflow_id=workflow_id, run_id=description.run_id
            ),
            reason=f"{operator}: {reason}",
            workflow_task_finish_event_id=event_id,
            request_id=str(uuid.uuid4()),
        )
    )
    record_ops_action(
        engine,
        case_id=case_of(workflow_id),
        workflow_id=workflow_id,
        operator=operator,
        summary=f"运维重置工作流{workflow_id}至事件{event_id}：{reason}",
        details={"action": "reset", "event_id": event_id, "new_run_id": response.run_id},
    )
    return ResetOutcome(workflow_id, event_id, response.run_id)


def _last_good_task(events, outcome) -> int:
    match = _DIVERGED_AT.search(outcome.divergence)
    if match:
        limit = int(match.group(1))
    else:
        failed = [e.event_id for e in events if e.event_type == _TASK_FAILED]
        if not failed:
            raise OpsError("历史可以用当前代码重放，也没有失败的工作流任务：无需重置")
        limit = failed[0]
    completed = [
        e.event_id for e in events if e.event_type == _TASK_COMPLETED and e.event_id < limit
    ]
    if not completed:
        raise OpsError(f"事件{limit}之前没有已完成的工作流任务，无法重置")
    return completed[-1]


_TASK_COMPLETED = EventType.EVENT_TYPE_WORKFLOW_TASK_COMPLETED
_TASK_FAILED = EventType.EVENT_TYPE_WORKFLOW_TASK_FAILED


async def terminate(
    client: Client, engine: Engine, workflow_id: str, *, operator: str, reason: str
) -> None:
    await client.get_workflow_handle(workflow_id).terminate(f"{operator}: {reason}")
    record_ops_action(
        engine,
        case_id=case_of(workflow_id),
        workflow_id=workflow_id,
        operator=operator,
        summary=f"运维终止工作流{workflow_id}：{reason}",
        details={"action": "terminate"},
    )


async def rebuild_projection(
    client: Client, engine: Engine, case_id: str, *, operator: str, reason: str
) -> CaseSummary:
    """Overwrite the case's projection rows with the workflow's own state (needs a worker)."""
    status = await client.get_workflow_handle(case_id).query(CaseWorkflow.status)
    summary = CaseSummary.of(status, case_id)
    projection.replace_case(engine, summary, status.matters)
    record_ops_action(
        engine,
        case_id=case_id,
        workflow_id=case_id,
        operator=operator,
        summary=f"运维按工作流状态重建案件投影：{reason}",
        details={"action": "rebuild_projection", "stage": summary.stage},
    )
    return summary


async def retry_activities(
    client: Client,
    engine: Engine,
    workflow_id: str,
    *,
    operator: str,
    reason: str,
    activity_type: str | None = None,
) -> list[str]:
    """Retry a workflow's failing activities now: attempt back to 1, no backoff wait.

    For when the cause is fixed (the database is back) and the next scheduled retry is
    minutes away. Returns the types of the activities retried.
    """
    description = await client.get_workflow_handle(workflow_id).describe()
    pending = [
        a.activity_type.name
        for a in description.raw_description.pending_activities
        if activity_type in (None, a.activity_type.name)
    ]
    if not pending:
        raise OpsError(
            f"{workflow_id}没有正在重试的活动" + (f"（{activity_type}）" if activity_type else "")
        )
    await client.workflow_service.reset_activity(
        ResetActivityRequest(
            namespace=client.namespace,
            execution=WorkflowExecution(workflow_id=workflow_id),
            identity=operator,
            **({"type": activity_type} if activity_type else {"match_all": True}),
        )
    )
    record_ops_action(
        engine,
        case_id=case_of(workflow_id),
        workflow_id=workflow_id,
        operator=operator,
        summary=f"运维立即重试{workflow_id}的活动{'、'.join(pending)}：{reason}",
        details={"action": "retry_activities", "activities": pending},
    )
    return pending
