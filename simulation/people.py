"""The simulated people: they act on the real workflows at the times their script says.

A heap of acts keyed by simulated time. The driver lets the time-skipping server run to the
next act (``env.sleep``: the workflows' own timers fire on the way, the 48-hour watch, the
early warning and overdue, the report's 5 working days), then performs every act due then
through the same updates the API sends. An act schedules what follows it, so a dependent
matter's clock starts when the case really handed it over, and nothing the workflows would
refuse is ever done: a refusal stops the run with the workflow's own words.
"""

import asyncio
import heapq
import itertools
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from functools import partial
from typing import Any

import structlog
from temporalio.client import (
    Client,
    WorkflowHandle,
    WorkflowUpdateFailedError,
    WorkflowUpdateRPCTimeoutOrCancelledError,
)
from temporalio.service import RPCError, RPCStatusCode
from temporalio.testing import WorkflowEnvironment

from domain.actions import (
    AcceptMatter,
    AcknowledgeHandOff,
    ApproveMatter,
    CasePlan,
    ConfirmDeferred,
    Delivery,
    Evaluation,
    InitialReview,
    Receipt,
    RequestCorrection,
    Resubmission,
    Satisfaction,
    SupplyDeferred,
)
from domain.actors import Actor, Role
from domain.application import Application
from domain.case import CaseInput
from domain.catalogue import MatterDefinition, PolicyPack, TimeUnit
from domain.clock import BUSINESS_ZONE
from domain.coordination import Coordination
from domain.follow_up import BAD_RATINGS, Callback, FollowUpRating, Remedy
from domain.matter import MatterState
from domain.report import FeedbackFiling
from policies import registry
from simulation.schedule import CaseScript, MatterScript
from simulation.working_time import IsWorkingDay, after_working_days
from workflows.case import CaseWorkflow
from workflows.matter import MatterWorkflow

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


DEFERRED_ITEM = "容缺材料"


def _earliest_due(start: date, days: int, unit: TimeUnit, working: IsWorkingDay) -> date:
    """No later than the matter's due date as the clock will reckon it (a calendar-day
    period ending on a holiday runs on to the next working day, so this is the floor)."""
    if unit is TimeUnit.CALENDAR_DAYS:
        return start + timedelta(days=days)
    day, left = start, days
    while left > 0:
        day += timedelta(days=1)
        left -= working(day)
    return day


@dataclass(order=True)
class _Pending:
    at: datetime
    order: int
    act: Act = field(compare=False)


APPLICANT = {
    "enterprise": {"name": "模拟企业有限公司", "uscc": "91350100M000100Y43"},
    "contact": {"name": "模拟联系人", "phone": "13800000000"},
    "project": {"name": "模拟项目", "investment_wan_yuan": "5000", "industry": "新材料"},
    "scope": "full",
}


def application_of(script: CaseScript) -> Application:
    start = script.arrives_at.date()
    return Application.model_validate(
        {
            **APPLICANT,
            "jurisdiction": script.jurisdiction,
            "park": script.park,
            "matters": script.matters,
            "bundles": script.bundles,
            "period": {"start": str(start), "end": str(start + timedelta(days=730))},
        }
    )


def _team(pack: PolicyPack, case: CaseInput) -> list[dict[str, Any]]:
    rule = pack.agent_team
    if rule is None:
        return []
    members = [
        {"id": f"{level}.{n}", "name": f"代办{n}", "phone": "13900000000", "level": level}
        for level in rule.levels
        for n in range(rule.min_per_level)
    ]
    if rule.per_department:
        departments = sorted({m.department.code for m in case.matters})
        members += [
            {"id": f"{d}.{n}", "name": f"部门代办{n}", "phone": "13900000000", "department": d}
            for d in departments
            for n in range(rule.min_per_level)
        ]
    return members


