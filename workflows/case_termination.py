"""终止委托, which CaseWorkflow inherits: the applicant ends the entrustment; each matter
still open is withdrawn (its department is told), and the ones never started stop."""

from temporalio import workflow

with workflow.unsafe.imports_passed_through():
    from domain.actions import Termination, WithdrawMatter
    from domain.case import CaseActionDone, CaseStage, TerminationRecord
    from domain.ledger import LedgerEvent, Recipient
    from domain.matter import MatterState
    from workflows.guards import require_case_action
    from workflows.hosts import CaseHost
    from workflows.matter import MatterWorkflow
    from workflows.one_at_a_time import one_at_a_time


class TerminationHandlers(CaseHost):
    """Uses CaseWorkflow's ``_status``, ``_children``, ``_starting``, ``_record``, ``_told``,
    ``_close`` and ``_stop_unstarted``."""

    @workflow.update
    @one_at_a_time
    async def terminate(self, termination: Termination) -> CaseActionDone:
        await self._application_received()
        self._status.termination = TerminationRecord(
            termination=termination,
            stage_at_termination=self._status.stage,
            terminated_at=workflow.now(),
        )
        self._close(CaseStage.TERMINATED)
        withdrawal = WithdrawMatter(actor=termination.actor, reason=termination.reason)
        for code, child in self._children.items():
            if not self._matter(code).state.is_final:
                await child.signal(MatterWorkflow.withdraw, withdrawal)
        unstarted = [
            m
            for m in self._status.matters
            if m.state is MatterState.WAITING and m.code not in self._starting
        ]
        for matter in unstarted:
            self._stop_unstarted(matter, MatterState.WITHDRAWN)
        await self._record(
            LedgerEvent.CASE_TERMINATED,
            termination.actor,
            f"终止委托：{termination.reason}",
            termination.model_dump(mode="json", exclude={"actor"}),
            matters=unstarted,
            notices=self._told((Recipient.ENTERPRISE, f"代办委托已终止：{termination.reason}")),
        )
        return CaseActionDone.of(self._status)

    @terminate.validator
    def _validate_terminate(self, termination: Termination) -> None:
        require_case_action(self._status, termination.actor, "terminate")
