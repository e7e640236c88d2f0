"""The matter clock's handlers, which MatterWorkflow inherits: the department suspends and
resumes the clock and grants the one extension; ops asks for a provisional deadline again."""

from typing import Any

from temporalio import workflow

with workflow.unsafe.imports_passed_through():
    from domain.actions import ExtendDeadline, ResumeClock, SuspendClock
    from domain.actors import SYSTEM_ACTOR
    from domain.clock import (
        PAUSE_REASON_NAMES,
        UNIT_NAMES,
        ClockPause,
        Extension,
        MatterClock,
        PauseReason,
    )
    from domain.deadline_explanation import CLOCK_STATE
    from domain.ledger import LedgerEvent, Recipient
    from domain.matter import MatterSnapshot
    from workflows import clock
    from workflows.guards import (
        action_refused,
        require_matter_action,
    )
    from workflows.hosts import MatterHost
    from workflows.one_at_a_time import one_at_a_time
    from workflows.patches import patched

# Days counted while a year had no published holidays are counted again when it lands;
# before, a paused matter was skipped and those days stayed as first counted.
RECOUNT_PATCH = "recount-provisional-days"
# The ledger entry that sets a date says how it was reached: the clock's state goes to the
# ledger activity, which explains it against the calendar.
EXPLAINED_PATCH = "deadline-explained-in-ledger"


