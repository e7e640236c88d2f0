"""Twenty simultaneous clicks on every human action of both workflows take effect once.

Each burst is 20 requests fired together: 10 with their own Idempotency-Key, 10 with none.
Exactly one succeeds, the other 19 are refused (409) on the state the first left, none
is a 5xx, and the ledger holds the action's event once. Before the workflows took human
actions one at a time, up to 10 reviews, 3 acceptances and 9 terminations succeeded.
"""

import asyncio
import uuid
from collections import Counter
from datetime import timedelta
from typing import Any

import httpx
import pytest
from temporalio import workflow
from temporalio.client import Client
from temporalio.testing import WorkflowEnvironment

from domain.clock import BUSINESS_ZONE
from tests.api.test_baotou import handed_over
from tests.support.driver import (
    BOLE_LAND,
    BOLE_MARKET,
    COORDINATOR,
    ENTERPRISE,
    MATTERS,
    CaseDriver,
    plan,
)
from tests.support.histories import record_if_asked
from tests.support.identities import coordinator, department, leader
from workflows.case import CaseWorkflow
from workflows.matter import MatterWorkflow
from workflows.one_at_a_time import MARK

pytestmark = pytest.mark.both_databases  # and on PostgreSQL

BURST = 20
# Every update of both workflows, and the burst below that proves it (by its event).
COVERED = {
    "review": "application_accepted",
    "amend_application": "application_amended",
    "plan": "plan_agreed",
    "accept": "matter_accepted",
    "request_correction": "correction_requested",
    "resubmit": "materials_resubmitted",
    "suspend_clock": "clock_suspended",
    "resume_clock": "clock_resumed",
    "extend_deadline": "deadline_extended",
    "approve": "matter_approved",
    "refuse": "matter_refused",
    "supply_deferred": "deferred_materials_supplied",
    "confirm_deferred": "deferred_materials_confirmed",
    "acknowledge_hand_off": "hand_off_acknowledged",
    "deliver": "results_delivered",
    "sign_receipt": "receipt_signed",
    "evaluate": "case_evaluated",
    "record_callback": "follow_up_callback",
    "record_remedy": "follow_up_remedy",
    "rate_follow_up": "follow_up_rated",
    "file_feedback_report": "feedback_report_filed",
    "terminate": "case_terminated",
    "report_stall": "coordination_due",
    "record_coordination": "coordination_recorded",
    "escalate_problem": "coordination_escalated",
    "answer_escalation": "escalation_answered",
    "close_resolution": "resolution_closed",
    "joint_review": "joint_review_held",
}
FIRED: Counter[str] = Counter()  # requests fired, across the module (the figures in the note)


def _updates(workflow_class: type) -> dict[str, Any]:
    return {
        name: u.fn
        for name, u in workflow._Definition.must_from_class(workflow_class).updates.items()
    }


def test_every_update_of_both_workflows_waits_its_turn_and_is_burst_below() -> None:
    updates = {**_updates(CaseWorkflow), **_updates(MatterWorkflow)}
    assert set(updates) == set(COVERED)
    for workflow_class in (CaseWorkflow, MatterWorkflow):
        for name, handler in _updates(workflow_class).items():
            assert getattr(handler, MARK, False), f"{name} does not take its turn"
            assert callable(getattr(workflow_class, f"_validate_{name}", None)), name


async def _burst(
    http: httpx.AsyncClient,
    path: str,
    body: dict[str, Any],
    headers: dict[str, str],
) -> httpx.Response:
    """Fire the burst; return the one success after checking the rest were refused."""

    def keyed(n: int) -> dict[str, str]:
        return {**headers, "Idempotency-Key": f"burst-{uuid.uuid4().hex}"} if n % 2 else headers

    responses = await asyncio.gather(
        *(http.post(path, json=body, headers=keyed(n)) for n in range(BURST))
    )
    FIRED["requests"] += len(responses)
    codes = Counter(r.status_code for r in responses)
    assert not [c for c in codes if c >= 500], codes
    successes = [r for r in responses if r.status_code < 300]
    assert len(successes) == 1, (path, codes, [r.text for r in responses if r.status_code >= 300])
    assert codes[409] == BURST - 1, codes
    return successes[0]


