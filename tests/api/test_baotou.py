"""包头市: 一件事一次办 bundles fan out into their matters, the 三包一 team is required on
the plan and each level's actions are attributed, and the 四即 promises are the limits."""

from typing import Any

from sqlalchemy import Engine
from temporalio.testing import WorkflowEnvironment

from tests.api.test_console import _sign_in
from tests.support.driver import (
    ENTERPRISE,
    OPENED_CASES,
    CaseDriver,
    application,
    department,
    plan,
)
from tests.support.histories import record_if_asked
from tests.support.identities import as_user, coordinator

CITY, COUNTY, PARK = "city", "county", "park"


def team(*counts: int) -> list[dict[str, Any]]:
    members = []
    for level, count in zip((CITY, COUNTY, PARK), counts, strict=True):
        members += [
            {"id": f"{level}.{n}", "name": f"{level}{n}", "phone": "13900000000", "level": level}
            for n in range(count)
        ]
    return members


async def _open(driver: CaseDriver, **overrides: Any) -> tuple[str, list[str]]:
    body = application(jurisdiction="BT", park="baotou-jiuyuan", **overrides)
    response = await driver.http.post("/cases", json=body, headers=coordinator("BT"))
    assert response.status_code == 201, response.text
    case_id = response.json()["case_id"]
    matters = [m["code"] for m in (await driver.status(case_id))["matters"]]
    OPENED_CASES.extend([case_id, *(f"{case_id}/{code}" for code in matters)])
    return case_id, matters


async def test_bundles_fan_out_and_the_three_level_team_works_the_case(
    driver: CaseDriver,
) -> None:
    case_id, matters = await _open(
        driver,
        matters=["land-planning-permit", "tax-information"],
        bundles=["enterprise-opening", "tax-affairs"],
    )
    # The matters named one by one first, then each bundle's, every matter once.
    assert matters == [
        "land-planning-permit",
        "tax-information",
        "enterprise-registration",
        "seal-engraving",
        "social-security-registration",
        "invoice-issuance",
    ]
    status = await driver.status(case_id)
    assert status["application"]["bundles"] == ["enterprise-opening", "tax-affairs"]

    await driver.accept(case_id)
    short = await driver.post(
        f"/cases/{case_id}/plan", {**plan(matters), "team": team(2, 1, 3)}, expect=409
    )
    assert short["error"]["message"] == (
        "三包一：市、旗县区、园区各须明确2—3名代办帮办人员（现为旗县区1名）"
    )
    await driver.post(f"/cases/{case_id}/plan", {**plan(matters), "team": team(2, 2, 3)})
    land = "baotou-natural-resources"
    await driver.wait_for_matter(case_id, "land-planning-permit", "handed_over")
    task = f"/departments/{land}/tasks/{case_id}/land-planning-permit"
    accepted = await driver.post(f"{task}/acceptance", {}, headers=department(land))
    assert accepted["clock"]["limit_days"] == 20  # the 5-day promise is the next permit's
    await driver.post(
        f"{task}/correction-request", {"items": ["出让合同"]}, headers=department(land)
    )
    await driver.post(
        f"/cases/{case_id}/matters/land-planning-permit/resubmission",
        {"materials": ["出让合同"]},
        headers=as_user("county.1"),
    )
    entries = await driver.ledger(case_id)
    resubmitted = next(e for e in entries if e["event"] == "materials_resubmitted")
    assert (resubmitted["actor"]["id"], resubmitted["details"]["agent_level"]) == (
        "county.1",
        "county",
    )


async def test_an_unknown_bundle_is_refused_with_the_field(driver: CaseDriver) -> None:
    body = application(jurisdiction="BT", park="baotou-jiuyuan", matters=[], bundles=["nope"])
    response = await driver.http.post("/cases", json=body, headers=coordinator("BT"))
    assert response.status_code == 422
    assert response.json()["error"]["details"][0]["field"] == "bundles"


