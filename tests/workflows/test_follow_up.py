"""差评 follow-up: a late call-back escalated once, the remedy, one more rating, then archive."""

from datetime import datetime, time, timedelta

import pytest
from temporalio.client import Client
from temporalio.testing import WorkflowEnvironment

from domain.catalogue import TimeUnit
from domain.clock import BUSINESS_ZONE
from policies.working_calendar import WorkingCalendar
from tests.support.driver import COORDINATOR, ENTERPRISE, CaseDriver
from tests.support.histories import record_if_asked
from tests.support.polling import eventually
from workflows.case import CaseWorkflow

pytestmark = pytest.mark.own_clock  # these tests move the clock: a server each
WD = TimeUnit.WORKING_DAYS


async def _evaluated(driver: CaseDriver, level: str) -> str:
    case_id = await driver.registration_only_case_at_delivery()
    await driver.deliver_and_evaluate(
        case_id, level, efficiency=1, quality=2, problem_solving=1, comments="太慢"
    )
    return case_id


async def test_a_bad_rating_is_called_back_remedied_and_rated_again(
    driver: CaseDriver, env: WorkflowEnvironment, client: Client
) -> None:
    case_id = await _evaluated(driver, "非常不满意")
    status = await driver.wait_for(
        case_id,
        lambda s: s["follow_up"] and s["follow_up"]["remedy_due_on"],
        "the follow-up deadlines",
    )
    today = (await env.get_current_time()).astimezone(BUSINESS_ZONE).date()
    calendar = WorkingCalendar()
    callback_due = calendar.add(today, 1, WD).value
    assert status["follow_up"]["callback_due_on"] == callback_due.isoformat()
    assert status["follow_up"]["remedy_due_on"] == calendar.add(today, 15, WD).value.isoformat()

    response = await driver.http.post(
        f"/cases/{case_id}/follow-up/remedy", json={"measures": "x"}, headers=COORDINATOR
    )
    assert response.status_code == 409 and "请先回访" in response.json()["error"]["message"]

    late = datetime.combine(callback_due + timedelta(days=1), time(9), tzinfo=BUSINESS_ZONE)
    await env.sleep(late - await env.get_current_time())

    async def overdue_events() -> list[str]:
        events = [e["event"] for e in await driver.ledger(case_id)]
        return events if "follow_up_overdue" in events else []

    events = await eventually(overdue_events, "follow_up_overdue in the ledger")
    assert events.count("follow_up_overdue") == 1

    await driver.post(f"/cases/{case_id}/follow-up/callback", {"note": "企业反映登记排队时间长"})
    await driver.post(f"/cases/{case_id}/follow-up/remedy", {"measures": "增设代办预约窗口"})
    response = await driver.http.post(
        f"/cases/{case_id}/follow-up/rating", json={"level": "满意"}, headers=COORDINATOR
    )
    assert response.status_code == 409  # only the enterprise rates
    await driver.post(f"/cases/{case_id}/follow-up/rating", {"level": "满意"}, headers=ENTERPRISE)
    await driver.file_feedback_report(case_id)
    final = await client.get_workflow_handle_for(CaseWorkflow.run, case_id).result()
    assert final.stage == "archived"
    assert final.follow_up is not None and final.follow_up.overdue_steps == ["callback"]
    await record_if_asked(client, "bad_rating_follow_up", case_id, ["enterprise-registration"])

    events = [e["event"] for e in await driver.ledger(case_id)]
    assert events.count("follow_up_overdue") == 1  # the remedy was on time
    assert events.index("follow_up_rated") < events.index("case_archived")


async def test_a_good_rating_opens_no_follow_up(driver: CaseDriver) -> None:
    case_id = await _evaluated(driver, "基本满意")
    status = await driver.file_feedback_report(case_id)
    assert status["follow_up"] is None
    response = await driver.http.post(
        f"/cases/{case_id}/follow-up/callback", json={"note": "x"}, headers=COORDINATOR
    )
    assert response.status_code == 409