async def _once(driver: CaseDriver, case_id: str, event: str, matter: str | None = None) -> None:
    entries = [
        e
        for e in await driver.ledger(case_id)
        if e["event"] == event and (matter is None or e["matter"] == matter)
    ]
    assert len(entries) == 1, (event, matter, [e["summary"] for e in entries])


def _task(case_id: str, matter: str, department_code: str, verb: str) -> str:
    return f"/departments/{department_code}/tasks/{case_id}/{matter}/{verb}"


async def test_a_case_from_review_to_archive_takes_each_action_once(
    driver: CaseDriver, client: Client
) -> None:
    http = driver.http
    case_id = await driver.open()
    await _burst(
        http,
        f"/cases/{case_id}/review",
        {"decision": "accept", "materials_received": ["委托书", "营业执照"]},
        COORDINATOR,
    )
    await _once(driver, case_id, "application_accepted")
    await _burst(http, f"/cases/{case_id}/plan", plan(MATTERS), COORDINATOR)
    await _once(driver, case_id, "plan_agreed")

    land, registration = "land-preexamination", "enterprise-registration"
    await driver.wait_for_matter(case_id, land, "handed_over")
    await driver.wait_for_matter(case_id, registration, "handed_over")
    land_staff = department(BOLE_LAND)
    steps: list[tuple[str, dict[str, Any], str]] = [
        ("acceptance", {}, "matter_accepted"),
        ("correction-request", {"items": ["用地红线图"]}, "correction_requested"),
    ]
    for verb, body, event in steps:
        await _burst(http, _task(case_id, land, BOLE_LAND, verb), body, land_staff)
        await _once(driver, case_id, event, land)
    await _burst(
        http,
        f"/cases/{case_id}/matters/{land}/resubmission",
        {"materials": ["用地红线图（修正）"]},
        COORDINATOR,
    )
    await _once(driver, case_id, "materials_resubmitted", land)
    steps = [
        ("clock-suspension", {"reason": "expert_review", "note": "专家评审"}, "clock_suspended"),
        ("clock-resumption", {}, "clock_resumed"),
        (
            "extension",
            {"days": 5, "reason": "情况复杂", "explanation": "需现场踏勘"},
            "deadline_extended",
        ),
        ("refusal", {"reason": "不符合国土空间规划"}, "matter_refused"),
    ]
    for verb, body, event in steps:
        await _burst(http, _task(case_id, land, BOLE_LAND, verb), body, land_staff)
        await _once(driver, case_id, event, land)

    market = department(BOLE_MARKET)
    await driver.department_act(case_id, registration, "acceptance", {})
    await _burst(
        http,
        _task(case_id, registration, BOLE_MARKET, "approval"),
        {"result_reference": "博市监〔2026〕1号"},
        market,
    )
    await _once(driver, case_id, "matter_approved", registration)
    await driver.wait_for_matter(case_id, "food-licence", "handed_over")
    await driver.approve(case_id, "food-licence")
    await driver.wait_for_stage(case_id, "delivery")

    await _burst(http, f"/cases/{case_id}/delivery", {}, COORDINATOR)
    await _once(driver, case_id, "results_delivered")
    await _burst(http, f"/cases/{case_id}/receipt", {"signed_by": "张三"}, ENTERPRISE)
    await _once(driver, case_id, "receipt_signed")
    rating = {
        "level": "不满意",
        "efficiency": 2,
        "quality": 2,
        "problem_solving": 2,
        "comments": "等待过久",
    }
    await _burst(http, f"/cases/{case_id}/evaluation", rating, ENTERPRISE)
    await _once(driver, case_id, "case_evaluated")

    await driver.wait_for(case_id, lambda s: s["follow_up"], "the follow-up")
    follow_up = f"/cases/{case_id}/follow-up"
    await _burst(http, f"{follow_up}/callback", {"note": "企业反映排队时间长"}, COORDINATOR)
    await _once(driver, case_id, "follow_up_callback")
    await _burst(http, f"{follow_up}/remedy", {"measures": "增设预约窗口"}, COORDINATOR)
    await _once(driver, case_id, "follow_up_remedy")
    await _burst(http, f"{follow_up}/rating", {"level": "满意"}, ENTERPRISE)
    await _once(driver, case_id, "follow_up_rated")

    status = await driver.wait_for(
        case_id, lambda s: s.get("feedback_report"), "the feedback report draft"
    )
    report = {"text": status["feedback_report"]["draft"], "reference": "博边合管函〔2026〕9号"}
    await _burst(http, f"/cases/{case_id}/feedback-report", report, COORDINATOR)
    await _once(driver, case_id, "feedback_report_filed")
    await driver.wait_for_stage(case_id, "archived")
    await _once(driver, case_id, "case_archived")
    await record_if_asked(client, "burst_to_archive", case_id, MATTERS)


