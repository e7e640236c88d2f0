"""MatterWorkflow: one approval matter at its department, from hand-over to decision."""

import asyncio
from datetime import date, timedelta

from temporalio import workflow

with workflow.unsafe.imports_passed_through():
    from domain.actions import (
        AcceptMatter,
        AcknowledgeHandOff,
        ApproveMatter,
        RefuseMatter,
    )
    from domain.actors import Actor
    from domain.clock import UNIT_NAMES
    from domain.document_refs import documents_detail
    from domain.fees import fee_problem
    from domain.ledger import LedgerEvent, Notice, Recipient
    from domain.matter import (
        MatterInput,
        MatterSnapshot,
        MatterState,
    )
    from domain.permitted import UNDER_REVIEW
    from workflows import clock, patches
    from workflows.guards import (
        action_refused,
        refuse_if,
        require_department,
        require_matter_action,
        require_matter_state,
    )
    from workflows.matter_alarms import MatterAlarms
    from workflows.matter_case_decisions import CaseDecisions
    from workflows.matter_clock import MatterClockHandlers
    from workflows.matter_corrections import CorrectionHandlers
    from workflows.matter_deemed import DEEMED_ACCEPTANCE_PATCH, DeemedAcceptance
    from workflows.matter_deferral import DEFERRAL_PATCH, DeferralHandlers
    from workflows.matter_telling import CaseTelling, Told
    from workflows.one_at_a_time import one_at_a_time
    from workflows.patches import patched
    from workflows.recording import NOTICES_PATCH, record

# A cross-county acceptance without a 签收 records the 签收 too.
ACCEPTANCE_SIGNS_PATCH = "acceptance-signs-cross-county-hand-off"


