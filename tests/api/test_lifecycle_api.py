"""The whole single-county lifecycle through the API, with the ledger checked event by event."""

import httpx
import pytest
from sqlalchemy import Engine
from temporalio.client import Client

from store import projection
from tests.support.driver import BOLE_LAND, BOLE_MARKET, ENTERPRISE, MATTERS, CaseDriver, department
from tests.support.histories import record_if_asked
from tests.support.identities import coordinator
from workflows.case import CaseWorkflow

pytestmark = pytest.mark.both_databases  # and on PostgreSQL


async def test_full_lifecycle_with_parallel_dependent_and_corrected_matters(
    driver: CaseDriver, http: httpx.AsyncClient, client: Client, engine: Engine
) -> None:
    case_id = await driver.open()
    assert case_id.startswith("BZ-2026-")

    accepted = await driver.accept(case_id)
    assert accepted["stage"] == "planning"
    notice = accepted["acceptance_notice"]
    assert notice["number"] == f"{case_id}-SL"
    assert notice["materials_received"] == ["委托书", "营业执照"]

    planned = await driver.plan(case_id)
    assert planned["stage"] == "processing"
    assert planned["agent"]["name"] == "王五"

    # The two independent matters are handed over in parallel; the dependent one waits.
    await driver.wait_for_matter(case_id, "enterprise-registration", "handed_over")
    status = await driver.wait_for_matter(case_id, "land-preexamination", "handed_over")
    assert {m["code"]: m["state"] for m in status["matters"]}["food-licence"] == "waiting"

    inbox = (
        await http.get(f"/departments/{BOLE_LAND}/inbox", headers=department(BOLE_LAND))
    ).json()
    assert [(t["case_id"], t["matter"], t["state"]) for t in inbox["items"]] == [
        (case_id, "land-preexamination", "handed_over")
    ]

    # Correction loop on land-preexamination.
    await driver.department_act(case_id, "land-preexamination", "acceptance", {"note": "材料已收"})
    corrected = await driver.department_act(
        case_id,
        "land-preexamination",
        "correction-request",
        {"items": ["用地红线图", "土地权属证明"], "note": "一次性告知"},
    )
    assert corrected["state"] == "correction_requested"
    inbox = (
        await http.get(f"/departments/{BOLE_LAND}/inbox", headers=department(BOLE_LAND))
    ).json()
    assert inbox["items"][0]["open_correction"] == ["用地红线图", "土地权属证明"]

    # The correction obliges the agent to coordinate within 48 hours (博州).
    status = await driver.wait_for(case_id, lambda s: s["problems"], "a coordination problem")
    problem = status["problems"][0]
    assert problem["kind"] == "correction" and problem["matter"] == "land-preexamination"
    coordinated = await driver.post(
        f"/cases/{case_id}/problems/1/coordination",
        {
            "what": "与自然资源局核对红线图要求并转告企业",
            "with_whom": ["博乐市自然资源局", "企业联系人张三"],
            "outcome": "企业两日内补齐",
            "meeting": {
                "held_on": "2026-11-24",
                "participants": ["博乐市自然资源局", "园区管委会"],
                "resolutions": [
                    {"text": "测绘单位出具修正红线图", "owner": "企业", "due_on": "2026-11-26"}
                ],
            },
        },
    )
    assert coordinated["coordination"]["resolutions"][0]["closed_at"] is None
    closed = await driver.post(
        f"/cases/{case_id}/problems/1/resolutions/1/closing", {"outcome": "已出具"}
    )
    assert closed["coordination"]["resolutions"][0]["outcome"] == "已出具"
    resubmitted = await driver.post(
        f"/cases/{case_id}/matters/land-preexamination/resubmission",
        {"materials": ["用地红线图（修正）", "土地权属证明"]},
    )
    assert resubmitted["state"] == "accepted"
    approved = await driver.department_act(
        case_id, "land-preexamination", "approval", {"result_reference": "博自然资预〔2026〕18号"}
    )
    assert approved["result_reference"] == "博自然资预〔2026〕18号"

    # Approving the registration releases the dependent food licence.
    await driver.approve(case_id, "enterprise-registration")
    await driver.wait_for_matter(case_id, "food-licence", "handed_over")
    await driver.approve(case_id, "food-licence")

    await driver.wait_for_stage(case_id, "delivery")
    delivered = await driver.post(f"/cases/{case_id}/delivery", {"method": "现场送达"})
    assert delivered["delivery"]["results"]["land-preexamination"] == "博自然资预〔2026〕18号"
    signed = await driver.post(
        f"/cases/{case_id}/receipt",
        {"signed_by": "张三", "originals_returned": ["营业执照原件"]},
        headers=ENTERPRISE,
    )
    assert signed["stage"] == "evaluation"
    await driver.post(
        f"/cases/{case_id}/evaluation",
        {
            "level": "满意",
            "efficiency": 5,
            "quality": 4,
            "problem_solving": 5,
            "comments": "代办专员服务周到",
        },
        headers=ENTERPRISE,
    )

    # Within 5 working days the agent files the report drafted from the ledger.
    status = await driver.wait_for(case_id, lambda s: s["feedback_report"], "the report draft")
    report = status["feedback_report"]
    assert status["stage"] == "evaluation"
    assert report["recipient"] == "博乐市人民政府"
    assert "综合评价：满意" in report["draft"] and "代办专员服务周到" in report["draft"]
    assert "补正1次" in report["draft"]
    filed = await driver.post(
        f"/cases/{case_id}/feedback-report",
        {
            "text": report["draft"] + "\n建议：继续压缩用地预审时限。",
            "reference": "博边合管函〔2026〕9号",
        },
    )
    assert filed["feedback_report"]["filed_by"] == "li.si"

    final = await client.get_workflow_handle_for(CaseWorkflow.run, case_id).result()
    assert final.stage == "archived"
    assert final.closed_at is not None
    await record_if_asked(client, "lifecycle", case_id, MATTERS)

    entries = await driver.ledger(case_id)
    events = [(e["event"], e["matter"], e["actor"]["id"]) for e in entries]
    # The two parallel hand-overs may land in either order, and on a loaded machine the
    # land department may accept before the registration's hand-over is written.
    parallel = [
        ("materials_handed_over", "enterprise-registration", "wang.wu"),
        ("materials_handed_over", "land-preexamination", "wang.wu"),
    ]
    assert all(events.index(h) > events.index(("plan_agreed", None, "li.si")) for h in parallel)
    assert events.index(parallel[1]) < events.index(
        ("matter_accepted", "land-preexamination", f"clerk.{BOLE_LAND}")
    )
    assert events.index(parallel[0]) < events.index(
        ("matter_accepted", "enterprise-registration", f"clerk.{BOLE_MARKET}")
    )
    assert [e for e in events if e not in parallel] == [
        ("application_received", None, "li.si"),
        ("application_accepted", None, "li.si"),
        ("plan_agreed", None, "li.si"),
        ("matter_accepted", "land-preexamination", f"clerk.{BOLE_LAND}"),
        ("correction_requested", "land-preexamination", f"clerk.{BOLE_LAND}"),
        ("coordination_due", "land-preexamination", f"clerk.{BOLE_LAND}"),
        ("coordination_recorded", "land-preexamination", "li.si"),
        ("resolution_closed", "land-preexamination", "li.si"),
        ("materials_resubmitted", "land-preexamination", "li.si"),
        ("matter_approved", "land-preexamination", f"clerk.{BOLE_LAND}"),
        ("matter_accepted", "enterprise-registration", f"clerk.{BOLE_MARKET}"),
        ("matter_approved", "enterprise-registration", f"clerk.{BOLE_MARKET}"),
        ("materials_handed_over", "food-licence", "wang.wu"),
        ("matter_accepted", "food-licence", f"clerk.{BOLE_MARKET}"),
        ("matter_approved", "food-licence", f"clerk.{BOLE_MARKET}"),
        ("matters_completed", None, "system"),
        ("results_delivered", None, "li.si"),
        ("receipt_signed", None, "zhang.san"),
        ("case_evaluated", None, "zhang.san"),
        ("feedback_report_drafted", None, "system"),
        ("feedback_report_filed", None, "li.si"),
        ("case_archived", None, "system"),
    ]
    assert len({e["key"] for e in entries}) == len(entries)
    by_event = {e["event"]: e for e in entries}
    assert by_event["correction_requested"]["details"]["items"] == ["用地红线图", "土地权属证明"]
    assert (
        by_event["application_accepted"]["details"]["acceptance_notice"]["number"]
        == notice["number"]
    )
    assert by_event["case_evaluated"]["details"]["level"] == "满意"
    assert by_event["receipt_signed"]["details"]["originals_returned"] == ["营业执照原件"]
    # Each entry that set a date says how it was reached (the ledger activity explains it).
    drafted = by_event["feedback_report_drafted"]["details"]["deadline_explanation"]["due_on"]
    assert "评价反馈材料草稿生成" in drafted[0] and "须在5个工作日内报送" in drafted[1]
    accepted = by_event["matter_accepted"]["details"]["clock"]["deadline_explanation"]
    assert "受理当日不计入" in accepted[0]
    assert all(e["occurred_at"] and e["summary"] for e in entries)

    # The projection answers lists without Temporal.
    row = projection.case_row(engine, case_id)
    assert row is not None and row.stage == "archived" and row.agent_name == "王五"
    matters = {m.code: m for m in projection.matter_rows(engine, case_id)}
    assert {code: m.state for code, m in matters.items()} == {
        "enterprise-registration": "approved",
        "land-preexamination": "approved",
        "food-licence": "approved",
    }
    assert matters["land-preexamination"].correction_count == 1
    listed = (await http.get("/cases", params={"stage": "archived"})).json()
    assert [item["case_id"] for item in listed["items"]] == [case_id]
    assert listed["items"][0]["stage_name"] == "已归档"

    # A closed case refuses further actions with 409.
    response = await http.post(f"/cases/{case_id}/delivery", json={}, headers=coordinator())
    assert response.status_code == 409
    assert "已结束" in response.json()["error"]["message"]
    assert (
        await client.get_workflow_handle(case_id).query(CaseWorkflow.status)
    ).stage == "archived"
