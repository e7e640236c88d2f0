"""Refusal at initial review, termination mid-processing, and every action a validator refuses."""

import httpx
from sqlalchemy import Engine
from sqlmodel import Session, delete, select
from temporalio.client import Client

from store import projection
from store.tables import CaseRow, CaseSequence, MatterRow
from tests.support.driver import (
    BOLE_LAND,
    BOLE_MARKET,
    COORDINATOR,
    ENTERPRISE,
    MATTERS,
    OPENED_CASES,
    CaseDriver,
    application,
    department,
    plan,
)
from tests.support.histories import record_if_asked
from tests.support.polling import eventually
from workflows.case import CaseWorkflow


async def test_refusal_at_initial_review_closes_the_case_with_reasons(
    driver: CaseDriver, client: Client, engine: Engine
) -> None:
    case_id = await driver.open()
    refused = await driver.post(
        f"/cases/{case_id}/review",
        {"decision": "refuse", "reasons": ["项目不属于园区产业建设项目", "委托书未盖章"]},
    )
    assert refused["stage"] == "refused"
    assert refused["refusal_reasons"] == ["项目不属于园区产业建设项目", "委托书未盖章"]
    final = await client.get_workflow_handle_for(CaseWorkflow.run, case_id).result()
    assert final.stage == "refused"
    await record_if_asked(client, "refused_at_review", case_id, [])

    entries = await driver.ledger(case_id)
    assert [e["event"] for e in entries] == ["application_received", "application_refused"]
    assert entries[1]["details"]["reasons"] == ["项目不属于园区产业建设项目", "委托书未盖章"]
    assert projection.case_row(engine, case_id).stage == "refused"

    response = await driver.http.post(f"/cases/{case_id}/plan", json=plan(), headers=COORDINATOR)
    assert response.status_code == 409
    assert response.json()["error"]["code"] == "action_refused"


async def test_termination_mid_processing_withdraws_open_and_waiting_matters(
    driver: CaseDriver, client: Client, engine: Engine
) -> None:
    case_id = await driver.open()
    await driver.accept(case_id)
    await driver.plan(case_id)
    await driver.wait_for_matter(case_id, "land-preexamination", "handed_over")
    await driver.department_act(case_id, "land-preexamination", "acceptance", {})

    terminated = await driver.post(
        f"/cases/{case_id}/termination",
        {
            "cause": "enterprise_request",
            "reason": "企业调整投资计划，申请终止委托",
            "materials_returned": ["营业执照原件", "土地出让合同原件"],
            "signed_by": "张三",
        },
    )
    assert terminated["stage"] == "terminated"
    assert terminated["termination"]["stage_at_termination"] == "processing"

    final = await client.get_workflow_handle_for(CaseWorkflow.run, case_id).result()
    assert {m.code: m.state.value for m in final.matters} == {
        "enterprise-registration": "withdrawn",
        "land-preexamination": "withdrawn",
        "food-licence": "withdrawn",
    }
    await record_if_asked(client, "terminated_in_processing", case_id, MATTERS)
    entries = await driver.ledger(case_id)
    events = [(e["event"], e["matter"]) for e in entries]
    assert events.count(("case_terminated", None)) == 1
    assert sorted(e for e in events if e[0] == "matter_withdrawn") == [
        ("matter_withdrawn", "enterprise-registration"),
        ("matter_withdrawn", "land-preexamination"),
    ]
    termination = next(e for e in entries if e["event"] == "case_terminated")
    assert termination["details"]["materials_returned"] == ["营业执照原件", "土地出让合同原件"]
    assert termination["details"]["signed_by"] == "张三"
    rows = {m.code: m.state for m in projection.matter_rows(engine, case_id)}
    assert set(rows.values()) == {"withdrawn"}

    response = await driver.http.post(
        f"/departments/{BOLE_LAND}/tasks/{case_id}/land-preexamination/approval",
        json={"result_reference": "x"},
        headers=department(BOLE_LAND),
    )
    assert response.status_code == 409


async def _refused(
    http: httpx.AsyncClient, path: str, body: dict, headers: dict, expected: str
) -> None:
    response = await http.post(path, json=body, headers=headers)
    assert response.status_code == 409, response.text
    error = response.json()["error"]
    assert error["code"] == "action_refused"
    assert expected in error["message"], error["message"]


