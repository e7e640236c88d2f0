"""A department's acts on one matter, and the agent's answers to it: 签收 of a cross-county
hand-over, 受理 (or finding it deemed accepted, §32), 容缺受理 with the item supplied and
checked, 补正 rounds and their answers, the decision."""

from dataclasses import dataclass
from datetime import datetime, time, timedelta
from typing import TYPE_CHECKING, Any

from temporalio.client import WorkflowHandle

from domain.actions import (
    AcceptMatter,
    AcknowledgeHandOff,
    ApproveMatter,
    ConfirmDeferred,
    RequestCorrection,
    Resubmission,
    SupplyDeferred,
)
from domain.actors import Actor, Role
from domain.catalogue import MatterDefinition
from domain.clock import BUSINESS_ZONE
from domain.matter import MatterState
from simulation.schedule import MatterScript
from simulation.working_time import after_working_days
from workflows.matter import MatterWorkflow

if TYPE_CHECKING:  # the case's run hands its matters over and hears of their decisions
    from simulation.case_acts import CaseRun

DEFERRED_ITEM = "容缺材料"


@dataclass
class MatterRun:
    case: "CaseRun"
    department: str
    script: MatterScript
    round: int = 0
    pending: bool = False  # 容缺 items not yet confirmed
    approved: bool = False

    @property
    def clerk(self) -> Actor:
        return Actor(
            id=f"clerk.{self.department}", role=Role.DEPARTMENT, department=self.department
        )

    @property
    def handle(self) -> WorkflowHandle:
        return self.case.people.client.get_workflow_handle(
            f"{self.case.handle.id}/{self.script.code}"
        )

    def start(self, now: datetime, cross_county: bool) -> None:
        hours = self.case.case.hand_off_ack_hours
        if hours is not None:  # the notice of a hand-over left unaccepted reaches the agent
            self.case.at(now + timedelta(hours=hours, minutes=30), self._read_notices)
        if cross_county:
            self.case.after(now, self.script.acknowledge_after, self.acknowledge)
        else:
            self.case.after(now, self.script.accept_after, self.accept)

    async def _read_notices(self, now: datetime) -> None:
        await self.case.watch()

    async def acknowledge(self, now: datetime) -> None:
        ack = AcknowledgeHandOff(received_by="部门收件人", actor=self.clerk)
        await self.case._update(self.handle, MatterWorkflow.acknowledge_hand_off, ack)
        self.case.after(now, self.script.accept_after, self.accept)

    async def accept(self, now: datetime) -> None:
        # §32: a department that neither accepts nor asks for 补正 in time is deemed to have
        # accepted; its clock already runs, and the person goes on from there.
        snapshot = await self.handle.query(MatterWorkflow.snapshot)
        if snapshot.state is MatterState.HANDED_OVER:
            accept = AcceptMatter(actor=self.clerk, **self._deferral(now))
            await self.case._update(self.handle, MatterWorkflow.accept, accept)
        self._next(now)

    def _deferral(self, now: datetime) -> dict[str, Any]:
        """容缺受理 for a drawn matter with a time limit, where its pack allows it: the item
        is promised for the day the agent will supply it (never after the matter's own due
        date, which bounds it: a later supply is made on that day), and the supply and its
        check are scheduled."""
        definition = self._definition()
        limit = definition.counted_limit_days
        if not (self.script.deferred and limit and definition.deferral_allowed):
            return {}
        self.pending = True
        calendar = self.case.people.calendar
        # the due date as the clock activity reckons it, on the arm's calendar
        accepted_on = now.astimezone(BUSINESS_ZONE).date()
        due = calendar.add(accepted_on, limit, definition.limit_unit).value
        supply_at = after_working_days(now, self.script.supply_after, calendar.is_working_day)
        if supply_at.astimezone(BUSINESS_ZONE).date() >= due:
            supply_at = datetime.combine(due, time(10), tzinfo=BUSINESS_ZONE)
        supply_by = min(due, supply_at.astimezone(BUSINESS_ZONE).date() + timedelta(days=1))
        self.case.at(supply_at, self.supply)
        return {"deferred_items": [DEFERRED_ITEM], "supply_by": supply_by}

    def _definition(self) -> MatterDefinition:
        return next(
            m.definition for m in self.case.case.matters if m.definition.code == self.script.code
        )

    async def supply(self, now: datetime) -> None:
        supplied = SupplyDeferred(materials=[DEFERRED_ITEM], actor=self.case.agent)
        await self.case._update(self.handle, MatterWorkflow.supply_deferred, supplied)
        self.case.after(now, self.script.confirm_after, self.confirm)

    async def confirm(self, now: datetime) -> None:
        confirmed = ConfirmDeferred(actor=self.clerk)
        await self.case._update(self.handle, MatterWorkflow.confirm_deferred, confirmed)
        self.pending = False
        if self.approved:  # the held result is issued now
            await self.case.matter_decided(self.script.code, now)

    def _next(self, now: datetime) -> None:
        if self.round < len(self.script.corrections):
            self.case.after(now, self.script.corrections[self.round].ask_after, self.ask)
        else:
            self.case.after(now, self.script.decide_after, self.approve)

    async def ask(self, now: datetime) -> None:
        correction = RequestCorrection(items=["补正材料"], actor=self.clerk)
        await self.case._update(self.handle, MatterWorkflow.request_correction, correction)
        self.case.after(now, self.script.corrections[self.round].resubmit_after, self.resubmit)

    async def resubmit(self, now: datetime) -> None:
        resubmission = Resubmission(materials=["补正材料"], actor=self.case.agent)
        await self.case._update(self.handle, MatterWorkflow.resubmit, resubmission)
        self.round += 1
        self._next(now)

    async def approve(self, now: datetime) -> None:
        approval = ApproveMatter(result_reference=f"模拟{self.script.code}", actor=self.clerk)
        await self.case._update(self.handle, MatterWorkflow.approve, approval)
        self.approved = True
        if not self.pending:  # else held until the 容缺 items are confirmed
            await self.case.matter_decided(self.script.code, now)
