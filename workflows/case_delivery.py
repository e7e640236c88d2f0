"""办结送达, which CaseWorkflow inherits: the agent delivers every matter's result to the
enterprise, and the enterprise signs for them (the case then awaits its rating)."""

from temporalio import workflow

with workflow.unsafe.imports_passed_through():
    from domain.actions import Delivery, Receipt
    from domain.case import CaseActionDone, CaseStage, DeliveryRecord
    from domain.ledger import LedgerEvent, Recipient
    from workflows.clock import business_today
    from workflows.guards import paper_note, require_case_action, require_paper_record
    from workflows.hosts import CaseHost
    from workflows.one_at_a_time import one_at_a_time


class DeliveryHandlers(CaseHost):
    """Uses CaseWorkflow's ``_status``, ``_record`` and ``_set_stage``."""

    @workflow.update
    @one_at_a_time
    async def deliver(self, delivery: Delivery) -> CaseActionDone:
        results = {
            m.code: m.result_reference or m.refusal_reason or m.state_name
            for m in self._status.matters
        }
        self._status.delivery = DeliveryRecord(
            delivery=delivery, results=results, delivered_at=workflow.now()
        )
        details = {"results": results, "method": delivery.method, "note": delivery.note}
        documents = {
            m.code: [d.model_dump(mode="json") for d in m.result_documents]
            for m in self._status.matters
            if m.result_documents
        }
        if documents:  # the files delivered with the results (the receipt lists them)
            details["result_documents"] = documents
        await self._record(
            LedgerEvent.RESULTS_DELIVERED,
            delivery.actor,
            f"办理结果送达企业（{delivery.method}）",
            details,
            notices=self._told(
                (Recipient.ENTERPRISE, "办理结果已送达，请签收审批结果和退还的原始材料")
            ),
        )
        return CaseActionDone.of(self._status)

    @deliver.validator
    def _validate_deliver(self, delivery: Delivery) -> None:
        require_case_action(self._status, delivery.actor, "deliver")

    @workflow.update
    @one_at_a_time
    async def sign_receipt(self, receipt: Receipt) -> CaseActionDone:
        assert self._status.delivery is not None
        self._status.delivery.receipt = receipt
        self._status.delivery.signed_at = workflow.now()
        self._set_stage(CaseStage.EVALUATION)
        await self._record(
            LedgerEvent.RECEIPT_SIGNED,
            receipt.actor,
            f"{receipt.signed_by}签收办理结果及原始材料"
            + paper_note(receipt.actor, receipt.paper_dated, "签收单"),
            receipt.model_dump(mode="json", exclude={"actor"}),
            notices=self._told(
                (Recipient.ENTERPRISE, "请对本次帮办代办服务作出评价（好差评），评价由您自主作出")
            ),
        )
        return CaseActionDone.of(self._status)

    @sign_receipt.validator
    def _validate_sign_receipt(self, receipt: Receipt) -> None:
        require_case_action(self._status, receipt.actor, "sign_receipt")
        require_paper_record(receipt.actor, receipt.paper_dated, "签收单", business_today())
