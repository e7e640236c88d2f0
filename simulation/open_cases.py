"""The open cases now: whose deadlines a calendar or policy change would move, and to when,
before anyone applies it.

Each open matter's clock is read from its workflow (the record of what was counted, the
pauses, an extension), then reckoned again with the change's calendar and limits by the
same calendar arithmetic the clock activity uses. Nothing is signalled or written.
"""

from datetime import date

from pydantic import BaseModel
from sqlalchemy import Engine
from sqlmodel import Session, col, select
from temporalio.client import Client
from temporalio.service import RPCError

from domain.catalogue import MatterDefinition
from domain.clock import MatterClock
from ops.recompute_deadlines import OPEN_STATES  # the states whose clock runs
from policies import registry
from policies.working_calendar import WorkingCalendar
from simulation.change import Change, patched_packs
from store.tables import MatterRow
from workflows.matter import MatterWorkflow


class MovedDeadline(BaseModel):
    case_id: str
    matter: str
    name: str
    department: str
    due_on: date
    new_due_on: date
    shift_days: int  # calendar days, + later, − earlier
    limit_days: int
    new_limit_days: int
    provisional: bool  # the new date still assumes an unpublished year


def new_limit(clock: MatterClock, changed: MatterDefinition | None) -> int:
    """The clock's limit under the change: the changed promise or statute if the change
    touches the matter, plus any extension already granted."""
    limit = changed.counted_limit_days if changed is not None else None
    if limit is None:
        return clock.limit_days
    return limit + (clock.extension.days if clock.extension else 0)


def reckon_again(
    clock: MatterClock, calendar: WorkingCalendar, limit: int
) -> tuple[date, tuple[int, ...]] | None:
    """The due date this clock would have under ``calendar`` and ``limit``; None while paused."""
    if clock.due_on is None or clock.paused is not None:
        return None
    used = clock.days_used
    for run in clock.provisional_runs:  # runs counted when their year had no schedule
        recounted, _ = calendar.count(run.after, run.through, clock.unit)
        used += recounted - run.days
    due = calendar.add(clock.counting_from, max(0, limit - used), clock.unit)
    return due.value, due.provisional_years


def _changed_definition(
    change: Change, packs: registry.Packs, case_id: str, code: str
) -> MatterDefinition | None:
    jurisdiction = case_id.split("-", 1)[0]
    if jurisdiction not in change.packs:
        return None
    return packs[jurisdiction].matter(code)


async def moved_deadlines(
    client: Client, engine: Engine, change: Change, calendar: WorkingCalendar
) -> list[MovedDeadline]:
    """Every open matter whose due date the change would move, nearest first."""
    packs = patched_packs(change)
    with Session(engine) as session:
        rows = session.exec(
            select(MatterRow)
            .where(col(MatterRow.state).in_(OPEN_STATES), col(MatterRow.due_on).is_not(None))
            .order_by(col(MatterRow.due_on), col(MatterRow.case_id), col(MatterRow.code))
        ).all()
    moved = []
    for row in rows:
        try:
            snapshot = await client.get_workflow_handle(f"{row.case_id}/{row.code}").query(
                MatterWorkflow.snapshot
            )
        except RPCError:
            continue  # closed meanwhile: nothing to move
        clock = snapshot.clock
        if clock is None or clock.due_on is None:
            continue
        limit = new_limit(clock, _changed_definition(change, packs, row.case_id, row.code))
        reckoned = reckon_again(clock, calendar, limit)
        if reckoned is None or reckoned[0] == clock.due_on:
            continue
        new_due, provisional = reckoned
        moved.append(
            MovedDeadline(
                case_id=row.case_id,
                matter=row.code,
                name=row.name,
                department=row.department_name,
                due_on=clock.due_on,
                new_due_on=new_due,
                shift_days=(new_due - clock.due_on).days,
                limit_days=clock.limit_days,
                new_limit_days=limit,
                provisional=bool(provisional),
            )
        )
    return moved
