"""Departments' routes: their own inbox, and their decisions on their own tasks."""

from datetime import UTC, datetime
from typing import Annotated

from fastapi import APIRouter, Path
from pydantic import BaseModel, Field
from sqlalchemy import Engine
from temporalio.client import Client

from api.auth.access import DepartmentStaff
from api.deps import EngineDep, TemporalDep
from api.errors import ERROR_RESPONSES, forbidden
from api.idempotency import IdempotencyKey
from api.params import CaseId, Limit, MatterCode, Offset
from api.public import MatterPublic
from api.schemas import InboxTask, Page
from domain.actions import (
    AcceptMatter,
    AcceptMatterRequest,
    AcknowledgeHandOff,
    AcknowledgeHandOffRequest,
    ApproveMatter,
    ApproveMatterRequest,
    ConfirmDeferred,
    ConfirmDeferredRequest,
    ExtendDeadline,
    ExtendDeadlineRequest,
    RefuseMatter,
    RefuseMatterRequest,
    RequestCorrection,
    RequestCorrectionRequest,
    ResumeClock,
    ResumeClockRequest,
    SuspendClock,
    SuspendClockRequest,
)
from domain.actors import Actor
from domain.application import Contact
from domain.deadline_explanation import DeadlineExplanation
from domain.documents import DocumentKind
from domain.errors import NotFound
from domain.matter import MatterSnapshot, MatterState
from domain.work import ClockKind
from services import deadlines, documents
from services.commands import case_status, update_matter
from services.reads import record_read
from services.work import remaining
from store import projection
from workflows.matter import MatterWorkflow

router = APIRouter(
    prefix="/departments/{department}", tags=["departments"], responses=ERROR_RESPONSES
)
Department = Annotated[str, Path(pattern=r"^[a-z0-9_\-]+$", examples=["bole-natural-resources"])]


@router.get("/inbox", response_model=Page[InboxTask])
def inbox(
    department: Department,
    actor: DepartmentStaff,
    engine: EngineDep,
    offset: Offset = 0,
    limit: Limit = 50,
) -> Page[InboxTask]:
    """The department's open tasks (handed over, under review, awaiting correction)."""
    rows, total = projection.department_inbox(engine, department, offset=offset, limit=limit)
    now = datetime.now(UTC)
    items = [
        InboxTask.model_validate(
            {
                **row.model_dump(),
                "matter": row.code,
                "enterprise_name": enterprise,
                "project_name": project,
                "hand_off_due_at": hand_off,
                "hand_off_left": remaining(ClockKind.HAND_OFF, hand_off, now)[0]
                if hand_off
                else None,
            }
        )
        for row, enterprise, project, hand_off in rows
    ]
    return Page(items=items, total=total, offset=offset, limit=limit)


class Task(BaseModel):
    """What a department needs for one task, and no more of the case."""

    case_id: str
    park_name: str
    applicant_name: str = Field(description="委托人")
    uscc: str | None = Field(description="企业的统一社会信用代码；居民申请时为空")
    subject: str = Field(description="项目名称，或居民申请人")
    contact: Contact
    matter: MatterPublic = Field(description="本事项，含申请材料清单和补正记录")
    resident_needs_help: str | None = Field(
        None, description="居民申请人须帮办的情形（行动不便、其他特殊群众），企业申请时为空"
    )
    deadline: DeadlineExplanation | None = Field(
        None, description="办理期限是怎样算出的；受理前、即办件为空"
    )


@router.get("/tasks/{case_id}/{matter}", response_model=Task)
async def read_task(
    department: Department,
    case_id: CaseId,
    matter: MatterCode,
    actor: DepartmentStaff,
    client: TemporalDep,
    engine: EngineDep,
) -> Task:
    """One of the department's tasks with its materials. Only the department deciding the
    matter may read it, and the read is recorded."""
    status = await case_status(client, case_id)
    found = next((m for m in status.matters if m.code == matter), None)
    if found is None:
        raise NotFound(f"案件{case_id}没有事项{matter}")
    if found.department != department:
        raise forbidden(f"事项{matter}不由本部门办理")
    if found.state in (MatterState.WAITING, MatterState.BLOCKED):
        raise forbidden(f"事项{matter}尚未移交本部门，材料暂不可查看")
    record_read(engine, actor, "task", case_id, matter)
    application = status.application
    return Task(
        case_id=case_id,
        park_name=status.park_name,
        applicant_name=application.applicant_name,
        uscc=application.enterprise.uscc if application.enterprise else None,
        subject=application.subject,
        contact=application.contact,
        matter=MatterPublic.model_validate(found.model_dump()),
        resident_needs_help=application.resident.needs_help if application.resident else None,
        deadline=deadlines.of_matter(found),
    )


@router.post("/tasks/{case_id}/{matter}/hand-off-acknowledgement", response_model=MatterPublic)
async def acknowledge_hand_off(
    case_id: CaseId,
    matter: MatterCode,
    body: AcknowledgeHandOffRequest,
    actor: DepartmentStaff,
    client: TemporalDep,
    engine: EngineDep,
    key: IdempotencyKey = None,
) -> MatterSnapshot:
    """签收: a county's department takes a cross-county hand-off (then accepts it as usual)."""
    return await acknowledge_task(client, engine, case_id, matter, body, actor, key)


async def acknowledge_task(
    client: Client,
    engine: Engine,
    case_id: str,
    matter: str,
    body: AcknowledgeHandOffRequest,
    actor: Actor,
    key: str | None,
) -> MatterSnapshot:
    """签收 one task (the route's and the bulk route's)."""
    action = AcknowledgeHandOff(**body.model_dump(), actor=actor)
    return await update_matter(
        client, engine, case_id, matter, MatterWorkflow.acknowledge_hand_off, action, key
    )


