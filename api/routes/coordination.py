"""The agent's coordination work: stalled hand-offs, coordination records, meeting resolutions."""

from typing import Annotated

from fastapi import APIRouter, Path

from api.auth.access import CaseCoordinator, CaseLeader
from api.deps import TemporalDep
from api.errors import ERROR_RESPONSES
from api.idempotency import IdempotencyKey
from api.params import CaseId
from domain.coordination import (
    Coordination,
    CoordinationProblem,
    CoordinationRequest,
    Escalation,
    EscalationAnswer,
    EscalationAnswerRequest,
    EscalationRequest,
    ResolutionClosing,
    ResolutionClosingRequest,
    StallReport,
    StallReportRequest,
)
from services.commands import update_case
from workflows.case import CaseWorkflow

router = APIRouter(prefix="/cases/{case_id}", tags=["coordination"], responses=ERROR_RESPONSES)
Number = Annotated[int, Path(ge=1, le=10_000)]


@router.post("/stall-reports", response_model=CoordinationProblem, status_code=201)
async def report_stall(
    case_id: CaseId,
    body: StallReportRequest,
    actor: CaseCoordinator,
    client: TemporalDep,
    key: IdempotencyKey = None,
) -> CoordinationProblem:
    """部门衔接不畅: opens a problem that must be coordinated within 48 hours."""
    action = StallReport(**body.model_dump(), actor=actor)
    return await update_case(client, case_id, CaseWorkflow.report_stall, action, key)


@router.post("/problems/{problem}/coordination", response_model=CoordinationProblem)
async def record_coordination(
    case_id: CaseId,
    problem: Number,
    body: CoordinationRequest,
    actor: CaseCoordinator,
    client: TemporalDep,
    key: IdempotencyKey = None,
) -> CoordinationProblem:
    """启动协调机制: what was done, with whom, the outcome; optionally the 专项协调会."""
    action = Coordination(**body.model_dump(), problem=problem, actor=actor)
    return await update_case(client, case_id, CaseWorkflow.record_coordination, action, key)


@router.post("/problems/{problem}/escalation", response_model=CoordinationProblem)
async def escalate_problem(
    case_id: CaseId,
    problem: Number,
    body: EscalationRequest,
    actor: CaseCoordinator,
    client: TemporalDep,
    key: IdempotencyKey = None,
) -> CoordinationProblem:
    """报请领导协调: a problem coordination could not solve goes to the pack's leader in
    charge (和硕 县人民政府分管领导, 鄂尔多斯 管委会领导), once."""
    action = Escalation(**body.model_dump(), problem=problem, actor=actor)
    return await update_case(client, case_id, CaseWorkflow.escalate_problem, action, key)


@router.post("/problems/{problem}/leader-answer", response_model=CoordinationProblem)
async def answer_escalation(
    case_id: CaseId,
    problem: Number,
    body: EscalationAnswerRequest,
    actor: CaseLeader,
    client: TemporalDep,
    key: IdempotencyKey = None,
) -> CoordinationProblem:
    """领导批示: the leader in charge answers a problem escalated to them, once; the agent
    and the department of its matter are told."""
    action = EscalationAnswer(**body.model_dump(), problem=problem, actor=actor)
    return await update_case(client, case_id, CaseWorkflow.answer_escalation, action, key)


@router.post(
    "/problems/{problem}/resolutions/{resolution}/closing", response_model=CoordinationProblem
)
async def close_resolution(
    case_id: CaseId,
    problem: Number,
    resolution: Number,
    body: ResolutionClosingRequest,
    actor: CaseCoordinator,
    client: TemporalDep,
    key: IdempotencyKey = None,
) -> CoordinationProblem:
    """A meeting's resolution is done: record the outcome."""
    action = ResolutionClosing(
        **body.model_dump(), problem=problem, resolution=resolution, actor=actor
    )
    return await update_case(client, case_id, CaseWorkflow.close_resolution, action, key)
