"""差评 follow-up, as handlers the CaseWorkflow inherits: call back within 1 working day,
remedy within 15, one follow-up rating; each step late is escalated once."""

from datetime import date

from temporalio import workflow

with workflow.unsafe.imports_passed_through():
    from domain.actors import SYSTEM_ACTOR, Role
    from domain.case import CaseActionDone, CaseStage, CaseStatus
    from domain.follow_up import (
        CALLBACK_DAYS,
        REMEDY_DAYS,
        Callback,
        FollowUp,
        FollowUpRating,
        Remedy,
    )
    from domain.ledger import LedgerEvent, Notice, Recipient
    from workflows.clock import business_today, working_days_after
    from workflows.due_dates import wait_until_due
    from workflows.guards import action_refused, require_role, require_stage
    from workflows.hosts import CaseHost
    from workflows.one_at_a_time import one_at_a_time

FOLLOW_UP_PATCH = "bad-rating-follow-up"
STEP_NAMES = {"callback": "回访", "remedy": "整改"}


class FollowUpHandlers(CaseHost):
    """Mixed into CaseWorkflow; uses its ``_status``, ``_record``, ``_agent_id``."""

    async def _follow_up(self, follow_up: FollowUp) -> None:
        today = business_today()
        for step, days in (("callback", CALLBACK_DAYS), ("remedy", REMEDY_DAYS)):
            plan = await working_days_after(today, days)
            setattr(follow_up, f"{step}_due_on", plan.due_on)
            years = set(follow_up.provisional_years) | set(plan.provisional_years)
            follow_up.provisional_years = sorted(years)
        provisional = (
            "（暂按工作日推算，待公布节假日安排后重算）" if follow_up.provisional_years else ""
        )
        summary = (
            f"差评（{follow_up.rating_followed.value}）整改：须于{follow_up.callback_due_on}前回访，"
            f"{follow_up.remedy_due_on}前完成整改并请企业再次评价{provisional}"
        )
        await self._record(
            LedgerEvent.FOLLOW_UP_OPENED,
            SYSTEM_ACTOR,
            summary,
            follow_up.model_dump(
                mode="json", include={"callback_due_on", "remedy_due_on", "provisional_years"}
            ),
            notices=[Notice(recipient=Recipient.AGENT, address=self._agent_id(), message=summary)],
        )
        for step in ("callback", "remedy"):

            def recorded(s: str = step) -> bool:
                return getattr(follow_up, f"{s}_at") is not None

            def due_on(s: str = step) -> date:
                due: date = getattr(follow_up, f"{s}_due_on")
                return due

            if not await wait_until_due(recorded, due_on):
                due = due_on()
                follow_up.overdue_steps.append(step)
                late = f"差评{STEP_NAMES[step]}逾期（期限{due}），报请分管领导督办"
                park = self._status.park
                await self._record(
                    LedgerEvent.FOLLOW_UP_OVERDUE,
                    SYSTEM_ACTOR,
                    late,
                    {"step": step, "due_on": due.isoformat()},
                    occurrence=step,
                    notices=[
                        Notice(recipient=Recipient.LEADER, address=park, message=late),
                        Notice(recipient=Recipient.AGENT, address=self._agent_id(), message=late),
                    ],
                )

    def _current_follow_up(self) -> FollowUp | None:
        status: CaseStatus = self._status
        return status.follow_up

    # --- updates ---------------------------------------------------------------------------

    @workflow.update
    @one_at_a_time
    async def record_callback(self, callback: Callback) -> CaseActionDone:
        follow_up = self._current_follow_up()
        assert follow_up is not None
        follow_up.callback, follow_up.callback_at = callback, workflow.now()
        await self._record(
            LedgerEvent.FOLLOW_UP_CALLBACK,
            callback.actor,
            f"差评回访：{callback.note}",
            {"note": callback.note},
        )
        return CaseActionDone.of(self._status)

    @record_callback.validator
    def _validate_record_callback(self, callback: Callback) -> None:
        follow_up = self._require_follow_up(callback.actor)
        if follow_up.callback is not None:
            raise action_refused("已记录回访")

    @workflow.update
    @one_at_a_time
    async def record_remedy(self, remedy: Remedy) -> CaseActionDone:
        follow_up = self._current_follow_up()
        assert follow_up is not None
        follow_up.remedy, follow_up.remedy_at = remedy, workflow.now()
        await self._record(
            LedgerEvent.FOLLOW_UP_REMEDY,
            remedy.actor,
            f"差评整改：{remedy.measures}",
            {"measures": remedy.measures},
        )
        return CaseActionDone.of(self._status)

    @record_remedy.validator
    def _validate_record_remedy(self, remedy: Remedy) -> None:
        follow_up = self._require_follow_up(remedy.actor)
        if follow_up.callback is None:
            raise action_refused("请先回访企业，再记录整改")
        if follow_up.remedy is not None:
            raise action_refused("已记录整改")

    @workflow.update
    @one_at_a_time
    async def rate_follow_up(self, rating: FollowUpRating) -> CaseActionDone:
        follow_up = self._current_follow_up()
        assert follow_up is not None
        follow_up.rating, follow_up.rated_at = rating, workflow.now()
        await self._record(
            LedgerEvent.FOLLOW_UP_RATED,
            rating.actor,
            f"整改后再次评价：{rating.level.value}",
            rating.model_dump(mode="json", exclude={"actor"}),
        )
        return CaseActionDone.of(self._status)

    @rate_follow_up.validator
    def _validate_rate_follow_up(self, rating: FollowUpRating) -> None:
        follow_up = self._require_follow_up(rating.actor, Role.ENTERPRISE)
        if follow_up.remedy is None:
            raise action_refused("整改完成后才能再次评价")
        if follow_up.rating is not None:
            raise action_refused("整改后的评价只有一次")

    def _require_follow_up(self, actor, role: Role = Role.COORDINATOR) -> FollowUp:
        require_role(actor, role)
        require_stage(self._status, "差评整改", CaseStage.EVALUATION)
        follow_up = self._current_follow_up()
        if follow_up is None:
            raise action_refused("本案件没有需要整改的差评")
        return follow_up
