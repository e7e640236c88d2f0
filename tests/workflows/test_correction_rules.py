"""一次性告知 and 容缺受理: the rules around what a department may ask for, and when."""

from datetime import datetime, time, timedelta

import pytest
from temporalio.testing import WorkflowEnvironment

from domain.clock import BUSINESS_ZONE
from tests.support.driver import BOLE_LAND, BOLE_MARKET, MATTERS, CaseDriver, department
from tests.support.histories import record_if_asked

pytestmark = pytest.mark.own_clock  # these tests move the clock: a server each


async def _handed_over(driver: CaseDriver) -> str:
    case_id = await driver.open()
    await driver.accept(case_id)
    await driver.plan(case_id)
    await driver.wait_for_matter(case_id, "land-preexamination", "handed_over")
    await driver.wait_for_matter(case_id, "enterprise-registration", "handed_over")
    return case_id


async def _today(env: WorkflowEnvironment):
    return (await env.get_current_time()).astimezone(BUSINESS_ZONE).date()


async def test_a_second_correction_may_only_concern_the_resubmitted_materials(
    driver: CaseDriver,
) -> None:
    case_id = await _handed_over(driver)
    await driver.department_act(case_id, "land-preexamination", "acceptance", {})
    await driver.department_act(
        case_id, "land-preexamination", "correction-request", {"items": ["用地红线图"]}
    )
    await driver.post(
        f"/cases/{case_id}/matters/land-preexamination/resubmission",
        {"materials": ["用地红线图（修正）"]},
    )
    path = f"/departments/{BOLE_LAND}/tasks/{case_id}/land-preexamination/correction-request"
    response = await driver.http.post(
        path,
        json={"items": ["土地权属证明", "用地红线图坐标系错误"]},
        headers=department(BOLE_LAND),
    )
    assert response.status_code == 409
    message = response.json()["error"]["message"]
    assert "一次性告知" in message and "土地权属证明" in message
    assert "坐标系" not in message.split("一并告知")[1]

    second = await driver.department_act(
        case_id, "land-preexamination", "correction-request", {"items": ["用地红线图坐标系错误"]}
    )
    assert len(second["corrections"]) == 2


async def test_acceptance_with_deficiency_holds_the_result_until_supplied(
    driver: CaseDriver, env: WorkflowEnvironment
) -> None:
    case_id = await _handed_over(driver)
    today = await _today(env)
    land = f"/departments/{BOLE_LAND}/tasks/{case_id}/land-preexamination/acceptance"
    too_late = {"deferred_items": ["环评批复"], "supply_by": str(today + timedelta(days=60))}
    response = await driver.http.post(land, json=too_late, headers=department(BOLE_LAND))
    assert response.status_code == 409, response.text
    assert "不得晚于承诺办理期限" in response.json()["error"]["message"]
    half = {"deferred_items": ["环评批复"]}
    response = await driver.http.post(land, json=half, headers=department(BOLE_LAND))
    assert response.status_code == 422

    supply_by = str(today + timedelta(days=3))
    accepted = await driver.department_act(
        case_id,
        "land-preexamination",
        "acceptance",
        {"deferred_items": ["环评批复"], "supply_by": supply_by},
    )
    assert accepted["deferral"]["supply_by"] == supply_by
    held = await driver.department_act(
        case_id, "land-preexamination", "approval", {"result_reference": "博自然资预〔2026〕5号"}
    )
    assert held["state"] == "result_held"
    supplied = await driver.post(
        f"/cases/{case_id}/matters/land-preexamination/deferred-materials",
        {"materials": ["环评批复"]},
    )
    # supplied is not yet confirmed: the department checks the items before the result
    assert supplied["state"] == "result_held"
    assert supplied["deferral"]["needs_confirmation"] is True
    released = await driver.department_act(
        case_id, "land-preexamination", "deferred-materials-confirmation", {}
    )
    assert released["state"] == "approved"
    assert released["deferral"]["confirmed_by"] == f"clerk.{BOLE_LAND}"
    entries = await driver.ledger(case_id)
    confirmed = next(e for e in entries if e["event"] == "deferred_materials_confirmed")
    assert "出具办理结果博自然资预〔2026〕5号" in confirmed["summary"]
    await record_if_asked(env.client, "deferral_confirmed", case_id, MATTERS)


async def test_deferred_items_not_supplied_in_time_end_the_matter(
    driver: CaseDriver, env: WorkflowEnvironment
) -> None:
    case_id = await _handed_over(driver)
    supply_by = await _today(env) + timedelta(days=1)
    await driver.department_act(
        case_id,
        "enterprise-registration",
        "acceptance",
        {"deferred_items": ["股东身份证明"], "supply_by": str(supply_by)},
    )
    lapse = datetime.combine(supply_by + timedelta(days=1), time(1), tzinfo=BUSINESS_ZONE)
    await env.sleep(lapse - await env.get_current_time())
    status = await driver.wait_for_matter(case_id, "enterprise-registration", "terminated")
    # the case blocks the food licence, which needed the registration
    status = await driver.wait_for_matter(case_id, "food-licence", "blocked")
    states = {m["code"]: m["state"] for m in status["matters"]}
    assert states["food-licence"] == "blocked"
    await record_if_asked(env.client, "deferral_lapsed", case_id, MATTERS)
    entries = await driver.ledger(case_id)
    terminated = next(e for e in entries if e["event"] == "matter_terminated")
    assert "逾期未补齐" in terminated["summary"]
    notices = await driver.http.get(
        "/notifications", params={"case_id": case_id, "address": BOLE_MARKET}
    )
    assert notices.json()["total"] >= 1
