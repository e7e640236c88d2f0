"""The 48-hour coordination rule: escalated when nobody coordinates, quiet when someone does."""

from datetime import timedelta

import pytest
from temporalio.testing import WorkflowEnvironment

from tests.support.driver import COORDINATOR, CaseDriver
from tests.support.histories import record_if_asked
from tests.support.polling import eventually

pytestmark = pytest.mark.own_clock  # these tests move the clock: a server each

COORDINATION = {
    "what": "电话协调市场监管局与自然资源局衔接",
    "with_whom": ["博乐市市场监督管理局", "博乐市自然资源局"],
    "outcome": "约定次日完成移交",
}


async def _in_processing(driver: CaseDriver, accept: bool = True) -> str:
    """Both independent matters handed over and (unless told otherwise) accepted, so no
    unacknowledged hand-off raises a problem of its own."""
    case_id = await driver.open()
    await driver.accept(case_id)
    await driver.plan(case_id)
    for matter in ("land-preexamination", "enterprise-registration"):
        await driver.wait_for_matter(case_id, matter, "handed_over")
        if accept:
            await driver.department_act(case_id, matter, "acceptance", {})
    return case_id


async def _events(driver: CaseDriver, case_id: str, event: str, count: int = 1) -> list[dict]:
    async def entries() -> list[dict]:
        found = await driver.ledger(case_id)
        return found if sum(e["event"] == event for e in found) >= count else []

    return await eventually(entries, f"{count} {event} in the ledger")


async def test_a_correction_not_coordinated_in_48_hours_is_escalated_once(
    driver: CaseDriver, env: WorkflowEnvironment
) -> None:
    case_id = await _in_processing(driver)
    await driver.department_act(
        case_id, "land-preexamination", "correction-request", {"items": ["用地红线图"]}
    )
    entries = await _events(driver, case_id, "coordination_due")
    due = next(e for e in entries if e["event"] == "coordination_due")
    assert "48小时内" in due["summary"]

    await env.sleep(timedelta(hours=47))
    assert "coordination_escalated" not in [e["event"] for e in await driver.ledger(case_id)]
    await env.sleep(timedelta(hours=2))
    entries = await _events(driver, case_id, "coordination_escalated")
    await env.sleep(timedelta(days=10))
    entries = await driver.ledger(case_id)
    escalations = [e for e in entries if e["event"] == "coordination_escalated"]
    assert len(escalations) == 1
    assert escalations[0]["actor"]["id"] == "system"
    assert "分管领导" in escalations[0]["summary"]

    leader = await driver.http.get(
        "/notifications", params={"recipient": "leader", "case_id": case_id}
    )
    escalated = [n for n in leader.json()["items"] if n["event"] == "coordination_escalated"]
    assert [n["address"] for n in escalated] == ["bole-jinsanjiao"]

    await record_if_asked(env.client, "coordination_escalated", case_id, ["land-preexamination"])
    late = await driver.post(f"/cases/{case_id}/problems/1/coordination", COORDINATION)
    assert late["escalated_at"] is not None
    recorded = (await _events(driver, case_id, "coordination_recorded"))[-1]
    assert "已超时" in recorded["summary"]


async def test_a_stall_coordinated_in_time_is_not_escalated(
    driver: CaseDriver, env: WorkflowEnvironment
) -> None:
    case_id = await _in_processing(driver)
    reported = await driver.post(
        f"/cases/{case_id}/stall-reports",
        {"matter": "enterprise-registration", "description": "登记机关未回复材料接收"},
        expect=201,
    )
    assert reported["number"] == 1 and reported["kind"] == "stalled_hand_off"
    await _events(driver, case_id, "coordination_due")

    await env.sleep(timedelta(hours=47))
    recorded = await driver.post(f"/cases/{case_id}/problems/1/coordination", COORDINATION)
    assert recorded["coordination"]["recorded_by"] == "li.si"
    await env.sleep(timedelta(days=5))

    events = [e["event"] for e in await driver.ledger(case_id)]
    assert events.count("coordination_recorded") == 1
    assert "coordination_escalated" not in events

    # Recording twice, an unknown problem or resolution, a finished matter: refused.
    for path, body, message in [
        ("/problems/1/coordination", COORDINATION, "已记录协调情况"),
        ("/problems/7/coordination", COORDINATION, "没有编号为7的协调事项"),
        ("/problems/1/resolutions/1/closing", {"outcome": "x"}, "没有第1项议定事项"),
        (
            "/stall-reports",
            {"matter": "water-permit", "description": "x"},
            "没有委托事项water-permit",
        ),
    ]:
        response = await driver.http.post(f"/cases/{case_id}{path}", json=body, headers=COORDINATOR)
        assert response.status_code == 409, response.text
        assert message in response.json()["error"]["message"]


async def test_a_hand_over_not_accepted_in_a_day_opens_a_stalled_hand_off(
    driver: CaseDriver, env: WorkflowEnvironment
) -> None:
    case_id = await _in_processing(driver, accept=False)
    await driver.department_act(case_id, "enterprise-registration", "acceptance", {})
    await env.sleep(timedelta(hours=23))
    assert "hand_off_unacknowledged" not in [e["event"] for e in await driver.ledger(case_id)]
    await env.sleep(timedelta(hours=2))
    entries = await _events(driver, case_id, "coordination_due")
    stalled = next(e for e in entries if e["event"] == "hand_off_unacknowledged")
    assert stalled["matter"] == "land-preexamination" and "24小时内未受理" in stalled["summary"]
    status = await driver.status(case_id)
    assert [(p["kind"], p["matter"]) for p in status["problems"]] == [
        ("stalled_hand_off", "land-preexamination")
    ]
    land = next(m for m in status["matters"] if m["code"] == "land-preexamination")
    assert land["hand_off_stalled_at"] is not None
    # Accepting late does not undo the record; the agent still owes the coordination.
    await driver.department_act(case_id, "land-preexamination", "acceptance", {})
    await driver.post(f"/cases/{case_id}/problems/1/coordination", COORDINATION)
    await env.sleep(timedelta(days=3))
    events = [e["event"] for e in await driver.ledger(case_id)]
    assert events.count("hand_off_unacknowledged") == 1
    assert "coordination_escalated" not in events
    await record_if_asked(env.client, "hand_off_stalled", case_id, ["land-preexamination"])
