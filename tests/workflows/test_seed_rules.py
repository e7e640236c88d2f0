"""Seed and statute rules a coordinator found the engine did not hold (issue 18): no
extension after the deadline (§42), no service fee (无偿代办), plan dates within the
委托期限, no 集中联审 recorded before it is held, and a cross-county acceptance that is
also the 签收."""

from datetime import datetime, time, timedelta

import pytest
from temporalio.testing import WorkflowEnvironment

from domain.clock import BUSINESS_ZONE
from tests.api.test_baotou import _open, handed_over, team
from tests.support.driver import BOLE_LAND, ENTERPRISE, CaseDriver, department, plan
from tests.support.histories import record_if_asked
from tests.support.identities import coordinator, oversight
from tests.workflows.test_cross_county import wutai_case_rated


async def _land_accepted(driver: CaseDriver) -> str:
    case_id = await driver.open()
    await driver.accept(case_id)
    await driver.plan(case_id)
    await driver.wait_for_matter(case_id, "land-preexamination", "handed_over")
    await driver.department_act(case_id, "land-preexamination", "acceptance", {})
    return case_id


@pytest.mark.own_clock
async def test_an_extension_after_the_deadline_is_refused(
    driver: CaseDriver, env: WorkflowEnvironment
) -> None:
    case_id = await _land_accepted(driver)
    # The case's view of the matter follows the matter's by a signal's delivery.
    status = await driver.wait_for_matter(case_id, "land-preexamination", "accepted")
    land = next(m for m in status["matters"] if m["code"] == "land-preexamination")
    due = datetime.fromisoformat(land["clock"]["due_on"]).date()
    after = datetime.combine(due + timedelta(days=1), time(9), tzinfo=BUSINESS_ZONE)
    await env.sleep(after - await env.get_current_time())
    extension = {"days": 5, "reason": "情况复杂", "explanation": "需现场踏勘"}
    refused = await driver.department_act(
        case_id, "land-preexamination", "extension", extension, expect=409
    )
    assert f"办理期限已于{due.isoformat()}届满，不能再延长" in refused["error"]["message"]


async def test_a_service_fee_is_refused_and_a_statutory_fee_recorded(driver: CaseDriver) -> None:
    case_id = await _land_accepted(driver)
    service = {
        "result_reference": "博自然资〔2026〕1号",
        "fees": [{"item": "代办服务费", "amount_yuan": "200"}],
    }
    refused = await driver.department_act(
        case_id, "land-preexamination", "approval", service, expect=409
    )
    assert "帮办代办为无偿服务，不得收取“代办服务费”" in refused["error"]["message"]
    statutory = {**service, "fees": [{"item": "土地复垦费", "amount_yuan": "200"}]}
    approved = await driver.department_act(case_id, "land-preexamination", "approval", statutory)
    assert approved["state"] == "approved"


async def test_plan_dates_outside_the_entrustment_are_refused(driver: CaseDriver) -> None:
    case_id = await driver.open()
    await driver.accept(case_id)
    late = plan()
    late["matters"][0]["planned_finish"] = "2027-07-31"  # the 委托书 ends 2027-06-30
    refused = await driver.post(f"/cases/{case_id}/plan", late, expect=409)
    assert "计划日期须在委托期限（2026-11-01至2027-06-30）之内" in refused["error"]["message"]
    assert "enterprise-registration" in refused["error"]["message"]


async def test_a_joint_review_cannot_be_recorded_before_it_is_held(driver: CaseDriver) -> None:
    chosen = ["water-connection", "power-connection"]
    case_id = await handed_over(driver, chosen)
    meeting = {
        "meeting_on": "2099-01-05",
        "participants": ["包头市供水公司", "包头供电公司"],
        "decisions": [
            {"matter": "water-connection", "decision": "approve", "result_reference": "水1号"},
            {"matter": "power-connection", "decision": "approve", "result_reference": "电2号"},
        ],
    }
    refused = await driver.post(
        f"/cases/{case_id}/joint-review", meeting, headers=coordinator("BT"), expect=409
    )
    assert "联审会议日期2099-01-05尚未到来" in refused["error"]["message"]


