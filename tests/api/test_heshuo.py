"""和硕县: eligibility checked at initial review with the exact reason, statutory fees
recorded as paid by the applicant, through the API."""

from typing import Any

from tests.support.driver import OPENED_CASES, CaseDriver, application, department, plan
from tests.support.identities import coordinator, leader

HESHUO = {
    "jurisdiction": "HS",
    "park": "heshuo-service-centre",
}


def _heshuo(matters: list[str], **project: Any) -> dict[str, Any]:
    body = application(**HESHUO, matters=matters)
    body["project"] = {**body["project"], **project}
    return body


async def _open(driver: CaseDriver, body: dict[str, Any]) -> str:
    response = await driver.http.post("/cases", json=body, headers=coordinator("HS"))
    assert response.status_code == 201, response.text
    case_id = response.json()["case_id"]
    OPENED_CASES.extend([case_id, *(f"{case_id}/{code}" for code in body["matters"])])
    return case_id


async def test_an_ineligible_project_cannot_be_accepted_and_is_refused_with_the_reason(
    driver: CaseDriver,
) -> None:
    body = _heshuo(
        ["land-preexamination", "enterprise-registration"],
        investment_wan_yuan="300",
        approval_level="county",
        restrictions=["high_energy"],
    )
    case_id = await _open(driver, body)
    assert case_id.startswith("HS-")
    status = await driver.status(case_id)
    reason = (
        "“建设项目用地预审与选址意见书”不属于帮代办范围：投资额300万元，低于500万元；"
        "属于高耗能项目，且未列入区、州、县重点项目"
    )
    assert status["eligibility"] == {
        "eligible": False,
        "reasons": [reason],
        "ineligible_matters": ["建设项目用地预审与选址意见书"],
    }
    refused = await driver.post(
        f"/cases/{case_id}/review",
        {"decision": "accept", "materials_received": ["申请表"]},
        expect=409,
    )
    assert refused["error"]["message"] == (
        "不符合帮代办条件，应不予受理并告知理由，或部分受理并将“建设项目用地预审与选址意见书”"
        f"列为不予受理事项：{reason}"
    )
    await driver.post(f"/cases/{case_id}/review", {"decision": "refuse", "reasons": [reason]})
    assert (await driver.wait_for_stage(case_id, "refused"))["refusal_reasons"] == [reason]


async def test_a_listed_major_project_is_served_and_its_fees_stay_with_the_applicant(
    driver: CaseDriver,
) -> None:
    matters = ["land-preexamination"]
    case_id = await _open(
        driver,
        _heshuo(matters, investment_wan_yuan="300", listed_major_project=True),
    )
    eligibility = (await driver.status(case_id))["eligibility"]
    assert eligibility == {"eligible": True, "reasons": [], "ineligible_matters": []}
    await driver.accept(case_id)
    await driver.post(f"/cases/{case_id}/plan", plan(matters))
    await driver.wait_for_matter(case_id, "land-preexamination", "handed_over")
    land = "heshuo-natural-resources"
    path = f"/departments/{land}/tasks/{case_id}/land-preexamination"
    await driver.post(f"{path}/acceptance", {}, headers=department(land))
    fee = {"item": "土地复垦费", "amount_yuan": "1200.00"}
    await driver.post(
        f"{path}/approval",
        {"result_reference": "硕自然资预〔2026〕3号", "fees": [fee]},
        headers=department(land),
    )
    approved = next(e for e in await driver.ledger(case_id) if e["event"] == "matter_approved")
    assert approved["summary"].endswith("；法定费用由申请人自行缴纳：土地复垦费1200.00元")
    assert approved["details"]["fees_paid_by_applicant"] == [fee]


async def test_a_pack_without_eligibility_rules_assesses_nothing(driver: CaseDriver) -> None:
    case_id = await driver.open()
    assert (await driver.status(case_id))["eligibility"] is None


async def test_the_catalogue_lists_the_packs_and_shows_the_eligibility_rules(
    driver: CaseDriver,
) -> None:
    listed = (await driver.http.get("/catalogue")).json()
    assert {"jurisdiction": "HS", "name": "和硕县"} in listed
    pack = (await driver.http.get("/catalogue/HS")).json()
    assert pack["eligibility"]["min_investment_wan_yuan"] == "500"
    assert {m["code"]: m["kind"] for m in pack["matters"]}["food-licence"] == "food_licence"