@workflow.defn
class MatterWorkflow(
    MatterAlarms,
    MatterClockHandlers,
    DeferralHandlers,
    DeemedAcceptance,
    CaseDecisions,
    CaseTelling,
    CorrectionHandlers,
):
    @workflow.init
    def __init__(self, matter_input: MatterInput) -> None:
        patches.begin(self)  # first: every patch below may ask it
        self._input = matter_input
        definition, department = matter_input.matter.definition, matter_input.matter.department
        self._matter = MatterSnapshot(
            code=definition.code,
            name=definition.name,
            department=department.code,
            department_name=department.name,
            county=department.county,
            depends_on=definition.depends_on,
            materials=matter_input.materials,
            planned_finish=matter_input.planned_finish,
            cross_county=matter_input.matter.cross_county,
            version=1,
        )
        self._handed_over = False
        self._clock_lock = asyncio.Lock()  # clock moves await activities: one at a time
        self._turn = asyncio.Lock()  # human actions one at a time (workflows/one_at_a_time.py)
        self._deemed_accepted_after: date | None = None  # §32: the last day to accept or ask
        self._told_case: list[Told] = []  # signals to the case, oldest first

    @workflow.run
    async def run(self, matter_input: MatterInput) -> MatterSnapshot:
        self._matter.state = MatterState.HANDED_OVER
        self._matter.handed_over_at = workflow.now()
        if matter_input.hand_off_ack_hours is not None:  # the work list shows the 24 hours
            hours = timedelta(hours=matter_input.hand_off_ack_hours)
            self._matter.hand_off_due_at = self._matter.handed_over_at + hours
        await self._hand_over(matter_input)
        self._handed_over = True
        if patched(DEEMED_ACCEPTANCE_PATCH):
            self._deemed_accepted_after = await self._deemed_acceptance_day()
        await self._keep_time()
        await workflow.wait_condition(workflow.all_handlers_finished)
        await self._case_told_everything()
        return self._matter

    async def _hand_over(self, matter_input: MatterInput) -> None:
        """Hand the materials to the department; a cross-county one is told, with its county
        government, that the task now waits in its inbox for a 签收."""
        route = self._matter.cross_county
        if route is None:
            await self._changed(
                LedgerEvent.MATERIALS_HANDED_OVER,
                matter_input.handed_over_by,
                f"向{self._matter.department_name}移交“{self._matter.name}”申请材料",
                {"materials": self._matter.materials},
            )
            return
        summary = (
            f"{route.lead_committee}将“{self._matter.name}”跨县市移交{route.project_county}"
            f"{self._matter.department_name.removeprefix(route.project_county)}协助办理，"
            f"待签收（{self._input.hand_off_ack_hours or 24}小时内）"
        )
        await self._changed(
            LedgerEvent.CROSS_COUNTY_HANDED_OFF,
            matter_input.handed_over_by,
            summary,
            {"materials": self._matter.materials, "route": route.model_dump()},
            notices=[
                self._notice(Recipient.DEPARTMENT, summary),
                Notice(
                    recipient=Recipient.COUNTY_GOVERNMENT,
                    address=route.project_county,
                    message=summary,
                ),
            ],
        )

    @workflow.query
    def snapshot(self) -> MatterSnapshot:
        return self._matter

    @workflow.update
    @one_at_a_time
    async def acknowledge_hand_off(self, action: AcknowledgeHandOff) -> MatterSnapshot:
        await self._hand_over_recorded()
        self._matter.hand_off_acknowledged_at = workflow.now()
        route = self._matter.cross_county
        assert route is not None
        await self._changed(
            LedgerEvent.HAND_OFF_ACKNOWLEDGED,
            action.actor,
            f"{self._matter.department_name}签收{route.lead_committee}跨县市移交的"
            f"“{self._matter.name}”（签收人{action.received_by}）",
            {"received_by": action.received_by, "note": action.note},
        )
        return self._matter

    @acknowledge_hand_off.validator
    def _validate_acknowledge_hand_off(self, action: AcknowledgeHandOff) -> None:
        require_matter_action(self._matter, action.actor, "acknowledge_hand_off")

    @workflow.update
    @one_at_a_time
    async def accept(self, action: AcceptMatter) -> MatterSnapshot:
        await self._hand_over_recorded()
        self._matter.state = MatterState.ACCEPTED
        self._matter.accepted_at = workflow.now()
        summary = f"{self._matter.department_name}受理“{self._matter.name}”"
        details: dict = {"note": action.note}
        if action.documents:
            self._matter.accepted_documents = action.documents
            summary += f"（受理材料{len(action.documents)}份，版本见明细）"
            details.update(documents_detail("documents", action.documents))
        route = self._matter.cross_county
        unsigned = route is not None and self._matter.hand_off_acknowledged_at is None
        if unsigned and patched(ACCEPTANCE_SIGNS_PATCH):
            # A cross-county matter accepted before its 签收: the acceptance is the 签收.
            self._matter.hand_off_acknowledged_at = workflow.now()
            summary += "（受理即签收跨县市移交）"
            details["hand_off_acknowledged"] = True
        if patched(clock.CLOCK_PATCH):
            definition = self._input.matter.definition
            async with self._clock_lock:
                self._matter.clock = await clock.start(definition, self._input.matter.warning_share)
            if self._matter.clock is not None:
                limit = f"{self._matter.clock.limit_days}{UNIT_NAMES[self._matter.clock.unit]}"
                summary += f"，时限{limit}，{self._matter.clock.describe_due()}"
                details["clock"] = self._clock_details()
        if action.deferred_items and patched(DEFERRAL_PATCH):
            summary += self._defer(action)
            assert self._matter.deferral is not None  # _defer just set it
            details["deferral"] = self._matter.deferral.model_dump(mode="json")
        await self._changed(LedgerEvent.MATTER_ACCEPTED, action.actor, summary, details)
        return self._matter

    @accept.validator
    def _validate_accept(self, action: AcceptMatter) -> None:
        require_matter_action(self._matter, action.actor, "accept")
        if action.supply_by is not None:
            if not self._input.matter.definition.deferral_allowed:
                raise action_refused(f"“{self._matter.name}”不适用容缺受理")
            if self._input.matter.definition.limit_days is None:
                raise action_refused(f"“{self._matter.name}”为即办事项，不适用容缺受理")
            if action.supply_by <= clock.business_today():
                raise action_refused("容缺材料补齐期限应晚于受理当日")

    @workflow.update
    @one_at_a_time
    async def approve(self, action: ApproveMatter) -> MatterSnapshot:
        await self._hand_over_recorded()  # a decision on commitment can come at once
        deferral = self._matter.deferral
        held = deferral is not None and not deferral.settled
        self._decide(MatterState.RESULT_HELD if held else MatterState.APPROVED, action.actor)
        self._matter.result_reference = action.result_reference
        self._matter.result_documents = action.results
        route = self._matter.cross_county
        returned = f"，结果回传{route.lead_committee}" if route else ""
        fees = "、".join(f"{fee.item}{fee.amount_yuan}元" for fee in action.fees)
        on_commitment = (
            f"（告知承诺制：凭书面承诺{action.commitment}当场作出决定，事后核查）"
            if action.commitment
            else ""
        )
        await self._changed(
            LedgerEvent.MATTER_APPROVED,
            action.actor,
            f"{self._matter.department_name}办结“{self._matter.name}”，"
            f"文号{action.result_reference}"
            + ("（容缺材料补齐后出具结果）" if held else "")
            + on_commitment
            + returned
            + (f"；法定费用由申请人自行缴纳：{fees}" if fees else ""),
            {
                "result_reference": action.result_reference,
                "note": action.note,
                **documents_detail("results", action.results),
                **({"returned_to": route.lead_committee} if route else {}),
                **({"commitment": action.commitment} if action.commitment else {}),
                **(
                    {"fees_paid_by_applicant": [f.model_dump(mode="json") for f in action.fees]}
                    if action.fees
                    else {}
                ),
            },
        )
        return self._matter

    @approve.validator
    def _validate_approve(self, action: ApproveMatter) -> None:
        for fee in action.fees:
            refuse_if(fee_problem(fee.item))
        if action.commitment is None:
            require_matter_action(self._matter, action.actor, "approve")
            return
        require_department(self._matter, action.actor)
        if not self._input.matter.definition.commitment_allowed:
            raise action_refused(f"“{self._matter.name}”不适用告知承诺制")
        require_matter_state(self._matter, "凭承诺办结", *UNDER_REVIEW)

    @workflow.update
    @one_at_a_time
    async def refuse(self, action: RefuseMatter) -> MatterSnapshot:
        await self._hand_over_recorded()
        self._decide(MatterState.REFUSED, action.actor)
        self._matter.refusal_reason = action.reason
        await self._changed(
            LedgerEvent.MATTER_REFUSED,
            action.actor,
            f"{self._matter.department_name}对“{self._matter.name}”不予许可：{action.reason}",
            {"reason": action.reason},
            notices=self._told(
                *(
                    (recipient, f"“{self._matter.name}”不予许可：{action.reason}")
                    for recipient in (Recipient.AGENT, Recipient.ENTERPRISE)
                )
            ),
        )
        return self._matter

    @refuse.validator
    def _validate_refuse(self, action: RefuseMatter) -> None:
        require_matter_action(self._matter, action.actor, "refuse")

    def _notice(self, recipient: Recipient, message: str) -> Notice:
        address = {
            Recipient.DEPARTMENT: self._matter.department,
            Recipient.AGENT: self._input.handed_over_by.id,
            Recipient.ENTERPRISE: self._input.case_id,
            Recipient.LEADER: self._input.park or self._input.case_id,
        }[recipient]
        return Notice(recipient=recipient, address=address, message=message)

    def _told(self, *messages: tuple[Recipient, str]) -> list[Notice]:
        """These notices, in a workflow that tells every role (``NOTICES_PATCH``)."""
        if not patched(NOTICES_PATCH):
            return []
        return [self._notice(recipient, message) for recipient, message in messages]

    async def _hand_over_recorded(self) -> None:
        """Keep the ledger in order: no decision is written before the hand-over entry."""
        await workflow.wait_condition(lambda: self._handed_over)

    def _decide(self, state: MatterState, actor: Actor) -> None:
        clock.stop_pauses(self._matter.clock)
        self._matter.state = state
        self._matter.decided_at = workflow.now()
        self._matter.decided_by = actor.id

    async def _changed(
        self,
        event: LedgerEvent,
        actor: Actor,
        summary: str,
        details: dict,
        notices: list[Notice] | None = None,
        occurrence: str | None = None,
    ) -> None:
        """Write the ledger entry and projection row, then tell the case.

        In that order: the case reacts to the change (starts a dependent matter, closes
        processing), and its own entries must come after the one that caused them.
        """
        self._matter.version += 1
        snapshot = self._matter.model_copy(deep=True)
        level = self._input.team_levels.get(actor.id)
        if level is not None:  # 三包一: whose level acted
            details = {**details, "agent_level": level}
        await record(
            event,
            case_id=self._input.case_id,
            actor=actor,
            summary=summary,
            details=details,
            matter=self._matter.code,
            matters=[snapshot],
            notices=notices or [],
            occurrence=occurrence,
        )
        await self._tell_case(snapshot)