class MatterClockHandlers(MatterHost):
    """Uses MatterWorkflow's ``_matter``, ``_input``, ``_clock_lock``, ``_changed``, ``_notice``."""

    @workflow.update
    @one_at_a_time
    async def suspend_clock(self, action: SuspendClock) -> MatterSnapshot:
        matter_clock = self._matter.clock
        assert matter_clock is not None
        reason = PauseReason(action.reason)
        async with self._clock_lock:
            await clock.pause(matter_clock, reason, action.note, action.actor)
        await self._changed(
            LedgerEvent.CLOCK_SUSPENDED,
            action.actor,
            f"“{self._matter.name}”进入{PAUSE_REASON_NAMES[reason]}程序，暂停计时"
            f"（已用{matter_clock.days_used}{UNIT_NAMES[matter_clock.unit]}）",
            {"reason": reason.value, "note": action.note, **self._clock_details()},
        )
        return self._matter

    @suspend_clock.validator
    def _validate_suspend_clock(self, action: SuspendClock) -> None:
        require_matter_action(self._matter, action.actor, "suspend_clock")
        self._require_clock("暂停计时")
        if self._matter.clock and self._matter.clock.paused:
            raise action_refused("办理时限已在暂停中")

    @workflow.update
    @one_at_a_time
    async def resume_clock(self, action: ResumeClock) -> MatterSnapshot:
        matter_clock = self._matter.clock
        assert matter_clock is not None
        department_pause = _department_pause(matter_clock)
        async with self._clock_lock:
            await clock.resume(matter_clock, department_pause.reason if department_pause else None)
        await self._changed(
            LedgerEvent.CLOCK_RESUMED,
            action.actor,
            f"“{self._matter.name}”恢复计时，{matter_clock.describe_due()}",
            {"note": action.note, **self._clock_details()},
        )
        return self._matter

    @resume_clock.validator
    def _validate_resume_clock(self, action: ResumeClock) -> None:
        require_matter_action(self._matter, action.actor, "resume_clock")
        paused = _department_pause(self._matter.clock) if self._matter.clock else None
        if paused is None:
            raise action_refused("没有由部门暂停的计时（补正期间的计时随补正材料提交恢复）")

    @workflow.update
    @one_at_a_time
    async def extend_deadline(self, action: ExtendDeadline) -> MatterSnapshot:
        matter_clock = self._matter.clock
        assert matter_clock is not None
        extension = Extension(
            days=action.days,
            reason=action.reason,
            explanation=action.explanation,
            granted_by=action.actor.id,
            granted_at=workflow.now(),
        )
        async with self._clock_lock:
            await clock.extend(matter_clock, extension)
        summary = (
            f"{self._matter.department_name}经负责人批准延长“{self._matter.name}”"
            f"{action.days}{UNIT_NAMES[matter_clock.unit]}：{action.reason}；"
            f"{matter_clock.describe_due()}"
        )
        await self._changed(
            LedgerEvent.DEADLINE_EXTENDED,
            action.actor,
            summary,
            {**extension.model_dump(mode="json"), **self._clock_details()},
            notices=[
                self._notice(Recipient.AGENT, f"{summary}。请向企业说明：{action.explanation}"),
                self._notice(Recipient.ENTERPRISE, f"{summary}。{action.explanation}"),
            ],
        )
        return self._matter

    @extend_deadline.validator
    def _validate_extend_deadline(self, action: ExtendDeadline) -> None:
        require_matter_action(self._matter, action.actor, "extend_deadline")
        self._require_clock("延长办理期限")
        allowed = self._input.matter.definition.extension_days
        if self._matter.clock and self._matter.clock.extension is not None:
            raise action_refused("办理期限只能延长一次（行政许可法第四十二条）")
        due = self._matter.clock.due_on if self._matter.clock else None
        if due is not None and clock.business_today() > due:
            # §42 extends a period that is still running; a late decision is overdue,
            # not extended.
            raise action_refused(
                f"办理期限已于{due.isoformat()}届满，不能再延长"
                "（行政许可法第四十二条：延长须在期限内经负责人批准）"
            )
        if action.days > allowed:
            raise action_refused(
                f"“{self._matter.name}”最多可延长{allowed}日"
                if allowed
                else f"“{self._matter.name}”的办理期限不能延长"
            )

    @workflow.signal
    async def recompute_deadline(self) -> None:
        """Ops: a year's holidays were published; reckon a provisional deadline again."""
        matter_clock = self._matter.clock
        if self._matter.state.is_final or matter_clock is None:
            return
        if matter_clock.provisional_runs and patched(RECOUNT_PATCH):
            await self._recount_days_used(matter_clock)
            return
        if matter_clock.paused is not None or not matter_clock.provisional:
            return
        before = matter_clock.due_on
        async with self._clock_lock:
            await clock.replan(matter_clock)
        await self._changed(
            LedgerEvent.DEADLINE_RECOMPUTED,
            SYSTEM_ACTOR,
            f"节假日安排公布后重算“{self._matter.name}”期限：{before} → {matter_clock.due_on}",
            {"before": str(before), **self._clock_details()},
            occurrence=f"{before}",
        )

    async def _recount_days_used(self, matter_clock: MatterClock) -> None:
        """Days counted before the year's file landed are counted again; a running clock
        is then planned again from the corrected days (a paused one when it resumes)."""
        before_used, before_due = matter_clock.days_used, matter_clock.due_on
        async with self._clock_lock:
            await clock.recount(matter_clock)
            if matter_clock.paused is None:
                await clock.replan(matter_clock)
        due = (
            f"，期限{before_due} → {matter_clock.due_on}"
            if matter_clock.paused is None
            else "（计时暂停中，恢复后按更正后的天数计算）"
        )
        await self._changed(
            LedgerEvent.DEADLINE_RECOMPUTED,
            SYSTEM_ACTOR,
            f"节假日安排公布后重算“{self._matter.name}”已用天数：{before_used} → "
            f"{matter_clock.days_used}{due}",
            {"days_used_before": before_used, "before": str(before_due), **self._clock_details()},
            occurrence=f"recount-{before_used}-{before_due}",
        )

    def _require_clock(self, action: str) -> None:
        if self._matter.clock is None:
            raise action_refused(
                f"“{self._matter.name}”没有办理时限（即办或受理早于计时功能上线），不能{action}"
            )

    def _clock_details(self) -> dict:
        matter_clock = self._matter.clock
        if matter_clock is None:
            return {}
        details: dict[str, Any] = {
            "due_on": str(matter_clock.due_on) if matter_clock.due_on else None,
            "days_used": matter_clock.days_used,
            "limit_days": matter_clock.limit_days,
            "unit": matter_clock.unit.value,
            "provisional_years": matter_clock.provisional_years,
        }
        if patched(EXPLAINED_PATCH):
            details[CLOCK_STATE] = matter_clock.model_dump(mode="json")
        return details


def _department_pause(matter_clock: MatterClock) -> ClockPause | None:
    """The open §45 pause (hearing, testing, expert review) the department may end: not a
    补正's, which ends with the resubmission, even when the 补正 came during it."""
    return next(
        (p for p in reversed(matter_clock.open_pauses) if p.reason is not PauseReason.CORRECTION),
        None,
    )
