"""Who is told (issue 18): a 补正 tells the agent and the enterprise (it starts the 48-hour
clock); the enterprise hears of its acceptance, delivery (please sign), the rating due, a
refusal and a termination; the agent of all matters decided; a department of its task
withdrawn; 州工信局 of a filed cross-county report."""

from temporalio.client import Client

from tests.support.driver import ENTERPRISE, CaseDriver, plan
from tests.support.histories import record_if_asked
from tests.support.identities import department, oversight
from tests.workflows.test_cross_county import wutai_case_rated

RATING = {"level": "满意", "efficiency": 5, "quality": 5, "problem_solving": 5}


async def _messages(driver: CaseDriver, headers: dict, case_id: str, **params) -> list[str]:
    response = await driver.http.get(
        "/notifications", params={"case_id": case_id, "limit": 200, **params}, headers=headers
    )
    assert response.status_code == 200, response.text
    return [n["message"] for n in reversed(response.json()["items"])]


async def test_the_enterprise_and_the_agent_are_told_each_step_that_needs_them(
    driver: CaseDriver, client: Client
) -> None:
    case_id = await driver.open(matters=["enterprise-registration"])
    await driver.accept(case_id)
    await driver.post(f"/cases/{case_id}/plan", plan(["enterprise-registration"]))
    await driver.wait_for_matter(case_id, "enterprise-registration", "handed_over")
    await driver.department_act(case_id, "enterprise-registration", "acceptance", {})
    await driver.department_act(
        case_id, "enterprise-registration", "correction-request", {"items": ["公司章程签字页"]}
    )
    await driver.post(
        f"/cases/{case_id}/matters/enterprise-registration/resubmission",
        {"materials": ["公司章程签字页"]},
    )
    await driver.department_act(
        case_id, "enterprise-registration", "approval", {"result_reference": "博市监〔2026〕1号"}
    )
    await driver.wait_for_stage(case_id, "delivery")
    await driver.post(f"/cases/{case_id}/delivery", {})
    await driver.post(f"/cases/{case_id}/receipt", {"signed_by": "张三"}, headers=ENTERPRISE)
    await driver.post(f"/cases/{case_id}/evaluation", RATING, headers=ENTERPRISE)

    told = await _messages(driver, ENTERPRISE, case_id)
    assert told[0].startswith("您的代办委托已正式受理，受理通知书")
    assert any("要求补正“企业设立登记”：公司章程签字页" in m for m in told)
    assert "办理结果已送达，请签收审批结果和退还的原始材料" in told
    assert any(m.startswith("请对本次帮办代办服务作出评价") for m in told)
    agent = await _messages(driver, driver.http.headers, case_id, recipient="agent")
    assert any("须在48小时内启动协调" in m for m in agent)
    assert f"案件{case_id}全部事项已办结，请送达结果" in agent
    await record_if_asked(client, "who_is_told", case_id, ["enterprise-registration"])


async def test_refusal_termination_and_withdrawal_are_told(driver: CaseDriver) -> None:
    refused = await driver.open()
    await driver.post(
        f"/cases/{refused}/review", {"decision": "refuse", "reasons": ["不属于代办范围"]}
    )
    assert await _messages(driver, ENTERPRISE, refused) == [
        "您的代办委托初审不予受理：不属于代办范围"
    ]

    case_id = await driver.open()
    await driver.accept(case_id)
    await driver.plan(case_id)
    await driver.wait_for_matter(case_id, "land-preexamination", "handed_over")
    await driver.post(
        f"/cases/{case_id}/termination",
        {"cause": "enterprise_request", "reason": "企业调整投资计划", "signed_by": "张三"},
    )
    await driver.wait_for_matter(case_id, "land-preexamination", "withdrawn")
    assert "代办委托已终止：企业调整投资计划" in await _messages(driver, ENTERPRISE, case_id)
    land = department("bole-natural-resources")
    withdrawn = await _messages(driver, land, case_id)
    assert "案件终止，“建设项目用地预审与选址意见书”已撤回，无需继续办理" in withdrawn


async def test_the_special_team_is_told_of_a_filed_cross_county_report(
    driver: CaseDriver,
) -> None:
    case_id = await wutai_case_rated(driver)
    await driver.file_feedback_report(case_id)
    told = await _messages(driver, oversight(), case_id)
    assert len(told) == 1 and told[0].startswith(f"跨县市案件{case_id}评价反馈报告已报送")
