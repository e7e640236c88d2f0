"""The 48-hour coordination rule, as handlers the CaseWorkflow inherits.

A problem (a correction request, or a stalled hand-off the agent reports) opens a watch:
coordination must be recorded within the pack's hours (博州: 48, wall clock), or the case
escalates to the committee's leader in charge, once.
"""

import asyncio
from datetime import timedelta

from temporalio import workflow

with workflow.unsafe.imports_passed_through():
    from domain.actors import SYSTEM_ACTOR, Actor, Role
    from domain.clock import BUSINESS_ZONE
    from domain.coordination import (
        PROBLEM_KIND_NAMES,
        Coordination,
        CoordinationProblem,
        CoordinationRecord,
        Escalation,
        EscalationAnswer,
        LeaderAnswer,
        ProblemKind,
        Resolution,
        ResolutionClosing,
        StallReport,
    )
    from domain.ledger import LedgerEvent, Notice, Recipient
    from workflows.guards import action_refused, require_case_action, require_role
    from workflows.hosts import CaseHost
    from workflows.one_at_a_time import one_at_a_time

COORDINATION_PATCH = "coordination-48h"


class CoordinationHandlers(CaseHost):
    """Mixed into CaseWorkflow; uses its ``_status``, ``_input`` and ``_record``."""

    _watches: list[asyncio.Task]
    _announced: set[int]  # problems whose coordination_due entry is written

    def _open_problem(
        self, kind: ProblemKind, matter: str | None, description: str, actor: Actor
    ) -> CoordinationProblem:
        now = workflow.now()
        problem = CoordinationProblem(
            number=len(self._status.problems) + 1,
            kind=kind,
            matter=matter,
            description=description,
            raised_at=now,
            due_at=now + timedelta(hours=self._input.coordination_hours),
        )
        self._status.problems.append(problem)
        self._watches.append(asyncio.create_task(self._watch(problem, actor)))
        return problem

    async def _watch(self, problem: CoordinationProblem, raised_by: Actor) -> None:
        due = problem.due_at.astimezone(BUSINESS_ZONE).strftime("%Y-%m-%d %H:%M")
        hours = self._input.coordination_hours
        await self._record(
            LedgerEvent.COORDINATION_DUE,
            raised_by,
            f"{PROBLEM_KIND_NAMES[problem.kind]}：{problem.description}。"
            f"须于{due}前（{hours}小时内）启动协调机制",
            problem.model_dump(mode="json", include={"number", "kind", "due_at"}),
            matter=problem.matter,
            occurrence=f"problem-{problem.number}",
        )
        self._announced.add(problem.number)
        try:
            await workflow.wait_condition(
                lambda: problem.coordination is not None or self._status.stage.is_closed,
                timeout=max(problem.due_at - workflow.now(), timedelta(seconds=1)),
            )
        except TimeoutError:
            problem.escalated_at = workflow.now()
            summary = (
                f"{PROBLEM_KIND_NAMES[problem.kind]}问题{hours}小时内未启动协调机制，"
                f"报请{self._input.leader_in_charge}协调：{problem.description}"
            )
            await self._record(
                LedgerEvent.COORDINATION_ESCALATED,
                SYSTEM_ACTOR,
                summary,
                {"problem": problem.number, "due_at": problem.due_at.isoformat()},
                matter=problem.matter,
                occurrence=f"problem-{problem.number}",
                notices=[
                    Notice(recipient=Recipient.LEADER, address=self._status.park, message=summary),
                    Notice(recipient=Recipient.AGENT, address=self._agent_id(), message=summary),
                ],
            )

    def _agent_id(self) -> str:
        """The plan's agent; before a plan, whoever opened the case, or for an enterprise's
        online application the park (its committee's agents read the park's notices)."""
        agent = self._status.agent
        if agent:
            return agent.id
        opened_by = self._input.opened_by
        return self._status.park if opened_by.role is Role.ENTERPRISE else opened_by.id

    def _problem(self, number: int) -> CoordinationProblem:
        for problem in self._status.problems:
            if problem.number == number:
                return problem
        raise action_refused(f"没有编号为{number}的协调事项")

    # --- updates ---------------------------------------------------------------------------

    @workflow.update
    @one_at_a_time
    async def report_stall(self, report: StallReport) -> CoordinationProblem:
        return self._open_problem(
            ProblemKind.STALLED_HAND_OFF, report.matter, report.description, report.actor
        )

    @report_stall.validator
    def _validate_report_stall(self, report: StallReport) -> None:
        require_case_action(self._status, report.actor, "report_stall")
        matter = next((m for m in self._status.matters if m.code == report.matter), None)
        if matter is None:
            raise action_refused(f"本案件没有委托事项{report.matter}")
        if matter.state.is_final:
            raise action_refused(f"“{matter.name}”已办理完毕（{matter.state_name}）")
        waiting = next(
            (
                p
                for p in self._status.problems
                if p.matter == report.matter
                and p.kind is ProblemKind.STALLED_HAND_OFF
                and p.coordination is None
            ),
            None,
        )
        if waiting is not None:  # the same stall reported twice is one problem, not two
            raise action_refused(
                f"“{matter.name}”已有待协调的问题（协调事项{waiting.number}），"
                "请在该协调事项下记录协调情况"
            )

    @workflow.update
    @one_at_a_time
    async def record_coordination(self, coordination: Coordination) -> CoordinationProblem:
        problem = self._problem(coordination.problem)
        # The ledger tells the story in order: the obligation before its answer.
        await workflow.wait_condition(lambda: problem.number in self._announced)
        meeting = coordination.meeting
        problem.coordination = CoordinationRecord(
            what=coordination.what,
            with_whom=coordination.with_whom,
            outcome=coordination.outcome,
            recorded_by=coordination.actor.id,
            recorded_at=workflow.now(),
            meeting_held_on=meeting.held_on if meeting else None,
            participants=meeting.participants if meeting else [],
            resolutions=[
                Resolution(number=n, **r.model_dump())
                for n, r in enumerate(meeting.resolutions if meeting else [], start=1)
            ],
        )
        late = "（已超时，已上报分管领导）" if problem.escalated_at else ""
        summary = (
            f"启动协调机制{late}：{coordination.what}；协调对象："
            f"{'、'.join(coordination.with_whom)}；结果：{coordination.outcome}"
        )
        if meeting:
            summary += f"；召开专项协调会，议定事项{len(meeting.resolutions)}项"
        await self._record(
            LedgerEvent.COORDINATION_RECORDED,
            coordination.actor,
            summary,
            coordination.model_dump(mode="json", exclude={"actor"}),
            matter=problem.matter,
        )
        return problem

    @record_coordination.validator
    def _validate_record_coordination(self, coordination: Coordination) -> None:
        require_role(coordination.actor, Role.COORDINATOR)
        if self._problem(coordination.problem).coordination is not None:
            raise action_refused(f"协调事项{coordination.problem}已记录协调情况")

    @workflow.update
    @one_at_a_time
    async def escalate_problem(self, escalation: Escalation) -> CoordinationProblem:
        problem = self._problem(escalation.problem)
        await workflow.wait_condition(lambda: problem.number in self._announced)
        problem.escalated_at = workflow.now()
        leader = self._input.leader_in_charge
        open_items = "、".join(r.text for r in problem.open_resolutions)
        summary = f"协调事项{problem.number}难以解决，报请{leader}协商解决：{escalation.reason}" + (
            f"（未办结的议定事项：{open_items}）" if open_items else ""
        )
        await self._record(
            LedgerEvent.COORDINATION_ESCALATED,
            escalation.actor,
            summary,
            {"problem": problem.number, "reason": escalation.reason, "leader": leader},
            matter=problem.matter,
            notices=[
                Notice(recipient=Recipient.LEADER, address=self._status.park, message=summary),
            ],
        )
        return problem

    @escalate_problem.validator
    def _validate_escalate_problem(self, escalation: Escalation) -> None:
        require_role(escalation.actor, Role.COORDINATOR)
        problem = self._problem(escalation.problem)
        if problem.escalated_at is not None:
            raise action_refused(f"协调事项{problem.number}已报请领导协调")
        if problem.coordination is not None and not problem.open_resolutions:
            raise action_refused(f"协调事项{problem.number}的议定事项均已办结，无需上报")

    @workflow.update
    @one_at_a_time
    async def answer_escalation(self, answer: EscalationAnswer) -> CoordinationProblem:
        """The leader in charge's 批示 on an escalated problem, to the agent and the
        department whose matter it is."""
        problem = self._problem(answer.problem)
        problem.leader_answer = LeaderAnswer(
            instruction=answer.instruction, answered_by=answer.actor.id, answered_at=workflow.now()
        )
        summary = (
            f"{self._input.leader_in_charge}批示协调事项{problem.number}：{answer.instruction}"
        )
        notices = [Notice(recipient=Recipient.AGENT, address=self._agent_id(), message=summary)]
        matter = next((m for m in self._status.matters if m.code == problem.matter), None)
        if matter is not None:
            notices.append(
                Notice(recipient=Recipient.DEPARTMENT, address=matter.department, message=summary)
            )
        await self._record(
            LedgerEvent.ESCALATION_ANSWERED,
            answer.actor,
            summary,
            {"problem": problem.number, "instruction": answer.instruction},
            matter=problem.matter,
            notices=notices,
        )
        return problem

    @answer_escalation.validator
    def _validate_answer_escalation(self, answer: EscalationAnswer) -> None:
        require_role(answer.actor, Role.LEADER)
        problem = self._problem(answer.problem)
        if problem.escalated_at is None:
            raise action_refused(f"协调事项{problem.number}未报请领导协调")
        if problem.leader_answer is not None:
            raise action_refused(f"协调事项{problem.number}已有领导批示")

    @workflow.update
    @one_at_a_time
    async def close_resolution(self, closing: ResolutionClosing) -> CoordinationProblem:
        problem = self._problem(closing.problem)
        assert problem.coordination is not None
        resolution = problem.coordination.resolutions[closing.resolution - 1]
        resolution.closed_at = workflow.now()
        resolution.closed_by = closing.actor.id
        resolution.outcome = closing.outcome
        await self._record(
            LedgerEvent.RESOLUTION_CLOSED,
            closing.actor,
            f"协调会议定事项办结：{resolution.text}（{resolution.owner}）：{closing.outcome}",
            closing.model_dump(mode="json", exclude={"actor"}),
            matter=problem.matter,
        )
        return problem

    @close_resolution.validator
    def _validate_close_resolution(self, closing: ResolutionClosing) -> None:
        require_role(closing.actor, Role.COORDINATOR)
        problem = self._problem(closing.problem)
        resolutions = problem.coordination.resolutions if problem.coordination else []
        if not 1 <= closing.resolution <= len(resolutions):
            raise action_refused(f"协调事项{closing.problem}没有第{closing.resolution}项议定事项")
        if resolutions[closing.resolution - 1].closed_at is not None:
            raise action_refused("该议定事项已办结")
