"""容缺受理 handlers, which MatterWorkflow inherits: accept with non-essential items missing,
hold the result until they are supplied, end the matter if they are not in time."""

from temporalio import workflow

with workflow.unsafe.imports_passed_through():
    from domain.actions import AcceptMatter, SupplyDeferred
    from domain.actors import SYSTEM_ACTOR
    from domain.ledger import LedgerEvent, Recipient
    from domain.matter import Deferral, MatterSnapshot, MatterState
    from workflows.guards import action_refused, missing_items, require_matter_action
    from workflows.hosts import MatterHost
    from workflows.one_at_a_time import one_at_a_time

DEFERRAL_PATCH = "acceptance-with-deficiency"  # 容缺受理: a timer for the supply date


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
        if self._matter.state is MatterState.RESULT_HELD:
            self._matter.state = MatterState.APPROVED
            summary += (
                f"，{self._matter.department_name}出具办理结果{self._matter.result_reference}"
            )
        await self._changed(
            LedgerEvent.DEFERRED_MATERIALS_SUPPLIED,
            action.actor,
            summary,
            {"materials": action.materials, "note": action.note},
        )
        return self._matter

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
