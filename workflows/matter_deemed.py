"""§32 before acceptance, which MatterWorkflow inherits: a department that has the
materials accepts them, or within 5 working days tells the applicant at once every
correction needed; if it does neither, the application counts as accepted from the day
the materials arrived (行政许可法 §32(4)), and the clock runs from that day."""

from datetime import date, datetime, timedelta

from temporalio import workflow

with workflow.unsafe.imports_passed_through():
    from activities.names import PLAN_DEADLINE
    from domain.actors import SYSTEM_ACTOR
    from domain.catalogue import TimeUnit
    from domain.clock import BUSINESS_ZONE, DeadlinePlan, DeadlineRequest
    from domain.ledger import LedgerEvent, Recipient
    from domain.matter import MatterState
    from workflows import clock
    from workflows.hosts import MatterHost

# At hand-over the matter reckons its §32 day; past it, unanswered, it is accepted.
DEEMED_ACCEPTANCE_PATCH = "deemed-acceptance"
ANSWER_WITHIN_WORKING_DAYS = 5


class DeemedAcceptance(MatterHost):
    """Uses MatterWorkflow's ``_matter``, ``_input``, ``_changed``, ``_notice``."""

    async def _deemed_acceptance_day(self) -> date:
        handed_over = self._matter.handed_over_at
        assert handed_over is not None  # the run sets it before the hand-over entry
        plan = await clock.reckon(
            PLAN_DEADLINE,
            DeadlineRequest(
                counting_from=handed_over.astimezone(BUSINESS_ZONE).date(),
                days_left=ANSWER_WITHIN_WORKING_DAYS,
                unit=TimeUnit.WORKING_DAYS,
            ),
            result_type=DeadlinePlan,
        )
        return plan.due_on

    def _deemed_acceptance_alarm(self) -> tuple[str, datetime] | None:
        """Due the day after the §32 day, while the matter is neither accepted nor asked
        to be corrected."""
        after = self._deemed_accepted_after
        if after is None or self._matter.state is not MatterState.HANDED_OVER:
            return None
        if self._matter.corrections:  # the department answered with its one notice
            return None
        return "deemed_accepted", clock.start_of(after + timedelta(days=1))

    async def _accept_as_deemed(self) -> None:
        handed_over = self._matter.handed_over_at
        assert handed_over is not None
        received = handed_over.astimezone(BUSINESS_ZONE).date()
        self._matter.state = MatterState.ACCEPTED
        self._matter.accepted_at = handed_over
        definition = self._input.matter.definition
        async with self._clock_lock:
            self._matter.clock = await clock.start(
                definition, self._input.matter.warning_share, started_on=received
            )
        summary = (
            f"{self._matter.department_name}收到“{self._matter.name}”材料后"
            f"{ANSWER_WITHIN_WORKING_DAYS}个工作日内既未受理也未一次告知补正，"
            f"自收到材料之日（{received.isoformat()}）起视为受理（行政许可法第三十二条）"
        )
        if self._matter.clock is not None:
            summary += f"，{self._matter.clock.describe_due()}"
        await self._changed(
            LedgerEvent.MATTER_ACCEPTED,
            SYSTEM_ACTOR,
            summary,
            {"deemed": True, "received_on": received.isoformat(), **self._clock_details()},
            notices=[
                self._notice(recipient, summary)
                for recipient in (Recipient.DEPARTMENT, Recipient.AGENT)
            ],
        )
