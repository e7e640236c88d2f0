"""The case's own provisional due dates, reckoned again when a year's holidays are
published: the feedback report's and the 差评 follow-up's (a matter's deadline is its own
workflow's, workflows/matter_clock.py). The waits on them follow (workflows/due_dates.py)."""

from temporalio import workflow

with workflow.unsafe.imports_passed_through():
    from domain.actors import SYSTEM_ACTOR
    from domain.clock import BUSINESS_ZONE
    from domain.follow_up import CALLBACK_DAYS, REMEDY_DAYS
    from domain.ledger import LedgerEvent
    from workflows.clock import working_days_after
    from workflows.hosts import CaseHost
    from workflows.patches import patched

# Before it, the case's due dates stayed as first reckoned, and the report's overdue could
# sound a day early in a year whose holidays were published after the draft.
RECOMPUTE_PATCH = "recompute-case-due-dates"


class CaseDueDates(CaseHost):
    """Uses CaseWorkflow's ``_status``, ``_input`` and ``_record``."""

    @workflow.signal
    async def recompute_deadlines(self) -> None:
        """Ops: a year's holidays were published; reckon provisional due dates again."""
        if not patched(RECOMPUTE_PATCH):
            return
        report = self._status.feedback_report
        # An overdue that already sounded stays in the record; only a running wait moves.
        if (
            report is not None
            and report.provisional_years
            and report.filed_at is None is report.overdue_at
        ):
            drafted = report.drafted_at.astimezone(BUSINESS_ZONE).date()
            before = report.due_on
            plan = await working_days_after(drafted, self._input.feedback_report_days)
            report.due_on, report.provisional_years = plan.due_on, plan.provisional_years
            await self._record(
                LedgerEvent.DEADLINE_RECOMPUTED,
                SYSTEM_ACTOR,
                f"节假日安排公布后重算评价反馈报告报送期限：{before} → {plan.due_on}",
                {"before": str(before), "due_on": str(plan.due_on), "of": "feedback_report"},
                occurrence=f"report-{before}",
            )
        follow_up = self._status.follow_up
        if follow_up is not None and follow_up.provisional_years and not follow_up.closed:
            opened = follow_up.opened_at.astimezone(BUSINESS_ZONE).date()
            dates = (follow_up.callback_due_on, follow_up.remedy_due_on)
            callback = await working_days_after(opened, CALLBACK_DAYS)
            remedy = await working_days_after(opened, REMEDY_DAYS)
            if "callback" not in follow_up.overdue_steps and follow_up.callback_at is None:
                follow_up.callback_due_on = callback.due_on
            if "remedy" not in follow_up.overdue_steps and follow_up.remedy_at is None:
                follow_up.remedy_due_on = remedy.due_on
            follow_up.provisional_years = sorted(
                set(callback.provisional_years) | set(remedy.provisional_years)
            )
            after = (follow_up.callback_due_on, follow_up.remedy_due_on)
            await self._record(
                LedgerEvent.DEADLINE_RECOMPUTED,
                SYSTEM_ACTOR,
                f"节假日安排公布后重算差评整改期限：回访{dates[0]} → {after[0]}，"
                f"整改{dates[1]} → {after[1]}",
                {
                    "before": [str(d) for d in dates],
                    "due_on": [str(d) for d in after],
                    "of": "follow_up",
                },
                occurrence=f"follow-up-{dates[1]}",
            )
