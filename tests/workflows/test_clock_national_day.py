"""A case accepted on Monday 28 September 2026: the National Day week and its make-up Saturday.

This module's Temporal test server starts its clock at that morning (tests/support/servers.py).
"""

from collections.abc import AsyncIterator
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from temporalio.testing import WorkflowEnvironment

from domain.clock import BUSINESS_ZONE
from tests.support.driver import BOLE_MARKET, MATTERS, CaseDriver, department
from tests.support.histories import record_if_asked

MONDAY_BEFORE_NATIONAL_DAY = datetime(2026, 9, 28, 9, 0, tzinfo=BUSINESS_ZONE)


@pytest.fixture
async def env(tmp_path: Path) -> AsyncIterator[WorkflowEnvironment]:
    from tests.support.servers import start_test_server

    environment = await start_test_server(MONDAY_BEFORE_NATIONAL_DAY, tmp_path)
    yield environment
    await environment.shutdown()


async def test_deadlines_cross_national_day_and_a_correction_moves_them(
    driver: CaseDriver, env: WorkflowEnvironment
) -> None:
    assert (await env.get_current_time()).astimezone(BUSINESS_ZONE).date().isoformat() == (
        "2026-09-28"
    )
    case_id = await driver.open()
    await driver.accept(case_id)
    await driver.plan(case_id)
    await driver.wait_for_matter(case_id, "enterprise-registration", "handed_over")
    await driver.wait_for_matter(case_id, "land-preexamination", "handed_over")

    registration = await driver.department_act(case_id, "enterprise-registration", "acceptance", {})
    clock = registration["clock"]
    assert clock["started_on"] == "2026-09-28"
    # 3 working days after Monday: Tue 29, Wed 30 September, then Thursday 8 October.
    assert clock["due_on"] == "2026-10-08"
    assert clock["provisional_years"] == []

    land = await driver.department_act(case_id, "land-preexamination", "acceptance", {})
    # 20 working days count Saturday 10 October (调休); without it the due date is 2 November.
    assert land["clock"]["due_on"] == "2026-10-30"
    assert land["clock"]["warn_on"] == "2026-10-26"  # the 16th working day: 80 %

    # The inbox lists the department's tasks by due date.
    inbox = (
        await driver.http.get(f"/departments/{BOLE_MARKET}/inbox", headers=department(BOLE_MARKET))
    ).json()
    assert [(t["matter"], t["due_on"]) for t in inbox["items"]] == [
        ("enterprise-registration", "2026-10-08")
    ]

    # 补正 on the acceptance day: nothing used yet; the clock stops over the holiday.
    paused = await driver.department_act(
        case_id, "enterprise-registration", "correction-request", {"items": ["公司章程签字页"]}
    )
    assert paused["clock"]["due_on"] is None
    assert paused["clock"]["days_used"] == 0
    assert paused["clock"]["pauses"][0]["reason"] == "correction"

    await env.sleep(timedelta(days=11))  # the enterprise answers on Friday 9 October
    resumed = await driver.post(
        f"/cases/{case_id}/matters/enterprise-registration/resubmission",
        {"materials": ["公司章程签字页"]},
    )
    # Resumption day not counted: Saturday 10 (调休), Monday 12, Tuesday 13 October.
    assert resumed["clock"]["counting_from"] == "2026-10-09"
    assert resumed["clock"]["due_on"] == "2026-10-13"
    assert resumed["clock"]["pauses"][0]["resumed_at"] is not None

    entries = await driver.ledger(case_id)
    resubmitted = next(e for e in entries if e["event"] == "materials_resubmitted")
    assert resubmitted["details"]["due_on"] == "2026-10-13"
    assert "恢复计时" in resubmitted["summary"]


async def _sleep_to(env: WorkflowEnvironment, day: str) -> None:
    moment = datetime.fromisoformat(f"{day}T09:30:00").replace(tzinfo=BUSINESS_ZONE)
    await env.sleep(moment - await env.get_current_time())


async def test_a_correction_during_an_expert_review_counts_no_day_twice(
    driver: CaseDriver, env: WorkflowEnvironment
) -> None:
    """§45: accepted 9/28, suspended for expert review 9/30 (2 working days used), 补正
    10/9 during it, review over 10/10, resubmitted 10/12: still 2 used, due 11/5 (it
    showed 6 used and due 10/30)."""
    case_id = await driver.open()
    await driver.accept(case_id)
    await driver.plan(case_id)
    land = "land-preexamination"
    await driver.wait_for_matter(case_id, land, "handed_over")
    await driver.department_act(case_id, land, "acceptance", {})
    await _sleep_to(env, "2026-09-30")
    suspended = await driver.department_act(
        case_id, land, "clock-suspension", {"reason": "expert_review", "note": "专家评审"}
    )
    assert suspended["clock"]["days_used"] == 2
    await _sleep_to(env, "2026-10-09")
    corrected = await driver.department_act(
        case_id, land, "correction-request", {"items": ["用地红线图"]}
    )
    assert corrected["clock"]["days_used"] == 2
    await _sleep_to(env, "2026-10-10")
    reviewed = await driver.department_act(case_id, land, "clock-resumption", {})
    assert reviewed["clock"]["due_on"] is None  # the 补正 still holds the clock
    await _sleep_to(env, "2026-10-12")
    resumed = await driver.post(
        f"/cases/{case_id}/matters/{land}/resubmission", {"materials": ["用地红线图（修正）"]}
    )
    assert resumed["clock"]["days_used"] == 2
    assert resumed["clock"]["due_on"] == "2026-11-05"
    await record_if_asked(env.client, "correction_during_expert_review", case_id, MATTERS)


async def test_a_decision_during_a_suspension_ends_it(
    driver: CaseDriver, env: WorkflowEnvironment
) -> None:
    case_id = await driver.open()
    await driver.accept(case_id)
    await driver.plan(case_id)
    land = "land-preexamination"
    await driver.wait_for_matter(case_id, land, "handed_over")
    await driver.department_act(case_id, land, "acceptance", {})
    await driver.department_act(case_id, land, "clock-suspension", {"reason": "testing"})
    approved = await driver.department_act(
        case_id, land, "approval", {"result_reference": "博自然资预〔2026〕9号"}
    )
    assert all(p["resumed_at"] for p in approved["clock"]["pauses"])
    await record_if_asked(env.client, "decision_during_suspension", case_id, MATTERS)
