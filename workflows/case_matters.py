"""Scheduling the case's matters, which CaseWorkflow inherits: start each matter's child
workflow once everything it depends on is approved, and stop at the last."""

from temporalio import workflow

with workflow.unsafe.imports_passed_through():
    from domain.actions import (
        WithdrawMatter,
    )
    from domain.actors import SYSTEM_ACTOR, Actor, Role
    from domain.case import (
        CaseStage,
    )
    from domain.ledger import LedgerEvent, Recipient
    from domain.matter import MatterInput, MatterSnapshot, MatterState
    from workflows.case_budget import BUDGET_TRACKING_PATCH
    from workflows.hosts import CaseHost
    from workflows.matter import MatterWorkflow
    from workflows.patches import patched

# A dependency in one of these states stops the matters waiting for it.
STOPPED_MATTER = (
    MatterState.REFUSED,
    MatterState.BLOCKED,
    MatterState.WITHDRAWN,
    MatterState.TERMINATED,
)


class MatterScheduling(CaseHost):
    """Uses CaseWorkflow's ``_status``, ``_input``, ``_record`` and its matter helpers."""

    # --- 事项办理 ---------------------------------------------------------------------------

    async def _process_matters(self) -> None:
        """Start each matter once everything it depends on is approved; stop at the last."""
        while self._status.stage is CaseStage.PROCESSING:
            if self._status.budget is not None and patched(BUDGET_TRACKING_PATCH):
                await self._reproject_budget()
            for matter in self._status.matters:
                if matter.state is MatterState.WAITING and matter.code not in self._starting:
                    await self._start_if_ready(matter)
            if all(m.state.is_final for m in self._status.matters):
                self._set_stage(CaseStage.DELIVERY)
                outcomes = {m.code: m.state.value for m in self._status.matters}
                await self._record(
                    LedgerEvent.MATTERS_COMPLETED,
                    SYSTEM_ACTOR,
                    "全部委托事项办理完毕，进入办结送达",
                    {"outcomes": outcomes},
                    notices=self._told(
                        (Recipient.AGENT, f"案件{self._status.case_id}全部事项已办结，请送达结果")
                    ),
                )
                return
            version = self._matters_version()

            def changed(v: tuple[int, ...] = version) -> bool:
                return (
                    self._matters_version() != v or self._status.stage is not CaseStage.PROCESSING
                )

            await workflow.wait_condition(changed)

    async def _start_if_ready(self, matter: MatterSnapshot) -> None:
        dependencies = [self._matter(code) for code in matter.depends_on]
        stopped = [d.name for d in dependencies if d.state in STOPPED_MATTER]
        if stopped:
            self._stop_unstarted(matter, MatterState.BLOCKED)
            await self._record(
                LedgerEvent.MATTER_BLOCKED,
                SYSTEM_ACTOR,
                f"“{matter.name}”的前置事项未获通过（{'、'.join(stopped)}），无法办理",
                {"dependencies": stopped},
                matter=matter.code,
                matters=[matter],
            )
        elif all(d.state is MatterState.APPROVED for d in dependencies):
            case_matter = next(m for m in self._input.matters if m.code == matter.code)
            agent = self._status.agent
            # The matter stays WAITING until the child's signal says the hand-over is in the
            # ledger, so a query never shows a task the projection does not have yet.
            self._starting.add(matter.code)
            self._children[matter.code] = await workflow.start_child_workflow(
                MatterWorkflow.run,
                MatterInput(
                    case_id=self._status.case_id,
                    matter=case_matter,
                    materials=matter.materials,
                    planned_finish=matter.planned_finish,
                    handed_over_by=Actor(id=agent.id if agent else "system", role=Role.COORDINATOR),
                    hand_off_ack_hours=self._input.hand_off_ack_hours,
                    park=self._status.park,
                    team_levels=self._team_levels(),
                ),
                id=f"{workflow.info().workflow_id}/{matter.code}",
            )
            termination = self._status.termination
            if termination is not None:  # terminated while the child was being started
                await self._children[matter.code].signal(
                    MatterWorkflow.withdraw,
                    WithdrawMatter(
                        actor=termination.termination.actor, reason=termination.termination.reason
                    ),
                )