async def test_termination_and_withdrawal_are_written_once(
    driver: CaseDriver, client: Client
) -> None:
    case_id = await driver.open()
    await driver.accept(case_id)
    await driver.plan(case_id)
    await driver.wait_for_matter(case_id, "land-preexamination", "handed_over")
    body = {
        "cause": "enterprise_request",
        "reason": "企业调整投资计划",
        "signed_by": "张三",
    }
    await _burst(driver.http, f"/cases/{case_id}/termination", body, COORDINATOR)
    await _once(driver, case_id, "case_terminated")
    for matter in ("land-preexamination", "enterprise-registration"):
        await driver.wait_for_matter(case_id, matter, "withdrawn")
        await _once(driver, case_id, "matter_withdrawn", matter)
    await record_if_asked(client, "burst_termination", case_id, MATTERS)


async def test_the_initial_review_is_written_once_even_before_the_application_is(
    driver: CaseDriver,
) -> None:
    """The burst arrives as the case opens: the handlers wait for the application entry."""
    case_id = await driver.open()
    await _burst(
        driver.http,
        f"/cases/{case_id}/review",
        {"decision": "refuse", "reasons": ["不属于代办范围"]},
        COORDINATOR,
    )
    await _once(driver, case_id, "application_refused")
    await _once(driver, case_id, "application_received")
    entries = await driver.ledger(case_id)
    assert [e["event"] for e in entries] == ["application_received", "application_refused"]


async def test_coordination_steps_are_each_written_once(driver: CaseDriver, client: Client) -> None:
    http = driver.http
    case_id = await driver.open()
    await driver.accept(case_id)
    await driver.plan(case_id)
    await driver.wait_for_matter(case_id, "land-preexamination", "handed_over")
    stall = {"matter": "land-preexamination", "description": "部门未按时受理"}
    await _burst(http, f"/cases/{case_id}/stall-reports", stall, COORDINATOR)
    await _once(driver, case_id, "coordination_due")
    coordination = {
        "what": "协调自然资源局受理",
        "with_whom": ["博乐市自然资源局"],
        "outcome": "召开专项协调会",
        "meeting": {
            "held_on": "2026-11-26",
            "participants": ["博乐市自然资源局", "园区管委会"],
            "resolutions": [
                {"text": "三日内受理", "owner": "博乐市自然资源局", "due_on": "2026-11-30"}
            ],
        },
    }
    problem = f"/cases/{case_id}/problems/1"
    await _burst(http, f"{problem}/coordination", coordination, COORDINATOR)
    await _once(driver, case_id, "coordination_recorded")
    await _burst(http, f"{problem}/escalation", {"reason": "议定事项逾期未办"}, COORDINATOR)
    await _once(driver, case_id, "coordination_escalated")
    await _burst(http, f"{problem}/leader-answer", {"instruction": "限期办结"}, leader("BZ"))
    await _once(driver, case_id, "escalation_answered")
    await _burst(http, f"{problem}/resolutions/1/closing", {"outcome": "已受理"}, COORDINATOR)
    await _once(driver, case_id, "resolution_closed")
    await record_if_asked(client, "burst_coordination", case_id, MATTERS)