async def test_a_cross_county_acceptance_is_also_its_signing(
    driver: CaseDriver, env: WorkflowEnvironment
) -> None:
    matters = ["enterprise-registration", "land-preexamination", "construction-permit"]
    case_id = await driver.open(park="bole-wutai", matters=matters)
    await driver.accept(case_id)
    await driver.post(f"/cases/{case_id}/plan", plan(matters))
    land = "jinghe-natural-resources"
    await driver.wait_for_matter(case_id, "land-preexamination", "handed_over")
    accepted = await driver.post(
        f"/departments/{land}/tasks/{case_id}/land-preexamination/acceptance",
        {},
        headers=department(land),
    )
    assert accepted["hand_off_acknowledged_at"] is not None
    entry = next(
        e
        for e in await driver.ledger(case_id)
        if e["event"] == "matter_accepted" and e["matter"] == "land-preexamination"
    )
    assert "受理即签收跨县市移交" in entry["summary"]
    assert entry["details"]["hand_off_acknowledged"] is True
    await record_if_asked(env.client, "cross_county_acceptance_signs", case_id, matters)


async def _at_delivery(driver: CaseDriver, **overrides) -> str:
    case_id = await driver.open(matters=["enterprise-registration"], **overrides)
    await driver.accept(case_id)
    await driver.post(f"/cases/{case_id}/plan", plan(["enterprise-registration"]))
    await driver.wait_for_matter(case_id, "enterprise-registration", "handed_over")
    await driver.approve(case_id, "enterprise-registration")
    await driver.wait_for_stage(case_id, "delivery")
    await driver.post(f"/cases/{case_id}/delivery", {})
    return case_id


RATING = {"level": "满意", "efficiency": 4, "quality": 4, "problem_solving": 4}


async def test_an_applicant_with_an_account_signs_and_rates_itself(driver: CaseDriver) -> None:
    case_id = await _at_delivery(driver)  # 张三's enterprise signs in (tests' accounts)
    for verb, body in (("receipt", {"signed_by": "张三"}), ("evaluation", RATING)):
        refused = await driver.post(f"/cases/{case_id}/{verb}", body, expect=409)
        assert "申请人已开通企业账号，须由企业本人签收和评价" in refused["error"]["message"]
    await driver.post(f"/cases/{case_id}/receipt", {"signed_by": "张三"}, headers=ENTERPRISE)
    rated = await driver.post(f"/cases/{case_id}/evaluation", RATING, headers=ENTERPRISE)
    assert rated["evaluation"]["level"] == "满意"


async def test_an_agent_records_a_paper_receipt_and_rating_and_the_ledger_says_so(
    driver: CaseDriver,
) -> None:
    other = {"name": "无账号示例有限公司", "uscc": "91350100M000200Y4T"}  # no account
    case_id = await _at_delivery(driver, enterprise=other)
    refused = await driver.post(f"/cases/{case_id}/receipt", {"signed_by": "李四"}, expect=409)
    assert "代办员只能录入企业的纸质签收单，并注明纸面日期" in refused["error"]["message"]
    paper = {"signed_by": "李四", "paper_dated": "2026-11-30"}
    await driver.post(f"/cases/{case_id}/receipt", paper)
    await driver.post(f"/cases/{case_id}/evaluation", {**RATING, "paper_dated": "2026-11-30"})
    entries = {e["event"]: e for e in await driver.ledger(case_id)}
    assert (
        "企业纸质签收单，纸面日期2026-11-30，由代办员li.si录入"
        in entries["receipt_signed"]["summary"]
    )
    assert "企业纸质评价表，纸面日期2026-11-30" in entries["case_evaluated"]["summary"]
    assert entries["case_evaluated"]["details"]["paper_dated"] == "2026-11-30"


async def test_a_resubmission_must_answer_every_item_of_the_notice(driver: CaseDriver) -> None:
    case_id = await _land_accepted(driver)
    await driver.department_act(
        case_id,
        "land-preexamination",
        "correction-request",
        {"items": ["用地红线图", "土地权属证明"]},
    )
    path = f"/cases/{case_id}/matters/land-preexamination/resubmission"
    partial = await driver.post(path, {"materials": ["用地红线图（修正）"]}, expect=409)
    assert "补正材料须答复补正通知的每一项，尚未提交：土地权属证明" in partial["error"]["message"]
    status = await driver.status(case_id)
    land = next(m for m in status["matters"] if m["code"] == "land-preexamination")
    assert land["state"] == "correction_requested" and land["clock"]["due_on"] is None  # paused
    whole = await driver.post(path, {"materials": ["用地红线图（修正）", "土地权属证明"]})
    assert whole["state"] == "accepted"