async def test_refused_dependency_blocks_the_dependent_matter(
    driver: CaseDriver, client: Client, engine: Engine
) -> None:
    case_id = await driver.open()
    await driver.accept(case_id)
    await driver.plan(case_id)
    await driver.wait_for_matter(case_id, "enterprise-registration", "handed_over")
    await driver.department_act(case_id, "enterprise-registration", "acceptance", {})
    await driver.department_act(
        case_id, "enterprise-registration", "refusal", {"reason": "名称与已登记企业重复"}
    )
    await driver.approve(case_id, "land-preexamination")

    status = await driver.wait_for_stage(case_id, "delivery")
    states = {m["code"]: m["state"] for m in status["matters"]}
    assert states == {
        "enterprise-registration": "refused",
        "land-preexamination": "approved",
        "food-licence": "blocked",
    }
    blocked = next(e for e in await driver.ledger(case_id) if e["event"] == "matter_blocked")
    assert blocked["matter"] == "food-licence"
    assert blocked["actor"]["id"] == "system"
    assert len(blocked["details"]["dependencies"]) == 1
    row = projection.matter_row(engine, case_id, "food-licence")
    assert row is not None and row.state == "blocked"

    await driver.deliver_and_evaluate(case_id, "基本满意", quality=3)
    await driver.file_feedback_report(case_id)
    final = await client.get_workflow_handle_for(CaseWorkflow.run, case_id).result()
    assert final.stage == "archived"
    await record_if_asked(client, "blocked_dependency", case_id, MATTERS)


async def test_every_validator_refuses_and_changes_nothing(driver: CaseDriver) -> None:
    http = driver.http
    case_id = await driver.open()
    base = f"/cases/{case_id}"
    await _refused(http, f"{base}/plan", plan(), COORDINATOR, "“初审”阶段，不能制定计划")
    await _refused(http, f"{base}/delivery", {}, COORDINATOR, "不能送达结果")
    await driver.accept(case_id)
    await _refused(
        http,
        f"{base}/review",
        {"decision": "accept", "materials_received": ["x"]},
        COORDINATOR,
        "不能作出初审决定",
    )
    await _refused(http, f"{base}/plan", plan(["enterprise-registration"]), COORDINATOR, "缺少")
    await _refused(
        http,
        f"{base}/plan",
        plan(["water-permit", *MATTERS]),
        COORDINATOR,
        "未委托的事项：water-permit",
    )
    await driver.plan(case_id)
    await driver.wait_for_matter(case_id, "land-preexamination", "handed_over")
    await driver.wait_for_matter(case_id, "enterprise-registration", "handed_over")
    before = await driver.status(case_id)
    ledger_before = await driver.ledger(case_id)

    land = f"/departments/{BOLE_LAND}/tasks/{case_id}"
    market = f"/departments/{BOLE_MARKET}/tasks/{case_id}"
    land_clerk, market_clerk = department(BOLE_LAND), department(BOLE_MARKET)
    # The wrong department, a decision before acceptance, a resubmission with no correction.
    await _refused(
        http,
        f"{market}/land-preexamination/acceptance",
        {},
        market_clerk,
        "由博乐市自然资源局办理",
    )
    await _refused(
        http,
        f"{land}/land-preexamination/approval",
        {"result_reference": "x"},
        land_clerk,
        "不能办结",
    )
    await _refused(
        http,
        f"{base}/matters/land-preexamination/resubmission",
        {"materials": ["x"]},
        COORDINATOR,
        "不能提交补正材料",
    )
    # A matter still waiting for its dependency, and stages the case has not reached.
    await _refused(http, f"{market}/food-licence/acceptance", {}, market_clerk, "尚未移交部门")
    await _refused(http, f"{base}/receipt", {"signed_by": "张三"}, ENTERPRISE, "不能签收")
    await _refused(
        http,
        f"{base}/evaluation",
        {"level": "满意", "efficiency": 5, "quality": 5, "problem_solving": 5},
        ENTERPRISE,
        "不能评价",
    )
    await _refused(http, f"{base}/delivery", {}, COORDINATOR, "“事项办理”阶段")

    after = await driver.status(case_id)
    assert after["version"] == before["version"]
    assert after["matters"] == before["matters"]
    assert await driver.ledger(case_id) == ledger_before

    # Acting twice is refused too; so are a second delivery and termination after receipt.
    await driver.department_act(case_id, "land-preexamination", "acceptance", {})
    await _refused(http, f"{land}/land-preexamination/acceptance", {}, land_clerk, "不能受理")
    await driver.department_act(
        case_id, "land-preexamination", "approval", {"result_reference": "博自然资预〔2026〕1号"}
    )
    # Refused either by the matter (still open, telling its case) or, once its run has
    # ended, by the API from the projection: both messages name the state 已办结.
    await _refused(
        http, f"{land}/land-preexamination/refusal", {"reason": "x"}, land_clerk, "已办结"
    )
    await driver.approve(case_id, "enterprise-registration")
    await driver.wait_for_matter(case_id, "food-licence", "handed_over")
    await driver.department_act(
        case_id, "food-licence", "refusal", {"reason": "经营场所不符合要求"}
    )
    status = await driver.wait_for_stage(case_id, "delivery")
    assert status["matters"][2]["refusal_reason"] == "经营场所不符合要求"
    await _refused(http, f"{base}/receipt", {"signed_by": "张三"}, ENTERPRISE, "尚未送达")
    await driver.post(f"{base}/delivery", {})
    await _refused(http, f"{base}/delivery", {}, COORDINATOR, "不能重复送达")
    await driver.post(f"{base}/receipt", {"signed_by": "张三"}, headers=ENTERPRISE)
    await _refused(
        http,
        f"{base}/termination",
        {"cause": "enterprise_request", "reason": "x", "signed_by": "张三"},
        COORDINATOR,
        "不能终止委托",
    )


