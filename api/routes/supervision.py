"""Supervision records on a case: 州工信局's 满意度回访, the park committee's report of
misconduct (domain/supervision.py). Each is one ledger entry, answered as written."""

from fastapi import APIRouter
from fastapi.concurrency import run_in_threadpool

from api.auth.access import CaseCoordinator, CaseOversight
from api.deps import EngineDep
from api.errors import ERROR_RESPONSES
from api.idempotency import IdempotencyKey
from api.params import CaseId
from domain.ledger import LedgerEntry
from domain.supervision import MisconductReportRequest, SatisfactionVisitRequest
from services import supervision

router = APIRouter(prefix="/cases/{case_id}", tags=["supervision"], responses=ERROR_RESPONSES)


@router.post("/satisfaction-visits", response_model=LedgerEntry, status_code=201)
async def record_satisfaction_visit(
    case_id: CaseId,
    body: SatisfactionVisitRequest,
    actor: CaseOversight,
    engine: EngineDep,
    key: IdempotencyKey = None,
) -> LedgerEntry:
    """满意度回访 (博州 seed 六.(三)) by 州工信局 of a cross-county case it oversees, during
    the service or after it is archived. Its result is the tracking table's 回访结果; a
    dissatisfied answer is sent to the leader in charge and the agent."""
    return await run_in_threadpool(supervision.record_visit, engine, case_id, actor, body, key)


@router.post("/misconduct-reports", response_model=LedgerEntry, status_code=201)
async def report_misconduct(
    case_id: CaseId,
    body: MisconductReportRequest,
    actor: CaseCoordinator,
    engine: EngineDep,
    key: IdempotencyKey = None,
) -> LedgerEntry:
    """The park committee reports a worker's 推、拖、索、拿、卡、要 it found in the case to the
    authority that deals with it; the ledger keeps the report and the leader is told."""
    return await run_in_threadpool(supervision.report_misconduct, engine, case_id, actor, body, key)