async def test_only_the_deferred_items_release_a_held_result(
    driver: CaseDriver, env: WorkflowEnvironment
) -> None:
    case_id = await driver.open()
    await driver.accept(case_id)
    await driver.plan(case_id)
    land = "land-preexamination"
    await driver.wait_for_matter(case_id, land, "handed_over")
    today = (await env.get_current_time()).astimezone(BUSINESS_ZONE).date()
    deferral = {
        "deferred_items": ["节能评估报告专家意见"],
        "supply_by": str(today + timedelta(days=3)),
    }
    await driver.department_act(case_id, land, "acceptance", deferral)
    held = await driver.department_act(case_id, land, "approval", {"result_reference": "博1号"})
    assert held["state"] == "result_held"
    path = f"/cases/{case_id}/matters/{land}/deferred-materials"
    other = await driver.post(path, {"materials": ["营业执照复印件"]}, expect=409)
    assert "尚未提交：节能评估报告专家意见" in other["error"]["message"]
    supplied = await driver.post(path, {"materials": ["节能评估报告专家意见"]})
    assert supplied["state"] == "result_held"  # until the department confirms them
    check = "deferred-materials-confirmation"
    await driver.department_act(case_id, land, check, {"confirmed": False}, expect=422)
    returned = await driver.department_act(
        case_id, land, check, {"confirmed": False, "reason": "专家意见未签字"}
    )
    assert returned["state"] == "result_held" and returned["deferral"]["supplied_at"] is None
    assert returned["deferral"]["returned"] == ["专家意见未签字"]
    # nothing to confirm until the agent supplies again
    again = await driver.department_act(case_id, land, check, {}, expect=409)
    assert "没有已补齐待确认的容缺材料" in again["error"]["message"]
    await driver.post(path, {"materials": ["节能评估报告专家意见"]})
    released = await driver.department_act(case_id, land, check, {"note": "已核验"})
    assert released["state"] == "approved"
    twice = await driver.department_act(case_id, land, check, {}, expect=409)
    assert twice["error"]["code"] == "action_refused"
    events = [e["event"] for e in await driver.ledger(case_id) if e["matter"] == land]
    assert events.count("deferred_materials_supplied") == 2
    assert events.count("deferred_materials_returned") == 1
    assert events.count("deferred_materials_confirmed") == 1
    notices = await driver.http.get(
        "/notifications", params={"case_id": case_id, "address": BOLE_LAND}
    )
    assert any("待" in n["message"] and "确认" in n["message"] for n in notices.json()["items"])
    await record_if_asked(env.client, "deferral_returned", case_id, ["land-preexamination"])


async def test_only_bozhou_asks_for_the_five_working_day_report(
    driver: CaseDriver, env: WorkflowEnvironment
) -> None:
    """包头's seed ends the case with the rating: no report to draft, file or miss."""
    case_id, matters = await _open(driver, matters=["water-connection"])
    await driver.accept(case_id)
    await driver.post(f"/cases/{case_id}/plan", {**plan(matters), "team": team(2, 2, 2)})
    await driver.wait_for_matter(case_id, "water-connection", "handed_over")
    water = "baotou-water-supply"
    base = f"/departments/{water}/tasks/{case_id}/water-connection"
    await driver.post(f"{base}/acceptance", {}, headers=department(water))
    await driver.post(f"{base}/approval", {"result_reference": "水1号"}, headers=department(water))
    await driver.wait_for_stage(case_id, "delivery")
    await driver.post(f"/cases/{case_id}/delivery", {}, headers=coordinator("BT"))
    bt_enterprise = ENTERPRISE
    await driver.post(f"/cases/{case_id}/receipt", {"signed_by": "张三"}, headers=bt_enterprise)
    await driver.post(f"/cases/{case_id}/evaluation", RATING, headers=bt_enterprise)
    await driver.wait_for_stage(case_id, "archived")
    events = [e["event"] for e in await driver.ledger(case_id)]
    assert "feedback_report_drafted" not in events and events[-1] == "case_archived"
    await record_if_asked(env.client, "baotou_no_feedback_report", case_id, matters)


