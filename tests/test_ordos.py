"""鄂尔多斯高新区: each matter goes to the department of its domain; a matter of no listed
domain (取水许可: 水利) stays with the project's 产业管理办公室."""

from typing import Any

from tests.driver import OPENED_CASES, CaseDriver, application, department, plan

MATTERS = ["enterprise-registration", "land-preexamination", "eia-report-table", "water-permit"]


def _ordos(**project: Any) -> dict[str, Any]:
    body = application(jurisdiction="ORD", park="ordos-hitech", matters=MATTERS)
    body["project"] = {**body["project"], **project}
    return body


async def test_matters_are_routed_by_domain_and_worked_by_those_departments(
    driver: CaseDriver,
) -> None:
    response = await driver.http.post("/cases", json=_ordos(), headers={"X-Actor": "gao.yi"})
    assert response.status_code == 201, response.text
    case_id = response.json()["case_id"]
    OPENED_CASES.extend([case_id, *(f"{case_id}/{code}" for code in MATTERS)])
    assert case_id.startswith("ORD-")
    status = await driver.status(case_id)
    assert {m["code"]: m["department_name"] for m in status["matters"]} == {
        "enterprise-registration": "高新区政务服务局",
        "land-preexamination": "高新区自然资源分局",
        "eia-report-table": "高新区建设管理局",
        "water-permit": "高新区产业管理办公室",
    }
    await driver.accept(case_id)
    await driver.post(f"/cases/{case_id}/plan", plan(MATTERS))
    await driver.wait_for_matter(case_id, "water-permit", "handed_over")
    office = "ordos-industry-office"
    inbox = (
        await driver.http.get(f"/departments/{office}/inbox", headers=department(office))
    ).json()
    assert [(t["case_id"], t["matter"]) for t in inbox["items"]] == [(case_id, "water-permit")]
    await driver.post(
        f"/departments/{office}/tasks/{case_id}/water-permit/acceptance",
        {},
        headers=department(office),
    )


async def test_an_unknown_industry_office_is_refused_with_the_field(driver: CaseDriver) -> None:
    response = await driver.http.post(
        "/cases", json=_ordos(industry_office="ordos-nowhere"), headers={"X-Actor": "gao.yi"}
    )
    assert response.status_code == 422
    error = response.json()["error"]
    assert error["details"][0]["field"] == "project.industry_office"
    assert "ordos-nowhere" in error["message"]
