"""The matter clock's moves, for workflow code: every date comes from the clock activities."""

import math
from datetime import date, datetime, time, timedelta
from typing import Any, TypeVar

from temporalio import workflow
from temporalio.common import RetryPolicy

with workflow.unsafe.imports_passed_through():
    from activities.names import COUNT_DAYS, PLAN_DEADLINE
    from domain.actors import Actor
    from domain.catalogue import MatterDefinition, TimeUnit
    from domain.clock import (
        BUSINESS_ZONE,
        ClockPause,
        CountedRun,
        DayCount,
        DayCountRequest,
        DeadlinePlan,
        DeadlineRequest,
        Extension,
        MatterClock,
        PauseReason,
    )
    from workflows.patches import patched

Result = TypeVar("Result")
CLOCK_PATCH = "matter-clock"  # matters accepted before this change carry no clock
LOCAL_ARITHMETIC_PATCH = "clock-local-activities"  # earlier histories hold regular activities
ARITHMETIC_TIMEOUT = timedelta(seconds=10)


async def reckon(name: str, request: Any, result_type: type[Result]) -> Result:
    """Calendar arithmetic, as a local activity: pure computation needs no task queue round
    trip, and its result is still recorded in history (as a marker), so a replay never asks
    the calendar again."""
    if patched(LOCAL_ARITHMETIC_PATCH):
        return await workflow.execute_local_activity(
            name,
            request,
            result_type=result_type,
            start_to_close_timeout=ARITHMETIC_TIMEOUT,
            retry_policy=RetryPolicy(),
        )
    return await workflow.execute_activity(
        name,
        request,
        result_type=result_type,
        start_to_close_timeout=ARITHMETIC_TIMEOUT,
        retry_policy=RetryPolicy(),
    )


async def working_days_after(counting_from: date, days: int) -> DeadlinePlan:
    """The due date ``days`` working days after ``counting_from`` (report, follow-up)."""
    return await reckon(
        PLAN_DEADLINE,
        DeadlineRequest(counting_from=counting_from, days_left=days, unit=TimeUnit.WORKING_DAYS),
        result_type=DeadlinePlan,
    )


def business_today() -> date:
    return workflow.now().astimezone(BUSINESS_ZONE).date()


# A clock may hold several pauses at once (a 补正 during a §45 suspension), and a decision
# ends them; histories from before count as they did.
NESTED_PAUSES_PATCH = "one-clock-many-pauses"


def start_of(day: date) -> datetime:
    return datetime.combine(day, time(), tzinfo=BUSINESS_ZONE)


async def start(
    definition: MatterDefinition, warning_share: float, started_on: date | None = None
) -> MatterClock | None:
    """Start counting after the acceptance day (today, or for a deemed acceptance the day
    the materials arrived); None for matters decided on the spot."""
    statutory, limit = definition.limit_days, definition.counted_limit_days
    if statutory is None or limit is None:
        return None
    today = started_on or business_today()
    clock = MatterClock(
        unit=definition.limit_unit,
        statutory_days=statutory,
        limit_days=limit,
        warning_share=warning_share,
        started_on=today,
        counting_from=today,
    )
    await replan(clock)
    return clock


async def replan(clock: MatterClock) -> None:
    """Ask the calendar for the due date and the warning date of the current run."""
    warn_at = math.ceil(clock.limit_days * clock.warning_share)
    plan = await reckon(
        PLAN_DEADLINE,
        DeadlineRequest(
            counting_from=clock.counting_from,
            days_left=clock.days_left,
            unit=clock.unit,
            warn_after=None if clock.warned_at else max(0, warn_at - clock.days_used),
        ),
        result_type=DeadlinePlan,
    )
    clock.due_on, clock.warn_on = plan.due_on, plan.warn_on
    clock.provisional_years = plan.provisional_years


async def pause(clock: MatterClock, reason: PauseReason, note: str, actor: Actor) -> None:
    """Stop the clock today; the days used so far are kept (行政许可法 §45). A pause while
    another is open counts nothing: the clock already stood (a 补正 during an expert review
    counted the review's days as used, 6 instead of 2)."""
    if not (clock.open_pauses and patched(NESTED_PAUSES_PATCH)):
        through = business_today()
        used = await reckon(
            COUNT_DAYS,
            DayCountRequest(after=clock.counting_from, through=through, unit=clock.unit),
            result_type=DayCount,
        )
        clock.days_used += used.days
        if used.provisional_years:
            clock.provisional_runs.append(
                CountedRun(
                    after=clock.counting_from,
                    through=through,
                    days=used.days,
                    provisional_years=used.provisional_years,
                )
            )
    clock.pauses.append(
        ClockPause(
            reason=reason,
            note=note,
            paused_at=workflow.now(),
            paused_by=actor.id,
            days_used_before=clock.days_used,
        )
    )
    clock.due_on = clock.warn_on = None


async def resume(clock: MatterClock, reason: PauseReason | None = None) -> None:
    """End the pause (the newest, or the newest for ``reason``); once none is open, count
    again after today (the day of resumption is not counted, like acceptance)."""
    nested = patched(NESTED_PAUSES_PATCH) if len(clock.open_pauses) > 1 else False
    paused: ClockPause | None = clock.paused
    if nested:
        paused = next(
            (p for p in reversed(clock.open_pauses) if reason is None or p.reason is reason),
            None,
        )
    assert paused is not None
    paused.resumed_at = workflow.now()
    if nested and clock.open_pauses:
        return  # another pause still holds the clock
    clock.counting_from = business_today()
    await replan(clock)


async def recount(clock: MatterClock) -> int:
    """Count the provisional runs again (a year's holidays were published): days_used
    gains the difference, and runs whose years are all known now leave the list. Returns
    the days_used difference."""
    difference, still = 0, []
    for run in clock.provisional_runs:
        counted = await reckon(
            COUNT_DAYS,
            DayCountRequest(after=run.after, through=run.through, unit=clock.unit),
            result_type=DayCount,
        )
        difference += counted.days - run.days
        if counted.provisional_years:
            still.append(run.model_copy(update={"days": counted.days}))
    clock.days_used += difference
    clock.provisional_runs = still
    return difference


def stop_pauses(clock: MatterClock | None) -> None:
    """A decision ends every pause: an approval during a suspension left it open."""
    if clock is not None and clock.open_pauses and patched(NESTED_PAUSES_PATCH):
        for open_pause in clock.open_pauses:
            open_pause.resumed_at = workflow.now()


async def extend(clock: MatterClock, extension: Extension) -> None:
    clock.extension = extension
    clock.limit_days += extension.days
    if clock.paused is None:
        await replan(clock)


def next_alarm(clock: MatterClock | None) -> tuple[str, datetime] | None:
    """The next moment the clock must act on: the early warning, then overdue."""
    if clock is None or clock.paused is not None or clock.due_on is None:
        return None
    if clock.warned_at is None and clock.warn_on is not None:
        return "warning", start_of(clock.warn_on)
    if clock.overdue_at is None:
        return "overdue", start_of(clock.due_on + timedelta(days=1))
    return None
