"""待办 / 已办: every clock that runs on the caller's cases, nearest first, whatever its kind
(a matter's deadline, the 48-hour coordination, the 24-hour 签收, a 容缺 supply date, the
5-day report, a 差评 回访 or 整改, a case budget). ``overdue=true`` is 督办."""

from datetime import UTC, date, datetime, time
from typing import Annotated

from fastapi import APIRouter, Query

from api.auth.access import NotificationReader
from api.deps import EngineDep
from api.errors import ERROR_RESPONSES
from api.params import Limit, Offset
from api.schemas import Page, WorkItem
from domain.clock import BUSINESS_ZONE
from domain.errors import InvalidInput
from domain.work import CLOCK_NAMES, ClockKind
from services.work import scope_of, view
from store import work

router = APIRouter(prefix="/work", tags=["work"], responses=ERROR_RESPONSES)
Code = Annotated[str | None, Query(max_length=60, pattern=r"^[a-z0-9_\-]+$")]


@router.get("", response_model=Page[WorkItem])
def work_list(
    principal: NotificationReader,
    engine: EngineDep,
    kind: Annotated[str | None, Query(max_length=30, description="时限种类")] = None,
    matter: Code = None,
    department: Code = None,
    park: Code = None,
    due_before: Annotated[date | None, Query(description="到期日不晚于")] = None,
    overdue: Annotated[bool, Query(description="督办：只列已超期的")] = False,
    done: Annotated[bool, Query(description="已办：已停止的时限，最近的在前")] = False,
    case_id: Annotated[
        str | None, Query(max_length=40, pattern=r"^[A-Z0-9\-]+$", description="只列一件案件的")
    ] = None,
    offset: Offset = 0,
    limit: Limit = 50,
) -> Page[WorkItem]:
    """The caller's 待办 (or 已办 with ``done``), sorted by the nearest clock."""
    if kind is not None and kind not in set(ClockKind):
        choices = "、".join(f"{k.value}（{name}）" for k, name in CLOCK_NAMES.items())
        raise InvalidInput("kind", f"没有“{kind}”这类时限；可选：{choices}")
    now = datetime.now(UTC)
    before = (
        datetime.combine(due_before, time(23, 59, 59), tzinfo=BUSINESS_ZONE) if due_before else None
    )
    rows, total = work.items(
        engine,
        scope_of(principal),
        work.WorkFilter(
            kind=kind,
            matter=matter,
            department=department,
            park=park,
            due_before=before,
            overdue_only=overdue,
            done=done,
            case_id=case_id,
        ),
        now=now,
        offset=offset,
        limit=limit,
    )
    items = [WorkItem.model_validate(view(row, now)) for row in rows]
    return Page(items=items, total=total, offset=offset, limit=limit)
