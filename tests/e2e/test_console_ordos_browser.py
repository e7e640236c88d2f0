"""鄂尔多斯 in a real browser: the industry office pushes its signed project from its own
account, the committee's agent reviews and plans it with a team per department, reports a
stalled hand-off, records the coordination and escalates it, and the leader in charge
answers with an instruction; the department then decides, the enterprise signs and rates,
and the case archives. The ledger is read afterwards."""

import re
from datetime import datetime

from playwright.async_api import expect
from sqlalchemy import Engine

from domain.clock import BUSINESS_ZONE
from store import accounts, ledger
from tests.e2e.test_console_browser import PASSWORD, _reload_until
from tests.support.browser import chromium, decide_in_console, deliver_and_archive, signed_in_page

OFFICE, AGENT, LEADER = "clerk.ordos-industry-office", "gao.yi", "leader.ord"
CLERK = "clerk.ordos-natural-resources"


async def test_an_ordos_project_list_is_pushed_planned_and_escalated_in_the_console(
    live_api: str, engine: Engine
) -> None:
    for username in (OFFICE, AGENT, LEADER, CLERK, "zhang.san"):
        accounts.set_password(engine, username, PASSWORD)
    base = live_api
    today = datetime.now(BUSINESS_ZONE).date().isoformat()
    async with chromium() as browser:
        office = await signed_in_page(browser, base, OFFICE, PASSWORD, re.compile("待办事项"))
        await office.get_by_role("link", name="项目清单").click()
        await office.select_option("#m-push-park", "ordos-hitech")
        await office.fill("#m-push-projects-0-enterprise-name", "鄂尔多斯示例光伏有限公司")
        await office.fill("#m-push-projects-0-enterprise-uscc", "91350100M000100Y43")
        await office.fill("#m-push-projects-0-contact-name", "张三")
        await office.fill("#m-push-projects-0-contact-phone", "13800000000")
        await office.fill("#m-push-projects-0-project-name", "光伏组件项目")
        await office.fill("#m-push-projects-0-project-investment_wan_yuan", "5000")
        await office.fill("#m-push-projects-0-project-industry", "新能源")
        await office.check("input[name='projects.0.matters~list'][value=land-preexamination]")
        await office.fill("#m-push-projects-0-period-start", today)
        await office.fill("#m-push-projects-0-period-end", "2027-06-30")
        await office.get_by_role("button", name="推送", exact=True).click()
        await expect(office.locator(".flash")).to_contain_text("项目清单已推送")

        agent = await signed_in_page(browser, base, AGENT, PASSWORD, "案件")
        await _reload_until(agent, "光伏组件项目")
        await agent.get_by_role("link", name=re.compile(r"ORD-\d{4}-\d+")).first.click()
        case_id = agent.url.rsplit("/", 1)[-1].split("?")[0]
        await agent.fill("#f-materials_received-lines", "项目备案信息")
        await agent.get_by_role("button", name="提交初审结果", exact=True).click()
        await expect(agent.locator(".steps [aria-current=step]")).to_have_text("计划制定")
        await agent.fill("#f-team-0-id", "gao.yi")
        await agent.fill("#f-team-0-name", "高一")
        await agent.fill("#f-team-0-phone", "13900000000")
        await agent.fill("#f-matters-0-planned_finish", "2026-12-30")
        await agent.get_by_role("button", name="提交计划，移交部门", exact=True).click()
        await expect(agent.locator(".steps [aria-current=step]")).to_have_text("事项办理")

        await agent.locator("summary", has_text="报告部门衔接不畅").click()
        await agent.fill("#m-stall-reports-description", "自然资源局三日未受理")
        await agent.get_by_role("button", name="报告", exact=True).click()
        await expect(agent.locator(".flash")).to_contain_text("48小时")
        await agent.locator("summary", has_text="报请领导协调").click()
        await agent.fill("#m-problems-1-escalation-reason", "部门答复需待上级意见")
        await agent.get_by_role("button", name="报请领导协调", exact=True).click()
        await expect(agent.locator(".flash")).to_contain_text("已报请领导协调")

        leader = await signed_in_page(browser, base, LEADER, PASSWORD, "案件")
        await leader.goto(f"{base}/console/cases/{case_id}")
        await leader.locator("summary", has_text="批示协调事项1").click()
        await leader.fill("#m-problems-1-leader-answer-instruction", "请自然资源局即日受理")
        await leader.get_by_role("button", name="批示", exact=True).click()
        await expect(leader.locator(".flash")).to_contain_text("批示已送达")

        # The department takes the instruction: 受理 and 办结; delivery, rating, archive.
        await decide_in_console(
            browser, base, PASSWORD, case_id, "land-preexamination", "鄂自然资预〔2026〕1号"
        )
        await deliver_and_archive(browser, agent, base, PASSWORD, case_id)

    entries, _ = ledger.entries(engine, case_id, limit=200)
    by_event = {e.event.value: e for e in entries}
    assert by_event["application_received"].actor.id == OFFICE
    for event in (
        "plan_agreed",
        "coordination_due",
        "coordination_escalated",
        "matter_approved",
        "results_delivered",
        "case_archived",
    ):
        assert event in by_event, event
    assert by_event["escalation_answered"].actor.id == LEADER