async def test_an_unresolved_meeting_issue_goes_to_the_county_governments_leader(
    driver: CaseDriver,
) -> None:
    matters = ["land-preexamination"]
    case_id = await _open(
        driver, _heshuo(matters, investment_wan_yuan="800", approval_level="county")
    )
    await driver.accept(case_id)
    await driver.post(f"/cases/{case_id}/plan", plan(matters))
    await driver.wait_for_matter(case_id, "land-preexamination", "handed_over")
    await driver.post(
        f"/cases/{case_id}/stall-reports",
        {"matter": "land-preexamination", "description": "自然资源局与林草局对用地范围意见不一"},
        expect=201,
    )
    meeting = {
        "held_on": "2026-11-24",
        "participants": ["和硕县自然资源局", "和硕县林业和草原局"],
        "resolutions": [
            {"text": "重新核定用地红线", "owner": "和硕县自然资源局", "due_on": "2026-12-01"}
        ],
    }
    await driver.post(
        f"/cases/{case_id}/problems/1/coordination",
        {
            "what": "并联审批会议",
            "with_whom": meeting["participants"],
            "outcome": "未达成一致",
            "meeting": meeting,
        },
    )
    escalated = await driver.post(
        f"/cases/{case_id}/problems/1/escalation", {"reason": "部门职责交叉，会议未能解决"}
    )
    assert escalated["escalated_at"] is not None
    entry = next(e for e in await driver.ledger(case_id) if e["event"] == "coordination_escalated")
    assert entry["summary"] == (
        "协调事项1难以解决，报请县人民政府分管领导协商解决：部门职责交叉，会议未能解决"
        "（未办结的议定事项：重新核定用地红线）"
    )
    told = (
        await driver.http.get("/notifications", params={"case_id": case_id, "recipient": "leader"})
    ).json()
    assert [n["event"] for n in told["items"]] == ["coordination_escalated"]
    again = await driver.post(
        f"/cases/{case_id}/problems/1/escalation", {"reason": "再次上报"}, expect=409
    )
    assert "已报请领导协调" in again["error"]["message"]

    # The leader in charge answers with an instruction, once, from an account of their own.
    answer = f"/cases/{case_id}/problems/1/leader-answer"
    instruction = {"instruction": "由自然资源局牵头，三日内联合现场踏勘后定界"}
    not_theirs = await driver.http.post(answer, json=instruction, headers=leader("BZ"))
    assert not_theirs.status_code == 404  # another jurisdiction's case is not found
    agent_may_not = await driver.http.post(answer, json=instruction, headers=coordinator("HS"))
    assert agent_may_not.status_code == 403
    answered = await driver.post(answer, instruction, headers=leader("HS"))
    assert answered["leader_answer"]["instruction"] == instruction["instruction"]
    assert answered["leader_answer"]["answered_by"] == "leader.hs"
    twice = await driver.post(answer, instruction, headers=leader("HS"), expect=409)
    assert "已有领导批示" in twice["error"]["message"]
    entry = next(e for e in await driver.ledger(case_id) if e["event"] == "escalation_answered")
    assert entry["summary"] == f"县人民政府分管领导批示协调事项1：{instruction['instruction']}"
    told = await driver.http.get(
        "/notifications", params={"case_id": case_id, "address": "heshuo-natural-resources"}
    )
    assert "escalation_answered" in [n["event"] for n in told.json()["items"]]


def _resident(mobility_impaired: bool, id_number: str = "110101199003074477") -> dict[str, Any]:
    body = _heshuo(["pension-benefit-claim"])
    del body["enterprise"], body["project"]
    body["resident"] = {
        "name": "阿依古丽",
        "id_number": id_number,
        "mobility_impaired": mobility_impaired,
    }
    return body


async def test_a_resident_with_limited_mobility_is_served_and_others_are_told_why_not(
    driver: CaseDriver,
) -> None:
    served = await _open(driver, _resident(mobility_impaired=True))
    assert (await driver.status(served))["eligibility"]["eligible"] is True
    await driver.accept(served)
    listed = (await driver.http.get("/cases", params={"jurisdiction": "HS"})).json()
    row = next(item for item in listed["items"] if item["case_id"] == served)
    # The ID number stays in the ledger, out of lists.
    assert (row["enterprise_name"], row["uscc"], row["project_name"]) == (
        "阿依古丽",
        "",
        "阿依古丽的民生事项",
    )

    refused = await _open(driver, _resident(mobility_impaired=False))
    assert (await driver.status(refused))["eligibility"]["reasons"] == [
        "“城乡居民养老保险待遇申领”不属于帮代办范围：民生事项仅为行动不便或其他特殊群众代办"
    ]


async def test_another_special_group_is_served_and_the_department_sees_why(
    driver: CaseDriver,
) -> None:
    """和硕: 行动不便或其他特殊群众. The department's task says the applicant needs help."""
    body = _resident(mobility_impaired=False)
    body["resident"]["special_group"] = "高龄独居老人"
    case_id = await _open(driver, body)
    assert (await driver.status(case_id))["eligibility"]["eligible"] is True
    await driver.accept(case_id)
    await driver.post(f"/cases/{case_id}/plan", plan(["pension-benefit-claim"]))
    matter = next(m for m in (await driver.status(case_id))["matters"])
    await driver.wait_for_matter(case_id, matter["code"], "handed_over")
    clerk = matter["department"]
    task = await driver.http.get(
        f"/departments/{clerk}/tasks/{case_id}/{matter['code']}", headers=department(clerk)
    )
    assert task.json()["resident_needs_help"] == "特殊群众（高龄独居老人）"


async def test_a_resident_id_number_is_checked(driver: CaseDriver) -> None:
    response = await driver.http.post(
        "/cases", json=_resident(True, "110101199003074478"), headers=coordinator("HS")
    )
    assert response.status_code == 422
    assert "校验位应为7" in response.json()["error"]["message"]
    both = {**_resident(True), "enterprise": application()["enterprise"]}
    response = await driver.http.post("/cases", json=both, headers=coordinator("HS"))
    assert response.status_code == 422
    assert "委托人须为企业或居民之一" in response.json()["error"]["message"]
