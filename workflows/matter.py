"""MatterWorkflow: one approval matter at its department, from hand-over to decision."""

from temporalio import workflow

with workflow.unsafe.imports_passed_through():
    from domain.actions import (
        AcceptMatter,
        ApproveMatter,
        RefuseMatter,
        RequestCorrection,
        Resubmission,
        WithdrawMatter,
    )
    from domain.actors import Actor, Role
    from domain.ledger import LedgerEvent
    from domain.matter import CorrectionRound, MatterInput, MatterSnapshot, MatterState
    from workflows.guards import require_department, require_matter_state, require_role
    from workflows.recording import record

MATTER_CHANGED_SIGNAL = "matter_changed"
UNDER_REVIEW = (MatterState.HANDED_OVER, MatterState.ACCEPTED)


@workflow.defn
class MatterWorkflow:
    @workflow.init
    def __init__(self, matter_input: MatterInput) -> None:
        self._input = matter_input
        definition, department = matter_input.matter.definition, matter_input.matter.department
        self._matter = MatterSnapshot(
            code=definition.code,
            name=definition.name,
            department=department.code,
            department_name=department.name,
            depends_on=definition.depends_on,
            materials=matter_input.materials,
            planned_finish=matter_input.planned_finish,
            version=1,
        )
        self._handed_over = False

    @workflow.run
    async def run(self, matter_input: MatterInput) -> MatterSnapshot:
        self._matter.state = MatterState.HANDED_OVER
        self._matter.handed_over_at = workflow.now()
        await self._changed(
            LedgerEvent.MATERIALS_HANDED_OVER,
            matter_input.handed_over_by,
            f"向{self._matter.department_name}移交“{self._matter.name}”申请材料",
            {"materials": self._matter.materials},
        )
        self._handed_over = True
        await workflow.wait_condition(lambda: self._matter.state.is_final)
        await workflow.wait_condition(workflow.all_handlers_finished)
        return self._matter

    @workflow.query
    def snapshot(self) -> MatterSnapshot:
        return self._matter

    @workflow.update
    async def accept(self, action: AcceptMatter) -> MatterSnapshot:
        await self._hand_over_recorded()
        self._matter.state = MatterState.ACCEPTED
        self._matter.accepted_at = workflow.now()
        await self._changed(
            LedgerEvent.MATTER_ACCEPTED,
            action.actor,
            f"{self._matter.department_name}受理“{self._matter.name}”",
            {"note": action.note},
        )
        return self._matter

    @accept.validator
    def _validate_accept(self, action: AcceptMatter) -> None:
        require_department(self._matter, action.actor)
        require_matter_state(self._matter, "受理", MatterState.HANDED_OVER)

    @workflow.update
    async def request_correction(self, action: RequestCorrection) -> MatterSnapshot:
        await self._hand_over_recorded()
        self._matter.state = MatterState.CORRECTION_REQUESTED
        self._matter.corrections.append(
            CorrectionRound(
                requested_at=workflow.now(), requested_by=action.actor.id, items=action.items
            )
        )
        await self._changed(
            LedgerEvent.CORRECTION_REQUESTED,
            action.actor,
            f"{self._matter.department_name}要求补正：" + "、".join(action.items),
            {"items": action.items, "note": action.note, "round": len(self._matter.corrections)},
        )
        return self._matter

    @request_correction.validator
    def _validate_request_correction(self, action: RequestCorrection) -> None:
        require_department(self._matter, action.actor)
        require_matter_state(self._matter, "要求补正", *UNDER_REVIEW)

    @workflow.update
    async def resubmit(self, action: Resubmission) -> MatterSnapshot:
        correction = self._matter.corrections[-1]
        correction.resubmitted_at = workflow.now()
        correction.materials = action.materials
        self._matter.state = (
            MatterState.ACCEPTED if self._matter.accepted_at else MatterState.HANDED_OVER
        )
        await self._changed(
            LedgerEvent.MATERIALS_RESUBMITTED,
            action.actor,
            f"代办专员向{self._matter.department_name}提交补正材料：" + "、".join(action.materials),
            {
                "materials": action.materials,
                "note": action.note,
                "round": len(self._matter.corrections),
            },
        )
        return self._matter

    @resubmit.validator
    def _validate_resubmit(self, action: Resubmission) -> None:
        require_role(action.actor, Role.COORDINATOR)
        require_matter_state(self._matter, "提交补正材料", MatterState.CORRECTION_REQUESTED)

    @workflow.update
    async def approve(self, action: ApproveMatter) -> MatterSnapshot:
        self._decide(MatterState.APPROVED, action.actor)
        self._matter.result_reference = action.result_reference
        await self._changed(
            LedgerEvent.MATTER_APPROVED,
            action.actor,
            f"{self._matter.department_name}办结“{self._matter.name}”，"
            f"文号{action.result_reference}",
            {"result_reference": action.result_reference, "note": action.note},
        )
        return self._matter

    @approve.validator
    def _validate_approve(self, action: ApproveMatter) -> None:
        require_department(self._matter, action.actor)
        require_matter_state(self._matter, "办结", MatterState.ACCEPTED)

    @workflow.update
    async def refuse(self, action: RefuseMatter) -> MatterSnapshot:
        await self._hand_over_recorded()
        self._decide(MatterState.REFUSED, action.actor)
        self._matter.refusal_reason = action.reason
        await self._changed(
            LedgerEvent.MATTER_REFUSED,
            action.actor,
            f"{self._matter.department_name}对“{self._matter.name}”不予许可：{action.reason}",
            {"reason": action.reason},
        )
        return self._matter

    @refuse.validator
    def _validate_refuse(self, action: RefuseMatter) -> None:
        require_department(self._matter, action.actor)
        require_matter_state(self._matter, "作出不予许可决定", *UNDER_REVIEW)

    @workflow.signal
    async def withdraw(self, action: WithdrawMatter) -> None:
        """The case was terminated: stop, and say so in the ledger."""
        if self._matter.state.is_final:
            return
        self._decide(MatterState.WITHDRAWN, action.actor)
        await self._changed(
            LedgerEvent.MATTER_WITHDRAWN,
            action.actor,
            f"案件终止，撤回“{self._matter.name}”：{action.reason}",
            {"reason": action.reason},
        )

    async def _hand_over_recorded(self) -> None:
        """Keep the ledger in order: no decision is written before the hand-over entry."""
        await workflow.wait_condition(lambda: self._handed_over)

    def _decide(self, state: MatterState, actor: Actor) -> None:
        self._matter.state = state
        self._matter.decided_at = workflow.now()
        self._matter.decided_by = actor.id

    async def _changed(self, event: LedgerEvent, actor: Actor, summary: str, details: dict) -> None:
        """Write the ledger entry and projection row, then tell the case.

        In that order: the case reacts to the change (starts a dependent matter, closes
        processing), and its own entries must come after the one that caused them.
        """
        self._matter.version += 1
        snapshot = self._matter.model_copy(deep=True)
        await record(
            event,
            case_id=self._input.case_id,
            actor=actor,
            summary=summary,
            details=details,
            matter=self._matter.code,
            matters=[snapshot],
        )
        parent = workflow.info().parent
        if parent is not None:
            await workflow.get_external_workflow_handle(parent.workflow_id).signal(
                MATTER_CHANGED_SIGNAL, snapshot
            )