async def test_joint_completion_acceptance_is_promised_in_nine_working_days(
    driver: CaseDriver,
) -> None:
    case_id, matters = await _open(driver, matters=["joint-completion-acceptance"])
    await driver.accept(case_id)
    await driver.post(f"/cases/{case_id}/plan", {**plan(matters), "team": team(2, 2, 2)})
    await driver.wait_for_matter(case_id, "joint-completion-acceptance", "handed_over")
    housing = "baotou-housing-construction"
    accepted = await driver.post(
        f"/departments/{housing}/tasks/{case_id}/joint-completion-acceptance/acceptance",
        {},
        headers=department(housing),
    )
    assert accepted["clock"]["limit_days"] == 9


async def handed_over(driver: CaseDriver, chosen: list[str]) -> str:
    """A 包头 case of these matters, accepted, planned with its 三包一 team, and each matter
    with its department."""
    case_id, matters = await _open(driver, matters=chosen)
    await driver.accept(case_id)
    await driver.post(f"/cases/{case_id}/plan", {**plan(matters), "team": team(2, 2, 2)})
    for matter in chosen:
        await driver.wait_for_matter(case_id, matter, "handed_over")
    return case_id


def _approve(matter: str, reference: str) -> dict[str, str]:
    return {"matter": matter, "decision": "approve", "result_reference": reference}


async def test_a_joint_review_decides_several_matters_in_one_meeting(
    driver: CaseDriver, env: WorkflowEnvironment
) -> None:
    chosen = ["water-connection", "power-connection", "gas-connection"]
    case_id = await handed_over(driver, chosen)
    meeting = {
        "meeting_on": "2026-11-25",
        "participants": ["包头市供水公司", "包头供电公司", "包头市燃气公司"],
        "decisions": [
            _approve("water-connection", "水〔2026〕1号"),
            _approve("power-connection", "电〔2026〕2号"),
        ],
    }
    wrong = {
        **meeting,
        "decisions": [
            *meeting["decisions"],
            {"matter": "nope", "decision": "refuse", "reason": "x"},
        ],
    }
    refused = await driver.post(f"/cases/{case_id}/joint-review", wrong, expect=409)
    assert "没有事项nope" in refused["error"]["message"]
    await driver.post(f"/cases/{case_id}/joint-review", meeting)
    for matter in ("water-connection", "power-connection"):
        await driver.wait_for_matter(case_id, matter, "approved")
    entries = await driver.ledger(case_id)
    held = next(e for e in entries if e["event"] == "joint_review_held")
    assert "一次决定用水报装、用电报装" in held["summary"]
    approved = [e for e in entries if e["event"] == "matter_approved"]
    assert sorted(e["matter"] for e in approved) == ["power-connection", "water-connection"]
    assert all(e["summary"].startswith("2026-11-25集中联审决定") for e in approved)
    assert approved[0]["details"]["joint_review"]["participants"] == meeting["participants"]
    # The gas connection was not decided: it is still the department's.
    status = await driver.status(case_id)
    assert {m["code"]: m["state"] for m in status["matters"]}["gas-connection"] == "handed_over"
    again = await driver.post(f"/cases/{case_id}/joint-review", meeting, expect=409)
    assert "用水报装”当前为已办结，不能提交联审决定" in again["error"]["message"]
    await record_if_asked(env.client, "joint_review", case_id, chosen)


async def test_a_pack_without_joint_review_refuses_one(driver: CaseDriver) -> None:
    case_id = await driver.open()
    await driver.accept(case_id)
    await driver.plan(case_id)
    meeting = {
        "meeting_on": "2026-11-25",
        "participants": ["甲", "乙"],
        "decisions": [
            {"matter": "land-preexamination", "decision": "refuse", "reason": "不符合规划"},
            {"matter": "enterprise-registration", "decision": "refuse", "reason": "名称重复"},
        ],
    }
    refused = await driver.post(f"/cases/{case_id}/joint-review", meeting, expect=409)
    assert "未实行集中联审" in refused["error"]["message"]