async def test_a_case_refused_at_review_adds_no_matters_and_reaches_no_other_county(
    driver: CaseDriver,
) -> None:
    matters = ["enterprise-registration", "land-preexamination", "construction-permit"]
    case_id = await driver.open(park="bole-wutai", matters=matters)
    await driver.post(f"/cases/{case_id}/review", {"decision": "refuse", "reasons": ["不符合条件"]})
    await driver.wait_for_stage(case_id, "refused")
    headers = oversight()

    async def statistics(**params: str) -> dict:
        response = await driver.http.get("/oversight/statistics", params=params, headers=headers)
        assert response.status_code == 200, response.text
        return response.json()

    got = await statistics()
    assert got["cases"] == 1 and got["matters"] == 0
    assert [(r["county"], r["stage"]) for r in got["by_county_and_stage"]] == [
        ("博乐市", "refused")
    ]
    by_code = await driver.http.get(
        "/oversight/cases", params={"county": "jinghe"}, headers=headers
    )
    by_name = await driver.http.get(
        "/oversight/cases", params={"county": "精河县"}, headers=headers
    )
    assert by_code.json() == by_name.json() and by_code.json()["total"] == 1
    unknown = await driver.http.get(
        "/oversight/cases", params={"county": "nowhere"}, headers=headers
    )
    assert unknown.status_code == 422
    assert "未知的县市：nowhere" in unknown.json()["error"]["message"]
    assert "精河县（jinghe）" in unknown.json()["error"]["message"]


async def test_the_tracking_table_prints_the_entrustment_period_of_the_weituoshu(
    driver: CaseDriver,
) -> None:
    case_id = await driver.open(period={"start": "2026-11-01", "end": "2027-06-30"})
    await driver.wait_for_stage(case_id, "initial_review")
    csv = await driver.http.get("/tracking-table", params={"format": "csv"}, headers=coordinator())
    row = next(line for line in csv.text.splitlines() if case_id in line)
    assert "2026-11-01至2027-06-30" in row  # not the opening date


async def test_the_cross_county_report_names_matters_and_needs_its_last_line_written(
    driver: CaseDriver,
) -> None:
    case_id = await wutai_case_rated(driver)
    drafted = await driver.wait_for(case_id, lambda s: s.get("feedback_report"), "the draft")
    draft = drafted["feedback_report"]["draft"]
    assert "  建设项目用地预审与选址意见书：" in draft and "land-preexamination：" not in draft
    as_drafted = {"text": draft, "reference": "博边合管函〔2026〕2号"}
    refused = await driver.post(f"/cases/{case_id}/feedback-report", as_drafted, expect=409)
    assert "“改进建议”尚未填写" in refused["error"]["message"]
    await driver.file_feedback_report(case_id)


@pytest.mark.own_clock
async def test_materials_neither_accepted_nor_corrected_in_five_working_days_are_accepted(
    driver: CaseDriver, env: WorkflowEnvironment
) -> None:
    """§32(4): the department that neither accepts nor tells every correction within 5
    working days has accepted from the day it got the materials; its clock runs from then.
    A department that asked for a 补正 in time is not deemed to have accepted."""
    case_id = await driver.open()
    await driver.accept(case_id)
    await driver.plan(case_id)
    await driver.wait_for_matter(case_id, "land-preexamination", "handed_over")
    await driver.wait_for_matter(case_id, "enterprise-registration", "handed_over")
    received = (await env.get_current_time()).astimezone(BUSINESS_ZONE).date()
    await driver.department_act(
        case_id, "enterprise-registration", "correction-request", {"items": ["公司章程"]}
    )
    await env.sleep(timedelta(days=9))  # past 5 working days, whatever the weekday
    status = await driver.wait_for_matter(case_id, "land-preexamination", "accepted")
    land = next(m for m in status["matters"] if m["code"] == "land-preexamination")
    assert land["clock"]["started_on"] == received.isoformat()
    deemed = [
        e
        for e in await driver.ledger(case_id)
        if e["event"] == "matter_accepted" and e["details"].get("deemed")
    ]
    assert [e["matter"] for e in deemed] == ["land-preexamination"]
    assert "视为受理（行政许可法第三十二条）" in deemed[0]["summary"]
    states = {m["code"]: m["state"] for m in status["matters"]}
    assert states["enterprise-registration"] == "correction_requested"
    await record_if_asked(
        env.client, "deemed_acceptance", case_id, ["enterprise-registration", "land-preexamination"]
    )
