"""昌吉市: the whole case within 100 working days, projected from the critical path of its
matter graph when the plan is agreed; enterprise opening promised in 2 working days."""

from typing import Any

from temporalio.testing import WorkflowEnvironment

from domain.catalogue import TimeUnit
from domain.clock import BUSINESS_ZONE
from policies.working_calendar import WorkingCalendar
from tests.support.driver import OPENED_CASES, CaseDriver, application, department, plan
from tests.support.histories import record_if_asked
from tests.support.identities import coordinator, leader

CHAIN = [
    "forest-land",
    "land-preexamination",
    "project-approval",
    "land-planning-permit",
    "construction-planning-permit",
    "eia-report-book",
    "construction-permit",
]


async def _permit_working_days(env: WorkflowEnvironment) -> int:
    """施工许可's 7 calendar days after today, in working days (the budget's unit)."""
    today = (await env.get_current_time()).astimezone(BUSINESS_ZONE).date()
    calendar = WorkingCalendar()
    ends = calendar.add(today, 7, TimeUnit.CALENDAR_DAYS).value
    return calendar.count(today, ends, TimeUnit.WORKING_DAYS)[0]


async def _planned(driver: CaseDriver, matters: list[str]) -> str:
    body: dict[str, Any] = application(
        jurisdiction="CJ", park="changji-investment-zone", matters=matters
    )
    response = await driver.http.post("/cases", json=body, headers=coordinator("CJ"))
    assert response.status_code == 201, response.text
    case_id = response.json()["case_id"]
    OPENED_CASES.extend([case_id, *(f"{case_id}/{code}" for code in matters)])
    await driver.accept(case_id)
    await driver.post(f"/cases/{case_id}/plan", plan(matters))
    return case_id


async def test_a_critical_path_past_the_budget_is_a_warning_when_the_plan_is_agreed(
    driver: CaseDriver, env: WorkflowEnvironment
) -> None:
    case_id = await _planned(driver, CHAIN)
    budget = (await driver.status(case_id))["budget"]
    # 林地 20 → 用地预审 20 → 核准 20 → 用地规划 20 → 工程规划 20 (working days) →
    # 施工许可 7 calendar days: the working days among them (5, fewer over a holiday)
    permit = await _permit_working_days(env)
    assert (budget["budget_days"], budget["critical_days"], budget["over_by_days"]) == (
        100,
        100 + permit,
        permit,
    )
    assert budget["critical_path"] == [
        "林地/草原征占用审核",
        "建设项目用地预审与选址意见书",
        "企业投资项目核准",
        "建设用地规划许可证核发",
        "建设工程规划许可证核发",
        "建筑工程施工许可证核发",
    ]
    assert budget["expected_finish"] > budget["budget_ends"]
    entry = next(e for e in await driver.ledger(case_id) if e["event"] == "case_budget_exceeded")
    assert f"超出时限{permit}个工作日" in entry["summary"]
    told = (
        await driver.http.get("/notifications", params={"case_id": case_id, "recipient": "leader"})
    ).json()
    assert told["total"] == 1 and told["items"][0]["event"] == "case_budget_exceeded"
    await record_if_asked(env.client, "case_budget_exceeded", case_id, CHAIN[:1])


async def test_a_case_within_budget_is_planned_and_opening_is_promised_in_two_days(
    driver: CaseDriver,
) -> None:
    case_id = await _planned(driver, ["enterprise-registration"])
    budget = (await driver.status(case_id))["budget"]
    assert (budget["critical_days"], budget["over_by_days"]) == (2, 0)
    events = [e["event"] for e in await driver.ledger(case_id)]
    assert "case_budget_planned" in events and "case_budget_exceeded" not in events
    await driver.wait_for_matter(case_id, "enterprise-registration", "handed_over")
    market = "changji-market-regulation"
    accepted = await driver.post(
        f"/departments/{market}/tasks/{case_id}/enterprise-registration/acceptance",
        {},
        headers=department(market),
    )
    assert accepted["clock"]["limit_days"] == 2


async def test_a_pack_without_a_budget_plans_none(driver: CaseDriver) -> None:
    case_id = await driver.open()
    await driver.accept(case_id)
    await driver.plan(case_id)
    assert (await driver.status(case_id))["budget"] is None


async def test_registration_on_a_written_commitment_is_decided_at_once(
    driver: CaseDriver,
) -> None:
    matters = ["enterprise-registration", "land-preexamination"]
    case_id = await _planned(driver, matters)
    for matter in matters:
        await driver.wait_for_matter(case_id, matter, "handed_over")
    market, land = "changji-market-regulation", "changji-natural-resources"
    commitment = {"result_reference": "昌市监〔2026〕8号", "commitment": "住所承诺书2026-031"}
    approved = await driver.post(
        f"/departments/{market}/tasks/{case_id}/enterprise-registration/approval",
        commitment,
        headers=department(market),
    )
    assert approved["state"] == "approved" and approved["accepted_at"] is None
    entry = next(e for e in await driver.ledger(case_id) if e["event"] == "matter_approved")
    assert "告知承诺制：凭书面承诺住所承诺书2026-031当场作出决定，事后核查" in entry["summary"]
    refused = await driver.post(
        f"/departments/{land}/tasks/{case_id}/land-preexamination/approval",
        {**commitment, "result_reference": "x"},
        headers=department(land),
        expect=409,
    )
    assert "不适用告知承诺制" in refused["error"]["message"]


