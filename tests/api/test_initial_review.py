"""初审 as a real office holds it: accept only the eligible matters (部分受理), and amend the
委托书 while reviewing instead of refusing it and opening it again under a new number."""

from typing import Any

from sqlalchemy import Engine
from temporalio.client import Client

from store import projection
from tests.api.test_heshuo import _heshuo, _open
from tests.support.driver import CaseDriver, plan
from tests.support.histories import record_if_asked
from tests.support.identities import coordinator, enterprise

LAND, REGISTRATION = "land-preexamination", "enterprise-registration"
ACCEPT = {"decision": "accept", "materials_received": ["申请表", "营业执照"]}


async def _ineligible_land_case(driver: CaseDriver) -> str:
    body = _heshuo([LAND, REGISTRATION], investment_wan_yuan="300", approval_level="county")
    return await _open(driver, body)


async def test_initial_review_accepts_the_eligible_matters_and_excludes_the_others(
    driver: CaseDriver, engine: Engine, client: Client
) -> None:
    case_id = await _ineligible_land_case(driver)
    path = f"/cases/{case_id}/review"
    hs = coordinator("HS")
    unknown = {**ACCEPT, "excluded": [{"matter": "water-permit", "reason": "不在委托书中"}]}
    refused = await driver.post(path, unknown, headers=hs, expect=409)
    assert "没有委托这些事项：water-permit" in refused["error"]["message"]
    everything = [
        {"matter": LAND, "reason": "投资额低于500万元"},
        {"matter": REGISTRATION, "reason": "x"},
    ]
    refused = await driver.post(path, {**ACCEPT, "excluded": everything}, headers=hs, expect=409)
    assert "应作出不予受理决定" in refused["error"]["message"]
    blank = {**ACCEPT, "excluded": [{"matter": LAND, "reason": " "}]}
    await driver.post(path, blank, headers=hs, expect=422)

    partly = {**ACCEPT, "excluded": [{"matter": LAND, "reason": "投资额300万元，低于500万元"}]}
    status = await driver.post(path, partly, headers=hs)
    assert status["stage"] == "planning"
    assert [m["code"] for m in status["matters"]] == [REGISTRATION]
    assert status["acceptance_notice"]["matters"] == ["企业设立登记"]
    assert status["application"]["matters"] == [REGISTRATION]
    entry = next(e for e in await driver.ledger(case_id) if e["event"] == "application_accepted")
    assert entry["summary"].startswith("初审部分受理：受理企业设立登记；")
    assert "“建设项目用地预审与选址意见书”不予受理：投资额300万元，低于500万元" in entry["summary"]
    assert entry["details"]["excluded"] == partly["excluded"]
    rows = projection.matter_rows(engine, case_id)
    assert [r.code for r in rows] == [REGISTRATION]
    # the plan covers the accepted matters only, and they are handed over as usual
    await driver.post(f"/cases/{case_id}/plan", plan([REGISTRATION]), headers=hs)
    await driver.wait_for_matter(case_id, REGISTRATION, "handed_over")
    await record_if_asked(client, "partial_acceptance", case_id, [REGISTRATION])


async def test_the_coordinator_amends_the_application_during_initial_review(
    driver: CaseDriver, client: Client
) -> None:
    body = _heshuo([LAND], investment_wan_yuan="800")  # approval level not filled in
    case_id = await _open(driver, body)
    assert (await driver.status(case_id))["eligibility"]["eligible"] is False
    path = f"/cases/{case_id}/amendment"
    hs = coordinator("HS")
    amended: dict[str, Any] = {**body, "project": {**body["project"], "approval_level": "county"}}
    request = {"application": amended, "reason": "补填审批层级（县级）"}

    await driver.post(path, {**request, "reason": ""}, headers=hs, expect=422)
    other = {**amended, "enterprise": {**amended["enterprise"], "uscc": "91110000802100433B"}}
    refused = await driver.post(path, {**request, "application": other}, headers=hs, expect=422)
    assert "另行委托" in refused["error"]["message"]
    unknown = {**amended, "matters": ["no-such-matter"]}
    await driver.post(path, {**request, "application": unknown}, headers=hs, expect=422)
    same = await driver.post(path, {**request, "application": body}, headers=hs, expect=409)
    assert same["error"]["message"] == "委托书没有改动"
    stranger = await driver.http.post(path, json=request, headers=enterprise())
    assert stranger.status_code in (403, 404)

    status = await driver.post(path, request, headers=hs)
    assert status["eligibility"]["eligible"] is True
    assert status["application"]["project"]["approval_level"] == "county"
    entry = next(e for e in await driver.ledger(case_id) if e["event"] == "application_amended")
    assert entry["summary"].startswith("初审中修改委托书（项目信息）：补填审批层级（县级）")
    changed = entry["details"]["changes"]["project"]
    assert changed["before"]["approval_level"] is None
    assert changed["after"]["approval_level"] == "county"
    assert entry["actor"]["id"] == "ma.li"

    # an added matter is resolved against the catalogue like a new one
    more = {**amended, "matters": [LAND, REGISTRATION]}
    added = {"application": more, "reason": "增加企业设立登记"}
    status = await driver.post(path, added, headers=hs)
    assert [m["department"] for m in status["matters"]] == [
        "heshuo-natural-resources",
        "heshuo-market-regulation",
    ]
    await driver.post(f"/cases/{case_id}/review", ACCEPT, headers=hs)
    late = await driver.post(path, request, headers=hs, expect=409)
    assert "初审" in late["error"]["message"]
    await record_if_asked(client, "application_amended", case_id, [])
