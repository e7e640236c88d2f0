"""What the case decides for a matter, which MatterWorkflow inherits: a 集中联审 decision
recorded by the case, and the withdrawal when the case is terminated. Both are signals
from the parent, and both take the same turn as the department's own actions."""

from temporalio import workflow

with workflow.unsafe.imports_passed_through():
    from domain.actions import JointDecision, WithdrawMatter
    from domain.ledger import LedgerEvent, Recipient
    from domain.matter import MatterState
    from domain.permitted import UNDER_REVIEW
    from workflows.hosts import MatterHost
    from workflows.one_at_a_time import in_turn


class CaseDecisions(MatterHost):
    """Uses MatterWorkflow's ``_matter``, ``_changed``, ``_told``, ``_decide`` and
    ``_hand_over_recorded``."""

    @workflow.signal
    async def decide_by_joint_review(self, decision: JointDecision) -> None:
        """The departments decided this matter at a 集中联审 the case recorded; the case's
        validator checked the state, so only a decision made meanwhile is ignored."""
        await in_turn(self, lambda: self._decide_by_joint_review(decision))

    async def _decide_by_joint_review(self, decision: JointDecision) -> None:
        await self._hand_over_recorded()
        if self._matter.state not in UNDER_REVIEW:
            return
        meeting = f"{decision.meeting_on}集中联审"
        details = {
            "joint_review": decision.model_dump(mode="json", include={"meeting_on", "participants"})
        }
        if decision.decision == "refuse":
            self._decide(MatterState.REFUSED, decision.recorded_by)
            self._matter.refusal_reason = decision.reason
            await self._changed(
                LedgerEvent.MATTER_REFUSED,
                decision.recorded_by,
                f"{meeting}决定：{self._matter.department_name}对“{self._matter.name}”"
                f"不予许可：{decision.reason}",
                {"reason": decision.reason, **details},
            )
            return
        deferral = self._matter.deferral
        held = deferral is not None and deferral.supplied_at is None
        self._decide(
            MatterState.RESULT_HELD if held else MatterState.APPROVED, decision.recorded_by
        )
        self._matter.result_reference = decision.result_reference
        await self._changed(
            LedgerEvent.MATTER_APPROVED,
            decision.recorded_by,
            f"{meeting}决定：{self._matter.department_name}办结“{self._matter.name}”，"
            f"文号{decision.result_reference}" + ("（容缺材料补齐后出具结果）" if held else ""),
            {"result_reference": decision.result_reference, **details},
        )

    @workflow.signal
    async def withdraw(self, action: WithdrawMatter) -> None:
        """The case was terminated: stop, and say so in the ledger."""
        await in_turn(self, lambda: self._withdraw(action))

    async def _withdraw(self, action: WithdrawMatter) -> None:
        if self._matter.state.is_final:
            return
        self._decide(MatterState.WITHDRAWN, action.actor)
        await self._changed(
            LedgerEvent.MATTER_WITHDRAWN,
            action.actor,
            f"案件终止，撤回“{self._matter.name}”：{action.reason}",
            {"reason": action.reason},
            notices=self._told(
                (Recipient.DEPARTMENT, f"案件终止，“{self._matter.name}”已撤回，无需继续办理")
            ),
        )