@dataclass
class People:
    """Everyone in the simulated period, acting on ``client`` through ``env``'s clock."""

    env: WorkflowEnvironment
    task_queue: str
    packs: registry.Packs
    working: IsWorkingDay
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
        self.at(after_working_days(start, working_days, self.working), act, case_id)

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

    # --- one case --------------------------------------------------------------------

    def add(self, case_id: str, script: CaseScript) -> None:
        self.at(script.arrives_at, lambda now: self._arrive(case_id, script, now), case_id)

    async def _arrive(self, case_id: str, script: CaseScript, now: datetime) -> None:
        agent = Actor(id=f"agent.{script.park}", role=Role.COORDINATOR)
        case = registry.case_input(case_id, application_of(script), agent, packs=self.packs)
        hours = {case.coordination_hours, case.hand_off_ack_hours}
        self._timer_hours[case_id] = tuple(sorted(h for h in hours if h is not None))
        handle = await self.client.start_workflow(
            CaseWorkflow.run, case, id=case_id, task_queue=self.task_queue
        )
        run = _CaseRun(self, handle, script, case, agent)
        run.after(now, script.review_after, run.review)


@dataclass
class _CaseRun:
    people: People
    handle: WorkflowHandle
    script: CaseScript
    case: CaseInput
    agent: Actor
    decided: set[str] = field(default_factory=set)
    started: set[str] = field(default_factory=set)
    problems_seen: set[int] = field(default_factory=set)
    reported: bool = False
    rerated: bool = False
    closed: bool = False

    def after(self, start: datetime, working_days: float, act: Act) -> None:
        self.people.after(start, working_days, act, self.handle.id)

    def at(self, moment: datetime, act: Act) -> None:
        self.people.at(moment, act, self.handle.id)

    @property
    def enterprise(self) -> Actor:
        return Actor(id=f"enterprise.{self.script.key}", role=Role.ENTERPRISE)

    async def _update(self, handle: WorkflowHandle, update: Any, argument: Any) -> Any:
        """Send the update; until the workflow exists and has seen what came before it."""
        last: WorkflowUpdateFailedError | None = None
        for _ in range(500):
            try:
                result = await handle.execute_update(update, argument)
                await self.watch()
                return result
            except RPCError as error:
                if error.status is not RPCStatusCode.NOT_FOUND:
                    raise
            except WorkflowUpdateFailedError as error:
                last = error
            await asyncio.sleep(0.02)
        cause = last.cause if last is not None else "工作流不存在"
        raise SimulationRefused(f"{handle.id}: {cause}") from last

    async def review(self, now: datetime) -> None:
        review = InitialReview(decision="accept", materials_received=["委托书"], actor=self.agent)
        await self._update(self.handle, CaseWorkflow.review, review)
        self.after(now, self.script.plan_after, self.plan)

    async def plan(self, now: datetime) -> None:
        day = now.date()
        plan = CasePlan.model_validate(
            {
                "agent": {"id": self.agent.id, "name": "代办员", "phone": "13900000000"},
                "matters": [
                    {
                        "matter": m.definition.code,
                        "materials": ["申请书"],
                        "planned_start": str(day),
                        "planned_finish": str(day + timedelta(days=90)),
                    }
                    for m in self.case.matters
                ],
                "team": _team(
                    registry.pack_for(self.script.jurisdiction, self.people.packs), self.case
                ),
                "actor": self.agent,
            }
        )
        await self._update(self.handle, CaseWorkflow.plan, plan)
        self._hand_over_ready(now)

    def _hand_over_ready(self, now: datetime) -> None:
        for matter in self.case.matters:
            code = matter.definition.code
            ready = all(d in self.decided for d in matter.definition.depends_on)
            if ready and code not in self.started:
                self.started.add(code)
                _MatterRun(self, matter.department.code, self.script.matter_scripts[code]).start(
                    now, cross_county=matter.cross_county is not None
                )

    async def matter_decided(self, code: str, now: datetime) -> None:
        self.decided.add(code)
        self._hand_over_ready(now)
        if len(self.decided) == len(self.case.matters):
            self.after(now, self.script.deliver_after, self.deliver)

    async def deliver(self, now: datetime) -> None:
        await self._update(self.handle, CaseWorkflow.deliver, Delivery(actor=self.agent))
        receipt = Receipt(signed_by="企业联系人", actor=self.enterprise)
        await self._update(self.handle, CaseWorkflow.sign_receipt, receipt)
        self.after(now, self.script.evaluate_after, self.evaluate)

    async def evaluate(self, now: datetime) -> None:
        bad = self.script.rating in BAD_RATINGS
        score = 2 if bad else 5
        cross = any(m.cross_county for m in self.case.matters)
        evaluation = Evaluation(
            level=self.script.rating,
            efficiency=score,
            quality=score,
            problem_solving=score,
            coordination_efficiency=score if cross else None,
            cross_region_communication=score if cross else None,
            completeness=score if cross else None,
            actor=self.enterprise,
        )
        await self._update(self.handle, CaseWorkflow.evaluate, evaluation)
        if self.case.feedback_report_required:
            self.after(now, self.script.report_after, self.report)
        if bad:
            self.after(now, self.script.follow_up_after, self.callback)
        if not (bad or self.case.feedback_report_required):
            self._done()

    async def report(self, now: datetime) -> None:
        filing = FeedbackFiling(text="模拟评价反馈报告", reference="模拟", actor=self.agent)
        await self._update(self.handle, CaseWorkflow.file_feedback_report, filing)
        self.reported = True
        if self.script.rating not in BAD_RATINGS or self.rerated:
            self._done()

    async def callback(self, now: datetime) -> None:
        await self._update(
            self.handle, CaseWorkflow.record_callback, Callback(note="已回访", actor=self.agent)
        )
        self.after(now, self.script.follow_up_after, self.remedy)

    async def remedy(self, now: datetime) -> None:
        remedy = Remedy(measures="已整改", actor=self.agent)
        await self._update(self.handle, CaseWorkflow.record_remedy, remedy)
        self.after(now, self.script.follow_up_after, self.rerate)

    async def rerate(self, now: datetime) -> None:
        rating = FollowUpRating(level=Satisfaction.SATISFIED, actor=self.enterprise)
        await self._update(self.handle, CaseWorkflow.rate_follow_up, rating)
        self.rerated = True
        if not self.case.feedback_report_required or self.reported:
            self._done()

    def _done(self) -> None:
        self.closed = True
        self.people.on_case_done(self.handle.id)

    async def watch(self) -> None:
        """The agent reads the case after each act: a problem that opened (a 补正, or a
        hand-over left unaccepted past its hours) gets its coordination at the agent's pace,
        counted from when it opened."""
        if self.closed:
            return
        status = await self.handle.query(CaseWorkflow.status)
        for problem in status.problems:
            if problem.number in self.problems_seen:
                continue
            self.problems_seen.add(problem.number)
            hours = timedelta(hours=self.script.coordinate_after(problem.number))
            self.at(problem.raised_at + hours, partial(self.coordinate, problem.number))

    async def coordinate(self, number: int, now: datetime) -> None:
        """Start coordination of problem ``number`` (its watch ends, or escalates if late)."""
        coordination = Coordination(
            problem=number,
            what="协调相关部门",
            with_whom=["审批部门", "企业"],
            outcome="已明确办理要求",
            actor=self.agent,
        )
        await self._update(self.handle, CaseWorkflow.record_coordination, coordination)