async def test_the_construction_planning_permit_is_promised_in_five_working_days(
    driver: CaseDriver,
) -> None:
    """四即, 签约即供地: the seed's 5 working days are the 建设工程规划许可证's, after the
    land planning permit; the completion acceptance waits for it."""
    chosen = ["land-planning-permit", "construction-planning-permit", "joint-completion-acceptance"]
    case_id, matters = await _open(driver, matters=chosen)
    await driver.accept(case_id)
    await driver.post(f"/cases/{case_id}/plan", {**plan(matters), "team": team(2, 2, 2)})
    await driver.wait_for_matter(case_id, "land-planning-permit", "handed_over")
    status = await driver.status(case_id)
    states = {m["code"]: m["state"] for m in status["matters"]}
    assert states["construction-planning-permit"] == "waiting"
    assert states["joint-completion-acceptance"] == "waiting"  # not on day one
    land = "baotou-natural-resources"
    base = f"/departments/{land}/tasks/{case_id}"
    await driver.post(f"{base}/land-planning-permit/acceptance", {}, headers=department(land))
    await driver.post(
        f"{base}/land-planning-permit/approval",
        {"result_reference": "包规地〔2026〕1号"},
        headers=department(land),
    )
    await driver.wait_for_matter(case_id, "construction-planning-permit", "handed_over")
    accepted = await driver.post(
        f"{base}/construction-planning-permit/acceptance", {}, headers=department(land)
    )
    assert accepted["clock"]["limit_days"] == 5


async def test_an_enterprise_applies_online_and_waits_for_initial_review(
    driver: CaseDriver, engine: Engine
) -> None:
    """包头 云代办 在线申请: POST /cases answered the enterprise 403."""
    body = application(jurisdiction="BT", park="baotou-jiuyuan", matters=["water-connection"])
    own = await driver.http.post("/cases", json=body, headers=ENTERPRISE)
    assert own.status_code == 201, own.text
    case_id = own.json()["case_id"]
    OPENED_CASES.extend([case_id, f"{case_id}/water-connection"])
    other = {**body, "enterprise": {**body["enterprise"], "uscc": "91110000802100433B"}}
    refused = await driver.http.post("/cases", json=other, headers=ENTERPRISE)
    assert refused.status_code == 403 and "本企业" in refused.json()["error"]["message"]
    bozhou = await driver.http.post("/cases", json=application(), headers=ENTERPRISE)
    assert bozhou.status_code == 403 and "暂未开通企业在线申请" in bozhou.text
    status = await driver.wait_for(case_id, lambda s: s["version"] >= 1, "the application entry")
    assert status["stage"] == "initial_review"
    received = (await driver.ledger(case_id))[0]
    assert "（企业在线申请）" in received["summary"] and received["actor"]["role"] == "enterprise"
    await driver.accept(case_id)  # the committee reviews it like one typed at the window

    # and from the console
    http = driver.http
    token = http.headers.pop("Authorization")
    await _sign_in(http, engine, "zhang.san")
    page = (await http.get("/console/cases/new")).text
    assert "在线申请代办" in page and 'value="91350100M000100Y43"' in page
    csrf = page.split('name="csrf" value="')[1].split('"')[0]
    form = {
        "csrf": csrf,
        "enterprise.name": body["enterprise"]["name"],
        "enterprise.uscc": body["enterprise"]["uscc"],
        "contact.name": "张三",
        "contact.phone": "13800000000",
        "park": "baotou-jiuyuan",
        "project.name": "铝材深加工项目",
        "project.investment_wan_yuan": "3000",
        "project.industry": "有色金属",
        "bundles": "enterprise-opening",
        "scope": "full",
        "period.start": body["period"]["start"],
        "period.end": body["period"]["end"],
    }
    submitted = await http.post("/console/cases/new", data=form)
    assert submitted.status_code == 303, submitted.text
    online_case = submitted.headers["location"].split("/")[-1].split("?")[0]
    assert online_case.startswith("BT-")
    page = (await http.get(submitted.headers["location"])).text
    assert "铝材深加工项目" in page and "初审" in page
    http.headers["Authorization"] = token
    OPENED_CASES.append(online_case)
