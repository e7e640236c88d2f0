"""The simulated people's clock: acts on the real workflows at the times their scripts say.

A heap of acts keyed by simulated time. The driver lets the time-skipping server run to the
next act (``env.sleep``: the workflows' own timers fire on the way, the 48-hour watch, the
early warning and overdue, the report's 5 working days), then performs every act due then.
What the acts are is in ``simulation/case_acts.py`` (the agent, the enterprise) and
``simulation/matter_acts.py`` (the departments); an act schedules what follows it.
"""

import asyncio
import heapq
import itertools
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

import structlog
from temporalio.client import Client, WorkflowUpdateRPCTimeoutOrCancelledError
from temporalio.testing import WorkflowEnvironment

from policies import registry
from policies.working_calendar import WorkingCalendar
from simulation.working_time import after_working_days

log = structlog.get_logger(__name__)


def _name(act: "Act") -> str:
    owner = getattr(act, "__self__", None)
    where = getattr(owner, "script", None)
    return f"{getattr(where, 'code', getattr(where, 'key', ''))}:{getattr(act, '__name__', 'act')}"


# Acts are taken on the half hour at the finest (the rules count working days and hours,
# and every distinct moment costs the server one jump), a few seconds past it, so the acts
# of many cases land together. The time-skipping server strands a workflow whose task
# cancels a timer that fired while the task was at the worker ("invalid history builder
# state for action", temporalio/sdk-java#3088). The workflows' timers fall at midnight or
# at whole hours after an act (the hand-over's 24 hours, the 48-hour coordination), late by
# the time the act took to reach its workflow; so an act that would land within minutes
# after one of its case's own acts' hours moves to the next free offset, 6 minutes on.
# What still strands a workflow (a loaded machine delaying a task past the margin) is
# caught as a stall and the world is played again (simulation/world.py).
RESOLUTION = timedelta(minutes=30)
OFFSET_BASE, OFFSET_STEP, OFFSETS = 5, 360, 5
HAZARD_BEFORE, HAZARD_AFTER = timedelta(seconds=2), timedelta(minutes=5)
# No act and no jump of the clock takes this long on a healthy run.
STALL_SECONDS = 120.0
Act = Callable[[datetime], Awaitable[None]]


class Stopped(Exception):
    """The run was asked to stop; what is finished is kept."""


class SimulationStalled(RuntimeError):
    """A workflow stopped answering (the test server stranded it): the world is void."""


class SimulationRefused(RuntimeError):
    """A workflow refused a simulated act: the script asked for something the rules forbid."""


def _slot(moment: datetime) -> datetime:
    step = RESOLUTION.total_seconds()
    seconds = moment.timestamp()
    return moment + timedelta(seconds=-(-seconds // step) * step - seconds)


def _landing(slot: datetime, hazards: list[datetime]) -> datetime:
    """The first offset clear of every hazard (a moment one of the case's own timers may
    fire), in this slot or the next ones."""
    while True:
        for n in range(OFFSETS):
            landing = slot + timedelta(seconds=OFFSET_BASE + OFFSET_STEP * n)
            if not any(h - HAZARD_BEFORE <= landing <= h + HAZARD_AFTER for h in hazards):
                return landing
        slot += RESOLUTION


async def _within(step: Awaitable[None], what: str) -> None:
    try:
        await asyncio.wait_for(step, STALL_SECONDS)
    except (TimeoutError, WorkflowUpdateRPCTimeoutOrCancelledError) as stalled:
        raise SimulationStalled(f"模拟停滞：{what}超过{STALL_SECONDS:.0f}秒未完成") from stalled


@dataclass(order=True)
class _Pending:
    at: datetime
    order: int
    act: Act = field(compare=False)


@dataclass
class People:
    """Everyone in the simulated period, acting on ``client`` through ``env``'s clock."""

    env: WorkflowEnvironment
    task_queue: str
    packs: registry.Packs
    calendar: WorkingCalendar
    on_case_done: Callable[[str], None] = lambda case_id: None
    should_stop: Callable[[], bool] = lambda: False
    _heap: list[_Pending] = field(default_factory=list)
    _order: itertools.count = field(default_factory=itertools.count)
    _hazards: dict[str, list[datetime]] = field(default_factory=dict)  # per case
    _now: datetime | None = None  # the moment being acted out
    _timer_hours: dict[str, tuple[int, ...]] = field(default_factory=dict)  # per case

    @property
    def client(self) -> Client:
        return self.env.client

    def starts_timers(self, case_id: str, hours: set[int | None]) -> None:
        """The hours after an act at which the case's own timers may fire."""
        self._timer_hours[case_id] = tuple(sorted(h for h in hours if h is not None))

    def at(self, moment: datetime, act: Act, case_id: str) -> None:
        hazards = self._hazards.setdefault(case_id, [])
        # Acts are not scheduled in the order they land: only hazards the clock has passed
        # may go.
        if self._now is not None:
            hazards[:] = [h for h in hazards if h > self._now - HAZARD_AFTER]
        landing = _landing(_slot(moment), hazards)
        # An act may start timers this many hours on (a hand-over, a problem raised).
        hazards += [landing + timedelta(hours=h) for h in self._timer_hours.get(case_id, ())]
        heapq.heappush(self._heap, _Pending(landing, next(self._order), act))

    def after(self, start: datetime, working_days: float, act: Act, case_id: str) -> None:
        self.at(after_working_days(start, working_days, self.calendar.is_working_day), act, case_id)

    async def run(self) -> None:
        """Until every act is done and every case has ended."""
        while self._heap:
            if self.should_stop():
                raise Stopped("已按要求停止")
            moment = self._heap[0].at
            now = await self.env.get_current_time()
            if moment > now:
                await _within(self.env.sleep(moment - now), f"时钟跳至{moment.isoformat()}")
            self._now = moment
            due = []
            while self._heap and self._heap[0].at <= moment:
                due.append(heapq.heappop(self._heap).act)
            log.debug("what_if_acts", at=moment.isoformat(), acts=[_name(a) for a in due])
            await asyncio.gather(*(_within(act(moment), _name(act)) for act in due))
