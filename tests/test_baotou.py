"""包头市: 一件事一次办 bundles fan out into their matters, the 三包一 team is required on
the plan and each level's actions are attributed, and the 四即 promises are the limits."""

from typing import Any

from tests.driver import OPENED_CASES, CaseDriver, application, department, plan

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
    response = await driver.http.post("/cases", json=body, headers={"X-Actor": "city.0"})
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
    assert accepted["clock"]["limit_days"] == 5  # 签约即供地: 5 working days, not 20
    await driver.post(
        f"{task}/correction-request", {"items": ["出让合同"]}, headers=department(land)
    )
    await driver.post(
        f"/cases/{case_id}/matters/land-planning-permit/resubmission",
        {"materials": ["出让合同"]},
        headers={"X-Actor": "county.1"},
    )
    entries = await driver.ledger(case_id)
    resubmitted = next(e for e in entries if e["event"] == "materials_resubmitted")
    assert (resubmitted["actor"]["id"], resubmitted["details"]["agent_level"]) == (
        "county.1",
        "county",
    )


async def test_an_unknown_bundle_is_refused_with_the_field(driver: CaseDriver) -> None:
    body = application(jurisdiction="BT", park="baotou-jiuyuan", matters=[], bundles=["nope"])
    response = await driver.http.post("/cases", json=body, headers={"X-Actor": "city.0"})
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
