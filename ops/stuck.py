"""Find stuck cases with Temporal's own machinery: visibility, describe and history.

Four kinds, each with a reason a person understands:
- a workflow task that keeps failing (e.g. non-determinism after a bad deploy);
- an activity that keeps retrying (attempt count and last failure from describe);
- a human step past its deadline (the projection's overdue matters);
- a projection that disagrees with the workflow (its stage search attribute);
- a notice whose delivery was given up (the outbox).
"""

from dataclasses import asdict, dataclass
from enum import StrEnum

from sqlalchemy import Engine
from sqlmodel import Session, col, select
from temporalio.api.enums.v1 import EventType
from temporalio.client import Client, WorkflowExecutionDescription

from domain.matter import MATTER_STATE_NAMES, MatterState
from ops.drift import find_drift
from ops.journal import case_of
from store import outbox
from store.tables import MatterRow

ACTIVITY_ATTEMPTS = 3  # retrying this often is worth a look


class StuckKind(StrEnum):
    WORKFLOW_TASK_FAILING = "workflow_task_failing"
    ACTIVITY_RETRYING = "activity_retrying"
    HUMAN_STEP_OVERDUE = "human_step_overdue"
    PROJECTION_DRIFT = "projection_drift"
    NOTIFICATION_LOST = "notification_lost"


@dataclass(frozen=True)
class Stuck:
    case_id: str
    workflow_id: str
    kind: StuckKind
    reason: str
    detail: str = ""

    def as_dict(self) -> dict:
        return asdict(self)


async def find_stuck(client: Client, engine: Engine, *, progress=None) -> list[Stuck]:
    """Every running daiban workflow is described; overdue steps come from the projection."""
    found: list[Stuck] = []
    running = [
        execution
        async for execution in client.list_workflows('ExecutionStatus = "Running"')
        if execution.workflow_type in ("CaseWorkflow", "MatterWorkflow")
    ]
    for number, execution in enumerate(running, start=1):
        if progress:
            progress(number, len(running), execution.id)
        handle = client.get_workflow_handle(execution.id, run_id=execution.run_id)
        description = await handle.describe()
        found += await _failing_tasks(client, execution.id, description)
        found += _retrying_activities(execution.id, description)
    found += await _drift(client, engine)
    found += _overdue_steps(engine)
    found += _lost_notifications(engine)
    return found


async def _failing_tasks(
    client: Client, workflow_id: str, description: WorkflowExecutionDescription
) -> list[Stuck]:
    pending = description.raw_description.pending_workflow_task
    if not description.raw_description.HasField("pending_workflow_task") or pending.attempt < 2:
        return []
    cause = await last_task_failure(client, workflow_id)
    return [
        Stuck(
            case_of(workflow_id),
            workflow_id,
            StuckKind.WORKFLOW_TASK_FAILING,
            f"工作流任务连续失败{pending.attempt - 1}次，案件无法推进"
            "（常见原因：发布了不兼容的代码）",
            cause,
        )
    ]


async def last_task_failure(client: Client, workflow_id: str) -> str:
    history = await client.get_workflow_handle(workflow_id).fetch_history()
    for event in reversed(history.events):
        if event.event_type == EventType.EVENT_TYPE_WORKFLOW_TASK_FAILED:
            return event.workflow_task_failed_event_attributes.failure.message
    return ""


def _retrying_activities(
    workflow_id: str, description: WorkflowExecutionDescription
) -> list[Stuck]:
    return [
        Stuck(
            case_of(workflow_id),
            workflow_id,
            StuckKind.ACTIVITY_RETRYING,
            f"活动{activity.activity_type.name}已重试{activity.attempt}次仍未成功",
            activity.last_failure.message,
        )
        for activity in description.raw_description.pending_activities
        if activity.attempt >= ACTIVITY_ATTEMPTS
    ]


_ATTRIBUTE_NAMES = {"CaseStage": "阶段", "Counties": "所涉县市", "Overdue": "超期状态"}


async def _drift(client: Client, engine: Engine) -> list[Stuck]:
    return [
        Stuck(
            d.case_id,
            d.case_id,
            StuckKind.PROJECTION_DRIFT,
            "台账投影中没有该案件"
            if d.attribute == "*"
            else f"投影记录的{_ATTRIBUTE_NAMES[d.attribute]}（{d.projection}）与工作流"
            f"（{d.temporal}）不一致，列表和统计会出错",
        )
        for d in await find_drift(client, engine)
    ]


def _overdue_steps(engine: Engine) -> list[Stuck]:
    with Session(engine) as session:
        rows = session.exec(
            select(MatterRow).where(
                MatterRow.overdue,
                col(MatterRow.state).in_([MatterState.ACCEPTED.value]),
            )
        ).all()
    return [
        Stuck(
            row.case_id,
            f"{row.case_id}/{row.code}",
            StuckKind.HUMAN_STEP_OVERDUE,
            f"“{row.name}”已超过办理期限{row.due_on}，{row.department_name}尚未作出决定"
            f"（{MATTER_STATE_NAMES[MatterState(row.state)]}）",
        )
        for row in rows
    ]


def _lost_notifications(engine: Engine) -> list[Stuck]:
    return [
        Stuck(
            notice.case_id,
            notice.case_id,
            StuckKind.NOTIFICATION_LOST,
            f"通知{notice.id}（{notice.message[:30]}）发给{notice.address}，"
            f"投递{delivery.attempts}次均失败，对方尚未收到",
            delivery.last_error or "",
        )
        for notice, delivery in outbox.lost(engine)
    ]
