"""The matter's alarms, which MatterWorkflow inherits: it keeps time between actions and
sounds the early warning, overdue and an unacknowledged hand-over, each once."""

import asyncio
from datetime import datetime, timedelta

from temporalio import workflow

with workflow.unsafe.imports_passed_through():
    from domain.actors import SYSTEM_ACTOR
    from domain.ledger import LedgerEvent, Recipient
    from domain.matter import (
        MatterState,
    )
    from workflows import clock
    from workflows.hosts import MatterHost
    from workflows.patches import patched

HAND_OFF_PATCH = "hand-off-acknowledgement"  # a timer for an unaccepted hand-over
STEADY_TIMER_PATCH = "alarm-timer-kept-across-actions"  # earlier runs re-armed on every change


class MatterAlarms(MatterHost):
    """Uses MatterWorkflow's ``_matter``, ``_input``, ``_changed`` and ``_notice``."""

    async def _keep_time(self) -> None:
        """Until decided, sound the early warning and then overdue, each exactly once.

        Matters accepted before the clock existed have none and only wait for a decision.
        The timer for the next alarm is kept while an action leaves that alarm where it was,
        so an ordinary action costs no cancelled timer and no new one.
        """
        if not patched(STEADY_TIMER_PATCH):
            await self._keep_time_rearming()
            return
        armed: tuple[str, datetime] | None = None
        timer: asyncio.Task[None] | None = None
        while not self._matter.state.is_final:
            alarm = self._next_alarm()
            if alarm != armed:
                if timer is not None:
                    timer.cancel()
                timer = None if alarm is None else asyncio.create_task(_sleep_until(alarm[1]))
                armed = alarm

            def woken(v: int = self._matter.version, t: asyncio.Task | None = timer) -> bool:
                rang = t is not None and t.done()
                return self._matter.state.is_final or self._matter.version != v or rang

            await workflow.wait_condition(woken)
            if timer is not None and timer.done() and armed is not None:
                rang, timer, armed = armed, None, None
                if self._next_alarm() == rang:  # an action at the same moment may have moved it
                    await self._sound(rang[0])
        if timer is not None:
            timer.cancel()

    async def _keep_time_rearming(self) -> None:
        """As histories before ``STEADY_TIMER_PATCH`` ran: a new timer after every change."""
        while not self._matter.state.is_final:
            version = self._matter.version
            alarm = self._next_alarm()
            timeout = None
            if alarm is not None:
                timeout = max(alarm[1] - workflow.now(), timedelta(seconds=1))

            def changed(v: int = version) -> bool:
                return self._matter.state.is_final or self._matter.version != v

            try:
                await workflow.wait_condition(
                    changed,
                    timeout=timeout,
                )
            except TimeoutError:
                assert alarm is not None
                await self._sound(alarm[0])

    def _next_alarm(self) -> tuple[str, datetime] | None:
        alarms = []
        hours, handed_over_at = self._input.hand_off_ack_hours, self._matter.handed_over_at
        if (
            hours is not None
            and handed_over_at is not None
            and self._matter.state is MatterState.HANDED_OVER
            and self._matter.hand_off_stalled_at is None
            and self._matter.hand_off_acknowledged_at is None
            and patched(HAND_OFF_PATCH)
        ):
            alarms.append(("hand_off_unacknowledged", handed_over_at + timedelta(hours=hours)))
        if self._matter.state in (MatterState.ACCEPTED, MatterState.CORRECTION_REQUESTED):
            alarm = clock.next_alarm(self._matter.clock)
            if alarm is not None:
                alarms.append(alarm)
        if (deemed := self._deemed_acceptance_alarm()) is not None:
            alarms.append(deemed)
        deferral = self._matter.deferral
        if deferral is not None and deferral.supplied_at is None:
            alarms.append(
                ("deferral_lapsed", clock.start_of(deferral.supply_by + timedelta(days=1)))
            )
        return min((a for a in alarms if a is not None), key=lambda a: a[1], default=None)

    async def _sound(self, alarm: str) -> None:
        if alarm == "deemed_accepted":
            await self._accept_as_deemed()
            return
        if alarm == "deferral_lapsed":
            await self._terminate_for_deferral()
            return
        if alarm == "hand_off_unacknowledged":
            self._matter.hand_off_stalled_at = workflow.now()
            what = "签收跨县市移交的" if self._matter.cross_county else "受理"
            summary = (
                f"{self._matter.department_name}{self._input.hand_off_ack_hours}小时内"
                f"未{what}“{self._matter.name}”，部门衔接不畅"
            )
            await self._changed(
                LedgerEvent.HAND_OFF_UNACKNOWLEDGED,
                SYSTEM_ACTOR,
                summary,
                {"hours": self._input.hand_off_ack_hours},
                notices=[self._notice(r, summary) for r in (Recipient.DEPARTMENT, Recipient.AGENT)],
            )
            return
        matter_clock = self._matter.clock
        assert matter_clock is not None and matter_clock.due_on is not None
        due = matter_clock.due_on.isoformat()
        if alarm == "warning":
            matter_clock.warned_at = workflow.now()
            event = LedgerEvent.DEADLINE_WARNING
            summary = (
                f"“{self._matter.name}”已用时限{matter_clock.warning_share:.0%}，将于{due}到期"
            )
            recipients = [Recipient.DEPARTMENT, Recipient.AGENT]
        else:
            matter_clock.overdue_at = workflow.now()
            event = LedgerEvent.DEADLINE_OVERDUE
            summary = f"“{self._matter.name}”已超过办理期限{due}，报请分管领导督办"
            recipients = [Recipient.DEPARTMENT, Recipient.AGENT, Recipient.LEADER]
        await self._changed(
            event,
            SYSTEM_ACTOR,
            summary,
            {"due_on": due, "days_used_before_run": matter_clock.days_used},
            notices=[self._notice(recipient, summary) for recipient in recipients],
        )


async def _sleep_until(moment: datetime) -> None:
    await asyncio.sleep(max(moment - workflow.now(), timedelta(seconds=1)).total_seconds())
