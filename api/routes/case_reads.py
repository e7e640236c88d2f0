"""Reading cases: the list, a case's live status, its ledger and who read its materials."""

from datetime import UTC, datetime
from typing import Annotated

from fastapi import APIRouter, Query

from api.auth.access import (
    CaseId,
    CaseLister,
    Reader,
)
from api.deps import EngineDep, TemporalDep
from api.errors import ERROR_RESPONSES
from api.params import Limit, Offset
from api.public import CasePublic
from api.schemas import CaseListItem, Page
from domain.actors import Role
from domain.case import CaseStage, CaseStatus
from domain.ledger import LedgerEntry
from services.commands import case_status
from services.reads import record_read
from services.work import view
from store import ledger, material_reads, projection, work
from store.material_reads import MaterialRead

router = APIRouter(prefix="/cases", tags=["cases"], responses=ERROR_RESPONSES)


@router.get("", response_model=Page[CaseListItem])
def list_cases(
    engine: EngineDep,
    principal: CaseLister,
    offset: Offset = 0,
    limit: Limit = 50,
    stage: CaseStage | None = None,
    park: str | None = None,
    jurisdiction: str | None = None,
    uscc: str | None = None,
    q: Annotated[
        str | None,
        Query(max_length=100, description="企业名称、项目名称、信用代码或案件编号的一部分"),
    ] = None,
    overdue: Annotated[bool | None, Query(description="有超期未办结的事项")] = None,
) -> Page[CaseListItem]:
    """List cases from the projection, those with an overdue matter first, then newest
    first: a coordinator's or leader's jurisdiction (and park), an enterprise's own cases,
    everything for ops."""
    if principal.role in (Role.COORDINATOR, Role.LEADER):
        jurisdiction = principal.jurisdiction
        park = principal.park or park
    elif principal.role is Role.ENTERPRISE:
        uscc = principal.uscc
    where = projection.CaseFilter(
        stage=stage.value if stage else None,
        park=park,
        jurisdiction=jurisdiction,
        uscc=uscc,
        search=q.strip() if q and q.strip() else None,
        overdue=overdue,
    )
    rows, total = projection.list_cases(engine, where, offset=offset, limit=limit)
    clocks = work.nearest(engine, [row.case_id for row, _ in rows])
    now = datetime.now(UTC)
    items = [
        CaseListItem.model_validate(
            {
                **row.model_dump(),
                "overdue": late,
                "next_clock": view(clocks[row.case_id], now) if row.case_id in clocks else None,
            }
        )
        for row, late in rows
    ]
    return Page(items=items, total=total, offset=offset, limit=limit)


@router.get("/{case_id}", response_model=CasePublic)
async def get_case(
    case_id: CaseId, principal: Reader, client: TemporalDep, engine: EngineDep
) -> CaseStatus:
    """Read the case's live status from its workflow. It holds the 委托书, so the read is
    recorded (see ``/material-reads``)."""
    status = await case_status(client, case_id)
    record_read(engine, principal.actor, "case_status", case_id)
    return status


@router.get("/{case_id}/ledger", response_model=Page[LedgerEntry])
async def get_ledger(
    case_id: CaseId,
    principal: Reader,
    client: TemporalDep,
    engine: EngineDep,
    offset: Offset = 0,
    limit: Limit = 100,
) -> Page[LedgerEntry]:
    """Read the case's 台账 in the order it was written (a recorded read: its entries
    quote the 委托书 and the departments' decisions)."""
    entries, total = ledger.entries(engine, case_id, offset=offset, limit=limit)
    record_read(engine, principal.actor, "ledger", case_id)
    return Page(items=entries, total=total, offset=offset, limit=limit)


@router.get("/{case_id}/material-reads", response_model=Page[MaterialRead])
def list_material_reads(
    case_id: CaseId, principal: Reader, engine: EngineDep, offset: Offset = 0, limit: Limit = 100
) -> Page[MaterialRead]:
    """Who read this case's materials, and when, oldest first: the enterprise can see
    every look at its documents."""
    reads, total = material_reads.for_case(engine, case_id, offset=offset, limit=limit)
    return Page(items=reads, total=total, offset=offset, limit=limit)
