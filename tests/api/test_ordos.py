"""鄂尔多斯高新区: each matter goes to the department of its domain; a matter of no listed
domain (取水许可: 水利) stays with the project's 产业管理办公室."""

from typing import Any

from tests.support.driver import OPENED_CASES, CaseDriver, application, department, plan
from tests.support.identities import coordinator
from tests.support.polling import eventually

MATTERS = ["enterprise-registration", "land-preexamination", "eia-report-table", "water-permit"]
# 四.(二): one or two agents from each department the case's matters go to.
TEAM = [
    {"id": f"agent.{code}", "name": "代办员", "phone": "13900000000", "department": f"ordos-{code}"}
    for code in ("government-services", "natural-resources", "construction", "industry-office")
]


def _ordos(**project: Any) -> dict[str, Any]:
    body = application(jurisdiction="ORD", park="ordos-hitech", matters=MATTERS)
    body["project"] = {**body["project"], **project}
    return body


async def test_matters_are_routed_by_domain_and_worked_by_those_departments(
    driver: CaseDriver,
) -> None:
    response = await driver.http.post("/cases", json=_ordos(), headers=coordinator("ORD"))
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
    missing = await driver.post(f"/cases/{case_id}/plan", plan(MATTERS), expect=409)
    assert missing["error"]["message"].startswith("各相关部门须选派1—2名代办帮办员（现为")
    await driver.post(f"/cases/{case_id}/plan", {**plan(MATTERS), "team": TEAM})
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
        "/cases", json=_ordos(industry_office="ordos-nowhere"), headers=coordinator("ORD")
    )
    assert response.status_code == 422
    error = response.json()["error"]
    assert error["details"][0]["field"] == "project.industry_office"
    assert "ordos-nowhere" in error["message"]


def _listed(name: str, matters: list[str]) -> dict[str, Any]:
    body = application(matters=matters)
    return {
        "enterprise": body["enterprise"],
        "contact": body["contact"],
        "project": {**body["project"], "name": name},
        "matters": matters,
        "period": body["period"],
    }


async def test_an_industry_office_pushes_its_signed_projects_one_case_each(
    driver: CaseDriver,
) -> None:
    office = "ordos-industry-office"
    pushed = {
        "park": "ordos-hitech",
        "office": office,
        "projects": [
            _listed("光伏组件项目", ["land-preexamination", "water-permit"]),
            _listed("储能电池项目", ["energy-review"]),
        ],
    }
    response = await driver.http.post("/project-lists", json=pushed, headers=coordinator("ORD"))
    assert response.status_code == 201, response.text
    cases = response.json()
    assert [c["project_name"] for c in cases] == ["光伏组件项目", "储能电池项目"]
    for case, matters in zip(
        cases, (["land-preexamination", "water-permit"], ["energy-review"]), strict=True
    ):
        OPENED_CASES.extend([case["case_id"], *(f"{case['case_id']}/{m}" for m in matters)])
    first = await driver.status(cases[0]["case_id"])
    assert first["application"]["project"]["industry_office"] == office
    assert {m["code"]: m["department"] for m in first["matters"]}["water-permit"] == office
    for case in cases:  # the first ledger entry lands just after the case starts

        async def notices(case_id: str = case["case_id"]) -> dict:
            params = {"case_id": case_id, "recipient": "department"}
            found = (await driver.http.get("/notifications", params=params)).json()
            return found if found["total"] else {}

        copied = await eventually(notices, "the departments' copies")
        assert sorted(n["address"] for n in copied["items"]) == [
            "ordos-government-services",
            "ordos-investment-promotion",
        ]


async def test_a_bad_project_in_a_list_opens_none_and_is_named(driver: CaseDriver) -> None:
    pushed = {
        "park": "ordos-hitech",
        "office": "ordos-industry-office",
        "projects": [_listed("甲项目", ["energy-review"]), _listed("乙项目", ["no-such"])],
    }
    response = await driver.http.post("/project-lists", json=pushed, headers=coordinator("ORD"))
    assert response.status_code == 422
    assert response.json()["error"]["details"][0]["field"] == "projects[1].matters"
    listed = (await driver.http.get("/cases", params={"jurisdiction": "ORD"})).json()
    assert listed["total"] == 0


async def test_the_office_pushes_only_its_own_list_from_its_own_account(
    driver: CaseDriver,
) -> None:
    pushed = {
        "park": "ordos-hitech",
        "office": "ordos-industry-office",
        "projects": [_listed("氢能项目", ["energy-review"])],
    }
    office = department("ordos-industry-office")
    response = await driver.http.post("/project-lists", json=pushed, headers=office)
    assert response.status_code == 201, response.text
    case_id = response.json()[0]["case_id"]
    OPENED_CASES.extend([case_id, f"{case_id}/energy-review"])
    other = department("ordos-construction")
    refused = await driver.http.post("/project-lists", json=pushed, headers=other)
    assert refused.status_code == 403
    assert "只能推送本办公室签约的项目清单" in refused.json()["error"]["message"]
