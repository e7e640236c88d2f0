"""The agent's and the enterprise's acts on a case: review, plan, coordination of each
problem the agent is told of, delivery, receipt, rating, the 5-day report and a 差评's
follow-up, each through the same update the API sends. Nothing the workflows would refuse is
done: a refusal stops the run with the workflow's own words."""

import asyncio
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from functools import partial
from typing import Any

from temporalio.client import WorkflowHandle, WorkflowUpdateFailedError
from temporalio.service import RPCError, RPCStatusCode

from domain.actions import (
    CasePlan,
    Delivery,
    Evaluation,
    InitialReview,
    Receipt,
    Satisfaction,
)
from domain.actors import Actor, Role
from domain.application import Application
from domain.case import CaseInput, CaseStatus
from domain.catalogue import PolicyPack
from domain.coordination import Coordination
from domain.follow_up import BAD_RATINGS, Callback, FollowUpRating, Remedy
from domain.matter import MatterSnapshot
from domain.report import FeedbackFiling
from policies import registry
from simulation.matter_acts import MatterRun
from simulation.people import Act, People, SimulationRefused
from simulation.schedule import CaseScript
from workflows.case import CaseWorkflow

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


def add_case(people: People, case_id: str, script: CaseScript) -> None:
    """The case arrives at its drawn time: the agent opens it in the system."""
    people.at(script.arrives_at, partial(_arrive, people, case_id, script), case_id)


async def _arrive(people: People, case_id: str, script: CaseScript, now: datetime) -> None:
    agent = Actor(id=f"agent.{script.park}", role=Role.COORDINATOR)
    case = registry.case_input(case_id, application_of(script), agent, packs=people.packs)
    people.starts_timers(case_id, {case.coordination_hours, case.hand_off_ack_hours})
    handle = await people.client.start_workflow(
        CaseWorkflow.run, case, id=case_id, task_queue=people.task_queue
    )
    run = CaseRun(people, handle, script, case, agent)
    run.after(now, script.review_after, run.review)


@dataclass
class CaseRun:
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
                heard = None
                if isinstance(result, MatterSnapshot):
                    heard = await self._until_case_heard(result)
                await self.watch(heard)
                return result
            except RPCError as error:
                if error.status is not RPCStatusCode.NOT_FOUND:
                    raise
            except WorkflowUpdateFailedError as error:
                last = error
            await asyncio.sleep(0.02)
        cause = last.cause if last is not None else "工作流不存在"
        raise SimulationRefused(f"{handle.id}: {cause}") from last

    async def _until_case_heard(self, snapshot: MatterSnapshot) -> CaseStatus:
        """The case's status once it has heard ``snapshot``. A matter's reply comes before
        its case is told (issue 22), and the agent's watch reads the case: without waiting
        here a 补正 would be seen at some later act, on the wall clock's whim, and the same
        seed would not give the same figures."""
        for _ in range(500):
            status = await self.handle.query(CaseWorkflow.status)
            heard = next((m for m in status.matters if m.code == snapshot.code), None)
            if heard is not None and heard.version >= snapshot.version:
                return status
            await asyncio.sleep(0.01)
        raise SimulationRefused(f"{self.handle.id}: 案件未收到{snapshot.code}的变化")

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
                MatterRun(self, matter.department.code, self.script.matter_scripts[code]).start(
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

    async def watch(self, status: CaseStatus | None = None) -> None:
        """The agent reads the case after each act (``status``, if just read): a problem
        that opened (a 补正, or a hand-over left unaccepted past its hours) gets its
        coordination at the agent's pace, counted from when it opened."""
        if self.closed:
            return
        if status is None:
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
