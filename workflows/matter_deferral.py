"""容缺受理 handlers, which MatterWorkflow inherits: accept with non-essential items missing,
hold the result until they are supplied, end the matter if they are not in time."""

from temporalio import workflow

with workflow.unsafe.imports_passed_through():
    from domain.actions import AcceptMatter, ConfirmDeferred, SupplyDeferred
    from domain.actors import SYSTEM_ACTOR
    from domain.ledger import LedgerEvent, Recipient
    from domain.matter import Deferral, MatterSnapshot, MatterState
    from workflows.guards import action_refused, missing_items, require_matter_action
    from workflows.hosts import MatterHost
    from workflows.one_at_a_time import one_at_a_time
    from workflows.patches import patched

DEFERRAL_PATCH = "acceptance-with-deficiency"  # 容缺受理: a timer for the supply date
# The department confirms the supplied items before a held result is issued; before this,
# the agent's supply released it at once.
CONFIRMATION_PATCH = "deferred-materials-confirmed"


class DeferralHandlers(MatterHost):
    """Uses MatterWorkflow's ``_matter``, ``_changed``, ``_notice``, ``_decide``."""

    def _defer(self, action: AcceptMatter) -> str:
        """容缺受理: the supply date may not pass the promised limit, or nothing is accepted."""
        assert action.supply_by is not None
        due = self._matter.clock.due_on if self._matter.clock else None
        if due is None or action.supply_by > due:
            self._matter.state, self._matter.accepted_at, self._matter.clock = (
                MatterState.HANDED_OVER,
                None,
                None,
            )
            raise action_refused(f"容缺材料补齐期限{action.supply_by}不得晚于承诺办理期限{due}")
        self._matter.deferral = Deferral(items=action.deferred_items, supply_by=action.supply_by)
        return f"；容缺受理，暂缺{'、'.join(action.deferred_items)}，须于{action.supply_by}前补齐"

    @workflow.update
    @one_at_a_time
    async def supply_deferred(self, action: SupplyDeferred) -> MatterSnapshot:
        deferral = self._matter.deferral
        assert deferral is not None
        deferral.supplied_at = workflow.now()
        deferral.supplied_materials = action.materials
        summary = f"代办专员补齐容缺材料：{'、'.join(action.materials)}"
        notices = []
        if patched(CONFIRMATION_PATCH):
            deferral.needs_confirmation = True
            summary += f"，待{self._matter.department_name}确认"
            notices = [self._notice(Recipient.DEPARTMENT, summary)]
        elif self._matter.state is MatterState.RESULT_HELD:
            self._matter.state = MatterState.APPROVED
            summary += (
                f"，{self._matter.department_name}出具办理结果{self._matter.result_reference}"
            )
        await self._changed(
            LedgerEvent.DEFERRED_MATERIALS_SUPPLIED,
            action.actor,
            summary,
            {"materials": action.materials, "note": action.note},
            notices=notices,
        )
        return self._matter

    @workflow.update
    @one_at_a_time
    async def confirm_deferred(self, action: ConfirmDeferred) -> MatterSnapshot:
        """The department checks what was supplied: confirmed, a held result is issued;
        returned, the agent supplies again before the same date or the matter ends."""
        deferral = self._matter.deferral
        assert deferral is not None
        materials = "、".join(deferral.supplied_materials)
        if not action.confirmed:
            deferral.supplied_at, deferral.supplied_materials = None, []
            deferral.returned.append(action.reason)
            summary = (
                f"{self._matter.department_name}退回容缺材料（{materials}）：{action.reason}；"
                f"须于{deferral.supply_by}前重新补齐"
            )
            await self._changed(
                LedgerEvent.DEFERRED_MATERIALS_RETURNED,
                action.actor,
                summary,
                {"reason": action.reason, "note": action.note},
                notices=[self._notice(r, summary) for r in (Recipient.AGENT, Recipient.ENTERPRISE)],
            )
            return self._matter
        deferral.confirmed_at, deferral.confirmed_by = workflow.now(), action.actor.id
        summary = f"{self._matter.department_name}确认容缺材料已补齐：{materials}"
        if self._matter.state is MatterState.RESULT_HELD:
            self._matter.state = MatterState.APPROVED
            summary += f"，出具办理结果{self._matter.result_reference}"
        await self._changed(
            LedgerEvent.DEFERRED_MATERIALS_CONFIRMED,
            action.actor,
            summary,
            {"materials": deferral.supplied_materials, "note": action.note},
            notices=[self._notice(r, summary) for r in (Recipient.AGENT, Recipient.ENTERPRISE)],
        )
        return self._matter

    @confirm_deferred.validator
    def _validate_confirm_deferred(self, action: ConfirmDeferred) -> None:
        require_matter_action(self._matter, action.actor, "confirm_deferred")

    @supply_deferred.validator
    def _validate_supply_deferred(self, action: SupplyDeferred) -> None:
        require_matter_action(self._matter, action.actor, "supply_deferred")
        deferral = self._matter.deferral
        if deferral is not None:
            # Any material used to release a result held for another (营业执照复印件 for
            # 节能评估报告专家意见): only the deferred items themselves release it.
            missing = missing_items(deferral.items, action.materials)
            if missing:
                raise action_refused(
                    "容缺材料须补齐受理时暂缺的各项，尚未提交：" + "、".join(missing)
                )

    async def _terminate_for_deferral(self) -> None:
        deferral = self._matter.deferral
        assert deferral is not None
        self._decide(MatterState.TERMINATED, SYSTEM_ACTOR)
        reason = f"容缺材料（{'、'.join(deferral.items)}）逾期未补齐（期限{deferral.supply_by}）"
        self._matter.refusal_reason = reason
        summary = f"“{self._matter.name}”终止办理：{reason}"
        await self._changed(
            LedgerEvent.MATTER_TERMINATED,
            SYSTEM_ACTOR,
            summary,
            {"reason": reason, "supply_by": deferral.supply_by.isoformat()},
            notices=[
                self._notice(recipient, summary)
                for recipient in (Recipient.DEPARTMENT, Recipient.AGENT, Recipient.ENTERPRISE)
            ],
        )