async def test_unknown_case_and_matter_are_404(driver: CaseDriver) -> None:
    http = driver.http
    for response in (
        await http.get("/cases/BZ-2026-99999"),
        await http.get("/cases/BZ-2026-99999/ledger"),
        await http.post("/cases/BZ-2026-99999/delivery", json={}, headers=COORDINATOR),
    ):
        assert response.status_code == 404, response.text
        assert response.json()["error"]["code"] == "not_found"
    case_id = await driver.open()
    response = await http.post(
        f"/departments/{BOLE_LAND}/tasks/{case_id}/water-permit/acceptance",
        json={},
        headers=department(BOLE_LAND),
    )
    assert response.status_code == 404
    assert "没有委托事项water-permit" in response.json()["error"]["message"]


async def test_a_retried_opening_with_the_same_key_opens_one_case(driver: CaseDriver) -> None:
    body = application()
    headers = {**COORDINATOR, "Idempotency-Key": "weituoshu-2026-0001"}
    first = await driver.http.post("/cases", json=body, headers=headers)
    again = await driver.http.post("/cases", json=body, headers=headers)
    assert first.status_code == again.status_code == 201
    assert first.json()["case_id"] == again.json()["case_id"]
    OPENED_CASES.extend([first.json()["case_id"]])
    # Give the first case's first ledger entry time to land, then count the cases.
    await driver.wait_for_stage(first.json()["case_id"], "initial_review")
    assert await _listed(driver) == 1
    other = await driver.http.post("/cases", json={**body, "scope": "partial"}, headers=headers)
    assert other.status_code == 409
    assert "幂等键已用于另一" in other.json()["error"]["message"]
    # Without a key, or with another caller, it is a new request.
    fresh = await driver.http.post("/cases", json=body, headers=COORDINATOR)
    assert fresh.json()["case_id"] != first.json()["case_id"]
    OPENED_CASES.extend([fresh.json()["case_id"]])


async def _listed(driver: CaseDriver) -> int:
    async def total() -> int:
        return (await driver.http.get("/cases")).json()["total"]

    return await eventually(total, "a case in the list")


async def test_a_case_number_once_used_is_never_issued_again(
    driver: CaseDriver, engine: Engine
) -> None:
    """A restored backup would issue numbers again: a closed case's workflow id is refused
    by Temporal (REJECT_DUPLICATE), and the next number is taken instead."""
    first = await driver.open()
    await driver.post(
        f"/cases/{first}/termination",
        {"cause": "enterprise_request", "reason": "企业撤回", "signed_by": "张三"},
    )
    await driver.wait_for_stage(first, "terminated")
    with Session(engine) as session:  # as if restored from before the first case
        sequence = session.exec(select(CaseSequence).where(CaseSequence.jurisdiction == "BZ")).one()
        sequence.last -= 1
        session.add(sequence)
        for table in (CaseRow, MatterRow):
            session.exec(delete(table))
        session.commit()
    second = await driver.open()
    assert second != first
    assert int(second[-5:]) == int(first[-5:]) + 1
