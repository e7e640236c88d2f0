"""The 5-working-day feedback report: drafted from the ledger, overdue flagged once."""

from datetime import datetime, time, timedelta

import pytest
from temporalio.client import Client
from temporalio.testing import WorkflowEnvironment

from domain.catalogue import TimeUnit
from domain.clock import BUSINESS_ZONE
from policies.working_calendar import WorkingCalendar
from tests.support.driver import COORDINATOR, CaseDriver
from tests.support.histories import record_if_asked
from tests.support.polling import eventually
from workflows.case import CaseWorkflow

pytestmark = pytest.mark.own_clock  # these tests move the clock: a server each

REPORT = {"text": "评价反馈报告", "reference": "博边合管函〔2026〕3号"}


async def test_a_report_not_filed_in_5_working_days_is_overdue_once(
    driver: CaseDriver, env: WorkflowEnvironment, client: Client
) -> None:
    case_id = await driver.registration_only_case_at_delivery()
    response = await driver.http.post(
        f"/cases/{case_id}/feedback-report", json=REPORT, headers=COORDINATOR
    )
    assert response.status_code == 409 and "阶段" in response.json()["error"]["message"]
    await driver.deliver_and_evaluate(case_id, "基本满意")
    status = await driver.wait_for(case_id, lambda s: s["feedback_report"], "the draft")
    evaluated_on = (await env.get_current_time()).astimezone(BUSINESS_ZONE).date()
    due = WorkingCalendar().add(evaluated_on, 5, TimeUnit.WORKING_DAYS).value
    assert status["feedback_report"]["due_on"] == due.isoformat()
    assert "综合评价：基本满意" in status["feedback_report"]["draft"]

    await env.sleep(
        datetime.combine(due, time(23), tzinfo=BUSINESS_ZONE) - await env.get_current_time()
    )
    assert "feedback_report_overdue" not in [e["event"] for e in await driver.ledger(case_id)]
    await env.sleep(timedelta(hours=2))

    async def overdue_entry() -> bool:
        return "feedback_report_overdue" in [e["event"] for e in await driver.ledger(case_id)]

    await eventually(overdue_entry, "feedback_report_overdue in the ledger")
    await env.sleep(timedelta(days=10))
    events = [e["event"] for e in await driver.ledger(case_id)]
    assert events.count("feedback_report_overdue") == 1
    leader = await driver.http.get(
        "/notifications", params={"recipient": "leader", "case_id": case_id}
    )
    assert leader.json()["total"] == 1

    filed = await driver.post(f"/cases/{case_id}/feedback-report", REPORT)
    assert filed["feedback_report"]["overdue_at"] is not None
    final = await client.get_workflow_handle_for(CaseWorkflow.run, case_id).result()
    assert final.stage == "archived"
    await record_if_asked(client, "feedback_report_overdue", case_id, ["enterprise-registration"])
    entries = await driver.ledger(case_id)
    assert "逾期" in next(e for e in entries if e["event"] == "feedback_report_filed")["summary"]
    again = await driver.http.post(
        f"/cases/{case_id}/feedback-report", json=REPORT, headers=COORDINATOR
    )
    assert again.status_code == 409
