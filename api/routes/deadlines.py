"""How a clock's date was reached: the start and why, the unit, each holiday and 调休 day,
each pause, the extension. The department reads its matter's on its task
(``Task.deadline``)."""

from typing import Annotated

from fastapi import APIRouter, Query

from api.auth.access import CaseId, Reader
from api.deps import TemporalDep
from api.errors import ERROR_RESPONSES
from api.params import MatterCode
from domain.deadline_explanation import DeadlineExplanation
from domain.work import ClockKind
from services import deadlines
from services.commands import case_status

router = APIRouter(prefix="/cases", tags=["cases"], responses=ERROR_RESPONSES)


@router.get("/{case_id}/matters/{matter}/deadline", response_model=DeadlineExplanation)
async def explain_deadline(
    case_id: CaseId, matter: MatterCode, principal: Reader, client: TemporalDep
) -> DeadlineExplanation:
    """Step by step, in the words a clerk can read to an enterprise."""
    status = await case_status(client, case_id)
    return deadlines.of_clock(status, ClockKind.MATTER_DEADLINE, matter)


@router.get("/{case_id}/clocks/{kind}", response_model=DeadlineExplanation)
async def explain_clock(
    case_id: CaseId,
    kind: ClockKind,
    principal: Reader,
    client: TemporalDep,
    matter: Annotated[str | None, Query(max_length=60, pattern=r"^[a-z0-9_\-]+$")] = None,
) -> DeadlineExplanation:
    """Any clock of the case, as the work list names it (``kind``, and ``matter`` for a
    matter's own): the 5-day report, a 差评's 回访 and 整改, the budget from the day that
    started them; the 24- and 48-hour rules from their start; a 容缺 date as set."""
    return deadlines.of_clock(await case_status(client, case_id), kind, matter)
