"""集中联审 (包头), which CaseWorkflow inherits: one meeting decides several matters, each
decision sent to its matter's workflow."""

from temporalio import workflow

with workflow.unsafe.imports_passed_through():
    from domain.actions import (
        JointDecision,
        JointReview,
    )
    from domain.actors import Role
    from domain.case import CaseActionDone
    from domain.ledger import LedgerEvent
    from domain.matter import MatterState
    from workflows.clock import business_today
    from workflows.guards import (
        action_refused,
        require_case_action,
        require_role,
    )
    from workflows.hosts import CaseHost
    from workflows.matter import MatterWorkflow
    from workflows.one_at_a_time import one_at_a_time


class JointReviewHandlers(CaseHost):
    """Uses CaseWorkflow's ``_status``, ``_input`` and ``_record``."""

    # --- 集中联审 (包头) ---------------------------------------------------------------------

    @workflow.update
    @one_at_a_time
    async def joint_review(self, review: JointReview) -> CaseActionDone:
        # The matters answer the decision asynchronously; until they do, their states still
        # look open, so a second meeting on them is refused by this mark instead.
        self._jointly_decided.update(item.matter for item in review.decisions)
        names = "、".join(self._matter(d.matter).name for d in review.decisions)
        await self._record(
            LedgerEvent.JOINT_REVIEW_HELD,
            review.actor,
            f"{review.meeting_on}召开集中联审会议（{'、'.join(review.participants)}），"
            f"一次决定{names}",
            review.model_dump(mode="json", exclude={"actor"}),
        )
        for item in review.decisions:
            await self._children[item.matter].signal(
                MatterWorkflow.decide_by_joint_review,
                JointDecision(
                    **item.model_dump(),
                    meeting_on=review.meeting_on,
                    participants=review.participants,
                    recorded_by=review.actor,
                ),
            )
        return CaseActionDone.of(self._status)

    @joint_review.validator
    def _validate_joint_review(self, review: JointReview) -> None:
        require_role(review.actor, Role.COORDINATOR)
        if not self._input.joint_review:
            raise action_refused(f"{self._status.jurisdiction_name}未实行集中联审")
        require_case_action(self._status, review.actor, "joint_review")
        if review.meeting_on > business_today():
            raise action_refused(
                f"联审会议日期{review.meeting_on.isoformat()}尚未到来：会后再记录其决定"
            )
        for item in review.decisions:
            matter = self._status.matter(item.matter)
            if matter is None:
                raise action_refused(f"本案件没有事项{item.matter}")
            if item.matter not in self._children or matter.state not in (
                MatterState.HANDED_OVER,
                MatterState.ACCEPTED,
            ):
                raise action_refused(f"“{matter.name}”当前为{matter.state_name}，不能提交联审决定")
            if item.matter in self._jointly_decided:
                raise action_refused(f"“{matter.name}”已由集中联审作出决定")