async def test_a_cross_county_acknowledgement_is_written_once(driver: CaseDriver) -> None:
    matters = ["enterprise-registration", "land-preexamination", "construction-permit"]
    case_id = await driver.open(park="bole-wutai", matters=matters)
    await driver.accept(case_id)
    await driver.post(f"/cases/{case_id}/plan", plan(matters))
    land = "jinghe-natural-resources"
    await driver.wait_for_matter(case_id, "land-preexamination", "handed_over")
    await _burst(
        driver.http,
        _task(case_id, "land-preexamination", land, "hand-off-acknowledgement"),
        {"received_by": "赵六"},
        department(land),
    )
    await _once(driver, case_id, "hand_off_acknowledged", "land-preexamination")


async def test_a_deferred_supply_is_written_once(
    driver: CaseDriver, env: WorkflowEnvironment
) -> None:
    case_id = await driver.open()
    await driver.accept(case_id)
    await driver.plan(case_id)
    land = "land-preexamination"
    await driver.wait_for_matter(case_id, land, "handed_over")
    today = (await env.get_current_time()).astimezone(BUSINESS_ZONE).date()
    deferral = {"deferred_items": ["环评批复"], "supply_by": str(today + timedelta(days=3))}
    await driver.department_act(case_id, land, "acceptance", deferral)
    await driver.department_act(
        case_id, land, "approval", {"result_reference": "博自然资〔2026〕5号"}
    )
    await _burst(
        driver.http,
        f"/cases/{case_id}/matters/{land}/deferred-materials",
        {"materials": ["环评批复"]},
        COORDINATOR,
    )
    await _once(driver, case_id, "deferred_materials_supplied", land)
    await _burst(
        driver.http,
        _task(case_id, land, BOLE_LAND, "deferred-materials-confirmation"),
        {"confirmed": True},
        department(BOLE_LAND),
    )
    await _once(driver, case_id, "deferred_materials_confirmed", land)


async def test_an_amendment_of_the_application_is_written_once(driver: CaseDriver) -> None:
    case_id = await driver.open()
    body = (await driver.status(case_id))["application"]
    amended = {**body, "contact": {"name": "李四", "phone": "13900000000"}}
    await _burst(
        driver.http,
        f"/cases/{case_id}/amendment",
        {"application": amended, "reason": "联系人变更"},
        COORDINATOR,
    )
    await _once(driver, case_id, "application_amended")


async def test_a_joint_review_is_held_once(driver: CaseDriver, client: Client) -> None:
    chosen = ["water-connection", "power-connection"]
    case_id = await handed_over(driver, chosen)
    meeting = {
        "meeting_on": "2026-11-25",
        "participants": ["包头市供水公司", "包头供电公司"],
        "decisions": [
            {"matter": "water-connection", "decision": "approve", "result_reference": "水1号"},
            {"matter": "power-connection", "decision": "approve", "result_reference": "电2号"},
        ],
    }
    await _burst(driver.http, f"/cases/{case_id}/joint-review", meeting, coordinator("BT"))
    await _once(driver, case_id, "joint_review_held")
    for matter in chosen:
        await driver.wait_for_matter(case_id, matter, "approved")
        await _once(driver, case_id, "matter_approved", matter)
    await record_if_asked(client, "burst_joint_review", case_id, chosen)