@router.post("/tasks/{case_id}/{matter}/acceptance", response_model=MatterPublic)
async def accept_matter(
    case_id: CaseId,
    matter: MatterCode,
    body: AcceptMatterRequest,
    actor: DepartmentStaff,
    client: TemporalDep,
    engine: EngineDep,
    key: IdempotencyKey = None,
) -> MatterSnapshot:
    """受理: the department accepts the handed-over application, and with it the current
    version of each uploaded material (recorded on the matter and in the ledger)."""
    return await accept_task(client, engine, case_id, matter, body, actor, key)


async def accept_task(
    client: Client,
    engine: Engine,
    case_id: str,
    matter: str,
    body: AcceptMatterRequest,
    actor: Actor,
    key: str | None,
) -> MatterSnapshot:
    """受理 one task with the current version of each uploaded material (the route's and
    the bulk route's)."""
    accepted = documents.on_file(engine, case_id, DocumentKind.MATERIAL, matter)
    action = AcceptMatter(**body.model_dump(), actor=actor, documents=accepted)
    return await update_matter(client, engine, case_id, matter, MatterWorkflow.accept, action, key)


@router.post("/tasks/{case_id}/{matter}/correction-request", response_model=MatterPublic)
async def request_correction(
    case_id: CaseId,
    matter: MatterCode,
    body: RequestCorrectionRequest,
    actor: DepartmentStaff,
    client: TemporalDep,
    engine: EngineDep,
    key: IdempotencyKey = None,
) -> MatterSnapshot:
    """补正: list every item to correct or supply, at once."""
    action = RequestCorrection(**body.model_dump(), actor=actor)
    return await update_matter(
        client, engine, case_id, matter, MatterWorkflow.request_correction, action, key
    )


@router.post("/tasks/{case_id}/{matter}/approval", response_model=MatterPublic)
async def approve_matter(
    case_id: CaseId,
    matter: MatterCode,
    body: ApproveMatterRequest,
    actor: DepartmentStaff,
    client: TemporalDep,
    engine: EngineDep,
    key: IdempotencyKey = None,
) -> MatterSnapshot:
    """办结: approve, with the result's reference number; the result files uploaded for it
    (POST …/results) are issued with it."""
    results = documents.on_file(engine, case_id, DocumentKind.RESULT, matter)
    action = ApproveMatter(**body.model_dump(), actor=actor, results=results)
    return await update_matter(client, engine, case_id, matter, MatterWorkflow.approve, action, key)


@router.post("/tasks/{case_id}/{matter}/refusal", response_model=MatterPublic)
async def refuse_matter(
    case_id: CaseId,
    matter: MatterCode,
    body: RefuseMatterRequest,
    actor: DepartmentStaff,
    client: TemporalDep,
    engine: EngineDep,
    key: IdempotencyKey = None,
) -> MatterSnapshot:
    """不予许可: refuse, with the reason."""
    action = RefuseMatter(**body.model_dump(), actor=actor)
    return await update_matter(client, engine, case_id, matter, MatterWorkflow.refuse, action, key)


@router.post("/tasks/{case_id}/{matter}/clock-suspension", response_model=MatterPublic)
async def suspend_clock(
    case_id: CaseId,
    matter: MatterCode,
    body: SuspendClockRequest,
    actor: DepartmentStaff,
    client: TemporalDep,
    engine: EngineDep,
    key: IdempotencyKey = None,
) -> MatterSnapshot:
    """听证、检验检测、专家评审: stop the clock; the time is not counted (§45)."""
    action = SuspendClock(**body.model_dump(), actor=actor)
    return await update_matter(
        client, engine, case_id, matter, MatterWorkflow.suspend_clock, action, key
    )


@router.post("/tasks/{case_id}/{matter}/clock-resumption", response_model=MatterPublic)
async def resume_clock(
    case_id: CaseId,
    matter: MatterCode,
    body: ResumeClockRequest,
    actor: DepartmentStaff,
    client: TemporalDep,
    engine: EngineDep,
    key: IdempotencyKey = None,
) -> MatterSnapshot:
    """The hearing, test or review is over: count again from tomorrow."""
    action = ResumeClock(**body.model_dump(), actor=actor)
    return await update_matter(
        client, engine, case_id, matter, MatterWorkflow.resume_clock, action, key
    )


@router.post("/tasks/{case_id}/{matter}/extension", response_model=MatterPublic)
async def extend_deadline(
    case_id: CaseId,
    matter: MatterCode,
    body: ExtendDeadlineRequest,
    actor: DepartmentStaff,
    client: TemporalDep,
    engine: EngineDep,
    key: IdempotencyKey = None,
) -> MatterSnapshot:
    """延期: once, within the statutory allowance, with a reason explained to the enterprise."""
    action = ExtendDeadline(**body.model_dump(), actor=actor)
    return await update_matter(
        client, engine, case_id, matter, MatterWorkflow.extend_deadline, action, key
    )


@router.post(
    "/tasks/{case_id}/{matter}/deferred-materials-confirmation", response_model=MatterPublic
)
async def confirm_deferred_materials(
    case_id: CaseId,
    matter: MatterCode,
    body: ConfirmDeferredRequest,
    actor: DepartmentStaff,
    client: TemporalDep,
    engine: EngineDep,
    key: IdempotencyKey = None,
) -> MatterSnapshot:
    """容缺: confirm the supplied items (a held result is then issued), or return them with
    the reason; the agent then supplies again by the same date."""
    action = ConfirmDeferred(**body.model_dump(), actor=actor)
    return await update_matter(
        client, engine, case_id, matter, MatterWorkflow.confirm_deferred, action, key
    )
