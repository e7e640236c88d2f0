"""差评 follow-up: the agent calls back and puts things right; the enterprise rates again."""

from fastapi import APIRouter

from api.auth.access import CaseCoordinator, CaseParty
from api.deps import TemporalDep
from api.errors import ERROR_RESPONSES
from api.idempotency import IdempotencyKey
from api.params import CaseId
from api.public import CasePublic
from domain.case import CaseStatus
from domain.follow_up import (
    Callback,
    CallbackRequest,
    FollowUpRating,
    FollowUpRatingRequest,
    Remedy,
    RemedyRequest,
)
from services.commands import act_on_case
from workflows.case import CaseWorkflow

router = APIRouter(
    prefix="/cases/{case_id}/follow-up", tags=["follow-up"], responses=ERROR_RESPONSES
)


@router.post("/callback", response_model=CasePublic)
async def record_callback(
    case_id: CaseId,
    body: CallbackRequest,
    actor: CaseCoordinator,
    client: TemporalDep,
    key: IdempotencyKey = None,
) -> CaseStatus:
    """回访 within 1 working day of a 差评."""
    action = Callback(**body.model_dump(), actor=actor)
    return await act_on_case(client, case_id, CaseWorkflow.record_callback, action, key)


@router.post("/remedy", response_model=CasePublic)
async def record_remedy(
    case_id: CaseId,
    body: RemedyRequest,
    actor: CaseCoordinator,
    client: TemporalDep,
    key: IdempotencyKey = None,
) -> CaseStatus:
    """整改 within 15 working days: what was put right."""
    action = Remedy(**body.model_dump(), actor=actor)
    return await act_on_case(client, case_id, CaseWorkflow.record_remedy, action, key)


@router.post("/rating", response_model=CasePublic)
async def rate_follow_up(
    case_id: CaseId,
    body: FollowUpRatingRequest,
    actor: CaseParty,
    client: TemporalDep,
    key: IdempotencyKey = None,
) -> CaseStatus:
    """The enterprise's one rating after the remedy."""
    action = FollowUpRating(**body.model_dump(), actor=actor)
    return await act_on_case(client, case_id, CaseWorkflow.rate_follow_up, action, key)
