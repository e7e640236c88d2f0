"""The 5-working-day feedback report, as handlers the CaseWorkflow inherits.

After the evaluation the case drafts the report from the ledger, gives the agent the pack's
working days (博州: 5) to file it with the county government, and escalates once if not.
The case is archived when the report is filed.
"""

from datetime import timedelta

from temporalio import workflow
from temporalio.common import RetryPolicy

with workflow.unsafe.imports_passed_through():
    from activities.names import DRAFT_FEEDBACK_REPORT
    from domain.actors import SYSTEM_ACTOR
    from domain.case import CaseActionDone, CaseStatus
    from domain.ledger import LedgerEvent, Notice, Recipient
    from domain.report import (
        REPORT_PLACEHOLDER,
        FeedbackFiling,
        FeedbackReport,
        ReportDraftRequest,
    )
    from workflows.clock import business_today, working_days_after
    from workflows.due_dates import wait_until_due
    from workflows.guards import action_refused, require_case_action
    from workflows.hosts import CaseHost
    from workflows.one_at_a_time import one_at_a_time

REPORT_PATCH = "feedback-report"
QUICK_TIMEOUT = timedelta(seconds=30)


class FeedbackReportHandlers(CaseHost):
    """Mixed into CaseWorkflow; uses its ``_status``, ``_input``, ``_record``, ``_agent_id``."""

    async def _report_feedback(self) -> None:
        status: CaseStatus = self._status
        days = self._input.feedback_report_days
        case_input = self._input
        cross_county = status.cross_county and bool(case_input.oversight_body)
        # A cross-county case reports to the prefecture's special team, a local one to its
        # county government (博州 五.(五)1-2).
        recipient = case_input.oversight_body if cross_county else f"{case_input.county}人民政府"
        plan = await working_days_after(business_today(), days)
        draft: str = await workflow.execute_activity(
            DRAFT_FEEDBACK_REPORT,
            ReportDraftRequest(
                case_id=status.case_id, recipient=recipient, cross_county=cross_county
            ),
            result_type=str,
            start_to_close_timeout=QUICK_TIMEOUT,
            retry_policy=RetryPolicy(),
        )
        report = FeedbackReport(
            recipient=recipient,
            due_on=plan.due_on,
            provisional_years=plan.provisional_years,
            draft=draft,
            drafted_at=workflow.now(),
        )
        status.feedback_report = report
        summary = f"评价反馈报告草稿已生成，须于{plan.due_on}前（{days}个工作日内）报送{recipient}"
        await self._record(
            LedgerEvent.FEEDBACK_REPORT_DRAFTED,
            SYSTEM_ACTOR,
            summary,
            report.model_dump(mode="json", include={"recipient", "due_on", "provisional_years"}),
            notices=[Notice(recipient=Recipient.AGENT, address=self._agent_id(), message=summary)],
        )
        if not await wait_until_due(lambda: report.filed_at is not None, lambda: report.due_on):
            report.overdue_at = workflow.now()
            summary = f"评价反馈报告逾期未报送{recipient}（期限{report.due_on}），报请分管领导督办"
            await self._record(
                LedgerEvent.FEEDBACK_REPORT_OVERDUE,
                SYSTEM_ACTOR,
                summary,
                {"due_on": report.due_on.isoformat()},
                notices=[
                    Notice(recipient=Recipient.LEADER, address=status.park, message=summary),
                    Notice(recipient=Recipient.AGENT, address=self._agent_id(), message=summary),
                ],
            )
            await workflow.wait_condition(lambda: report.filed_at is not None)

    @workflow.update
    @one_at_a_time
    async def file_feedback_report(self, filing: FeedbackFiling) -> CaseActionDone:
        status: CaseStatus = self._status
        report = status.feedback_report
        assert report is not None
        report.filed_text = filing.text
        report.filed_reference = filing.reference
        report.filed_by = filing.actor.id
        report.filed_at = workflow.now()
        late = "（逾期）" if report.overdue_at else ""
        await self._record(
            LedgerEvent.FEEDBACK_REPORT_FILED,
            filing.actor,
            f"评价反馈报告已报送{report.recipient}{late}，{filing.reference}",
            filing.model_dump(mode="json", exclude={"actor"}),
            notices=self._told(
                (
                    Recipient.OVERSIGHT,
                    f"跨县市案件{status.case_id}评价反馈报告已报送，{filing.reference}",
                )
            )
            if status.cross_county
            else [],
        )
        return CaseActionDone.of(status)

    @file_feedback_report.validator
    def _validate_file_feedback_report(self, filing: FeedbackFiling) -> None:
        status: CaseStatus = self._status
        require_case_action(status, filing.actor, "file_feedback_report")
        if REPORT_PLACEHOLDER in filing.text:
            raise action_refused("报告中的“改进建议”尚未填写：请替换占位文字后再报送")
