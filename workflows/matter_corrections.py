"""The 补正 round, which MatterWorkflow inherits: the department lists every item to correct
at once and the clock pauses; the agent answers every item and the clock runs on."""

from temporalio import workflow

with workflow.unsafe.imports_passed_through():
    from domain.actions import RequestCorrection, Resubmission
    from domain.clock import PauseReason
    from domain.document_refs import documents_detail
    from domain.ledger import LedgerEvent, Recipient
    from domain.matter import CorrectionRound, MatterSnapshot, MatterState
    from workflows import clock
    from workflows.guards import (
        require_every_item_answered,
        require_matter_action,
        require_told_at_once,
    )
    from workflows.hosts import MatterHost
    from workflows.one_at_a_time import one_at_a_time


class CorrectionHandlers(MatterHost):
    """Uses MatterWorkflow's ``_matter``, ``_changed``, ``_told``, ``_clock_details``."""

    @workflow.update
    @one_at_a_time
    async def request_correction(self, action: RequestCorrection) -> MatterSnapshot:
        await self._hand_over_recorded()
        self._matter.state = MatterState.CORRECTION_REQUESTED
        self._matter.corrections.append(
            CorrectionRound(
                requested_at=workflow.now(), requested_by=action.actor.id, items=action.items
            )
        )
        async with self._clock_lock:
            if self._matter.clock is not None:
                await clock.pause(self._matter.clock, PauseReason.CORRECTION, "", action.actor)
        told = f"{self._matter.department_name}要求补正“{self._matter.name}”：" + "、".join(
            action.items
        )
        await self._changed(
            LedgerEvent.CORRECTION_REQUESTED,
            action.actor,
            f"{self._matter.department_name}要求补正："
            + "、".join(action.items)
            + ("（补正期间暂停计时）" if self._matter.clock else ""),
            {
                "items": action.items,
                "note": action.note,
                "round": len(self._matter.corrections),
                **self._clock_details(),
            },
            notices=self._told(
                (Recipient.AGENT, f"{told}。须在48小时内启动协调并一次性补齐"),
                (Recipient.ENTERPRISE, f"{told}。请配合代办专员补齐材料"),
            ),
        )
        return self._matter

    @request_correction.validator
    def _validate_request_correction(self, action: RequestCorrection) -> None:
        require_matter_action(self._matter, action.actor, "request_correction")
        require_told_at_once(self._matter.corrections, action.items)

    @workflow.update
    @one_at_a_time
    async def resubmit(self, action: Resubmission) -> MatterSnapshot:
        correction = self._matter.corrections[-1]
        correction.resubmitted_at = workflow.now()
        correction.materials = action.materials
        correction.documents = action.documents
        self._matter.state = (
            MatterState.ACCEPTED if self._matter.accepted_at else MatterState.HANDED_OVER
        )
        summary = f"代办专员向{self._matter.department_name}提交补正材料：" + "、".join(
            action.materials
        )
        async with self._clock_lock:
            if self._matter.clock is not None and self._matter.clock.paused is not None:
                await clock.resume(self._matter.clock, PauseReason.CORRECTION)
                summary += f"，恢复计时，{self._matter.clock.describe_due()}"
        await self._changed(
            LedgerEvent.MATERIALS_RESUBMITTED,
            action.actor,
            summary,
            {
                "materials": action.materials,
                "note": action.note,
                "round": len(self._matter.corrections),
                **self._clock_details(),
                **documents_detail("documents", action.documents),
            },
        )
        return self._matter

    @resubmit.validator
    def _validate_resubmit(self, action: Resubmission) -> None:
        require_matter_action(self._matter, action.actor, "resubmit")
        if self._matter.corrections:
            require_every_item_answered(self._matter.corrections[-1], action.materials)