@dataclass
class _MatterRun:
    case: _CaseRun
    department: str
    script: MatterScript
    round: int = 0
    pending: bool = False  # 容缺 items not yet confirmed
    approved: bool = False

    @property
    def clerk(self) -> Actor:
        return Actor(
            id=f"clerk.{self.department}", role=Role.DEPARTMENT, department=self.department
        )

    @property
    def handle(self) -> WorkflowHandle:
        return self.case.people.client.get_workflow_handle(
            f"{self.case.handle.id}/{self.script.code}"
        )

    def start(self, now: datetime, cross_county: bool) -> None:
        hours = self.case.case.hand_off_ack_hours
        if hours is not None:  # the notice of a hand-over left unaccepted reaches the agent
            self.case.at(now + timedelta(hours=hours, minutes=30), self._read_notices)
        if cross_county:
            self.case.after(now, self.script.acknowledge_after, self.acknowledge)
        else:
            self.case.after(now, self.script.accept_after, self.accept)

    async def _read_notices(self, now: datetime) -> None:
        await self.case.watch()

    async def acknowledge(self, now: datetime) -> None:
        ack = AcknowledgeHandOff(received_by="部门收件人", actor=self.clerk)
        await self.case._update(self.handle, MatterWorkflow.acknowledge_hand_off, ack)
        self.case.after(now, self.script.accept_after, self.accept)

    async def accept(self, now: datetime) -> None:
        # §32: a department that neither accepts nor asks for 补正 in time is deemed to have
        # accepted; its clock already runs, and the person goes on from there.
        snapshot = await self.handle.query(MatterWorkflow.snapshot)
        if snapshot.state is MatterState.HANDED_OVER:
            accept = AcceptMatter(actor=self.clerk, **self._deferral(now))
            await self.case._update(self.handle, MatterWorkflow.accept, accept)
        self._next(now)

    def _deferral(self, now: datetime) -> dict[str, Any]:
        """容缺受理 for a drawn matter with a time limit, where its pack allows it: the item
        is promised for the day the agent will supply it (never after the matter's own due
        date, which bounds it: a later supply is made on that day), and the supply and its
        check are scheduled."""
        limit = self._limit_days()
        if not (self.script.deferred and limit and self._definition().deferral_allowed):
            return {}
        self.pending = True
        local = now.astimezone(BUSINESS_ZONE)
        due = _earliest_due(local.date(), limit, self._unit(), self.case.people.working)
        supply_at = after_working_days(now, self.script.supply_after, self.case.people.working)
        if supply_at.astimezone(BUSINESS_ZONE).date() >= due:
            supply_at = datetime.combine(due, time(10), tzinfo=BUSINESS_ZONE)
        supply_by = min(due, supply_at.astimezone(BUSINESS_ZONE).date() + timedelta(days=1))
        self.case.at(supply_at, self.supply)
        return {"deferred_items": [DEFERRED_ITEM], "supply_by": supply_by}

    def _definition(self) -> MatterDefinition:
        return next(
            m.definition for m in self.case.case.matters if m.definition.code == self.script.code
        )

    def _limit_days(self) -> int | None:
        definition = self._definition()
        if definition.limit_days is None:
            return None
        return min(definition.limit_days, definition.promised_days or definition.limit_days)

    def _unit(self) -> TimeUnit:
        return self._definition().limit_unit

    async def supply(self, now: datetime) -> None:
        supplied = SupplyDeferred(materials=[DEFERRED_ITEM], actor=self.case.agent)
        await self.case._update(self.handle, MatterWorkflow.supply_deferred, supplied)
        self.case.after(now, self.script.confirm_after, self.confirm)

    async def confirm(self, now: datetime) -> None:
        confirmed = ConfirmDeferred(actor=self.clerk)
        await self.case._update(self.handle, MatterWorkflow.confirm_deferred, confirmed)
        self.pending = False
        if self.approved:  # the held result is issued now
            await self.case.matter_decided(self.script.code, now)

    def _next(self, now: datetime) -> None:
        if self.round < len(self.script.corrections):
            self.case.after(now, self.script.corrections[self.round].ask_after, self.ask)
        else:
            self.case.after(now, self.script.decide_after, self.approve)

    async def ask(self, now: datetime) -> None:
        correction = RequestCorrection(items=["补正材料"], actor=self.clerk)
        await self.case._update(self.handle, MatterWorkflow.request_correction, correction)
        self.case.after(now, self.script.corrections[self.round].resubmit_after, self.resubmit)

    async def resubmit(self, now: datetime) -> None:
        resubmission = Resubmission(materials=["补正材料"], actor=self.case.agent)
        await self.case._update(self.handle, MatterWorkflow.resubmit, resubmission)
        self.round += 1
        self._next(now)

    async def approve(self, now: datetime) -> None:
        approval = ApproveMatter(result_reference=f"模拟{self.script.code}", actor=self.clerk)
        await self.case._update(self.handle, MatterWorkflow.approve, approval)
        self.approved = True
        if not self.pending:  # else held until the 容缺 items are confirmed
            await self.case.matter_decided(self.script.code, now)