async def test_an_agent_may_not_name_an_intermediary_for_the_investor(driver: CaseDriver) -> None:
    matters = ["eia-report-book"]
    body: dict[str, Any] = application(
        jurisdiction="CJ", park="changji-investment-zone", matters=matters
    )
    response = await driver.http.post("/cases", json=body, headers=coordinator("CJ"))
    case_id = response.json()["case_id"]
    OPENED_CASES.extend([case_id, f"{case_id}/eia-report-book"])
    await driver.accept(case_id)
    named = plan(matters)
    named["matters"][0]["intermediary"] = {"name": "某环评公司", "chosen_by": "agent"}
    refused = await driver.post(f"/cases/{case_id}/plan", named, expect=409)
    assert refused["error"]["message"] == (
        "代办人员不得为企业指定中介机构（某环评公司），应由投资者（项目单位）自主选择"
    )
    named["matters"][0]["intermediary"]["chosen_by"] = "enterprise"
    await driver.post(f"/cases/{case_id}/plan", named)


async def test_a_matter_decided_early_brings_the_projection_back_within_budget(
    driver: CaseDriver, env: WorkflowEnvironment
) -> None:
    case_id = await _planned(driver, CHAIN)
    permit = await _permit_working_days(env)
    assert (await driver.status(case_id))["budget"]["over_by_days"] == permit
    await driver.wait_for_matter(case_id, "forest-land", "handed_over")
    forestry = "changji-forestry-grassland"
    task = f"/departments/{forestry}/tasks/{case_id}/forest-land"
    await driver.post(f"{task}/acceptance", {}, headers=department(forestry))
    await driver.post(
        f"{task}/approval", {"result_reference": "昌林审〔2026〕5号"}, headers=department(forestry)
    )
    status = await driver.wait_for(
        case_id, lambda s: s["budget"]["finished_days"], "the projection again"
    )
    budget = status["budget"]
    # Decided the day the plan was agreed: 0 working days instead of 20.
    assert budget["finished_days"] == {"forest-land": 0}
    assert (budget["critical_days"], budget["over_by_days"]) == (80 + permit, 0)
    entry = next(e for e in await driver.ledger(case_id) if e["event"] == "case_budget_reprojected")
    assert entry["summary"].startswith("按已办结事项实际用时重新测算：关键路径")
    assert f"共{80 + permit}个工作日" in entry["summary"]
    await record_if_asked(env.client, "case_budget_reprojected", case_id, CHAIN[:1])


async def test_deferral_is_per_matter(driver: CaseDriver) -> None:
    matters = ["eia-report-book", "energy-review"]
    case_id = await _planned(driver, matters)
    for matter in matters:
        await driver.wait_for_matter(case_id, matter, "handed_over")
    deferred = {"deferred_items": ["附图"], "supply_by": "2026-12-10"}
    eco = "changji-ecology-environment"
    refused = await driver.post(
        f"/departments/{eco}/tasks/{case_id}/eia-report-book/acceptance",
        deferred,
        headers=department(eco),
        expect=409,
    )
    assert "不适用容缺受理" in refused["error"]["message"]
    dev = "changji-development-reform"
    accepted = await driver.post(
        f"/departments/{dev}/tasks/{case_id}/energy-review/acceptance",
        deferred,
        headers=department(dev),
    )
    assert accepted["deferral"]["items"] == ["附图"]


async def test_the_leader_in_charge_reads_the_jurisdiction_and_hears_what_is_escalated(
    driver: CaseDriver,
) -> None:
    """分管领导 has an account of its own: it reads its jurisdiction's cases, is told what
    the leader is told (here a budget exceeded), and acts on nothing else."""
    case_id = await _planned(driver, CHAIN)
    chief = leader("CJ")
    read = await driver.http.get(f"/cases/{case_id}", headers=chief)
    assert read.status_code == 200
    listed = (await driver.http.get("/cases", headers=chief)).json()
    assert [c["case_id"] for c in listed["items"]] == [case_id]
    told = (await driver.http.get("/notifications", headers=chief)).json()
    assert [n["event"] for n in told["items"]] == ["case_budget_exceeded"]
    elsewhere = await driver.http.get(f"/cases/{case_id}", headers=leader("BZ"))
    assert elsewhere.status_code == 404  # another jurisdiction's case is not found
    acted = await driver.http.post(
        f"/cases/{case_id}/termination",
        json={"cause": "enterprise_request", "reason": "x", "signed_by": "张三"},
        headers=chief,
    )
    assert acted.status_code == 403
