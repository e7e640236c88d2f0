"""包头 in a real browser: a 一件事一次办 bundle on the 委托书, the plan with its 三包一 team,
and two matters decided at one 集中联审, recorded in the console. The ledger is read after."""

import re
from datetime import datetime

from playwright.async_api import expect
from sqlalchemy import Engine

from domain.clock import BUSINESS_ZONE
from store import accounts, ledger
from tests.e2e.test_console_browser import PASSWORD, TIMEOUT_MS
from tests.support.browser import LAPTOP, chromium, sign_in_by_keyboard

AGENT = "city.0"
MATTERS = ["water-connection", "power-connection"]


async def test_a_baotou_case_with_a_bundle_its_team_and_a_joint_review_in_the_console(
    live_api: str, engine: Engine
) -> None:
    accounts.set_password(engine, AGENT, PASSWORD)
    base = live_api
    today = datetime.now(BUSINESS_ZONE).date().isoformat()
    async with chromium() as browser:
        agent = await browser.new_page(viewport=LAPTOP, locale="zh-CN")
        agent.set_default_timeout(TIMEOUT_MS)
        await sign_in_by_keyboard(agent, base, AGENT, PASSWORD)
        await expect(agent.get_by_role("heading", name="案件")).to_be_visible()
        await agent.goto(f"{base}/console/cases/new")
        await agent.fill("#f-enterprise-name", "包头示例铝业有限公司")
        await agent.fill("#f-enterprise-uscc", "91350100M000100Y43")
        await agent.fill("#f-contact-name", "张三")
        await agent.fill("#f-contact-phone", "13800000000")
        await agent.select_option("#f-park", "baotou-jiuyuan")
        await agent.fill("#f-project-name", "铝材深加工项目")
        await agent.fill("#f-project-investment_wan_yuan", "3000")
        await agent.fill("#f-project-industry", "有色金属")
        for matter in MATTERS:
            await agent.check(f"input[name=matters][value={matter}]")
        await agent.check("input[name=bundles][value=enterprise-opening]")  # 一件事一次办
        await agent.fill("#f-period-end", "2027-06-30")
        await agent.get_by_role("button", name="登记委托", exact=True).click()
        await expect(agent.locator(".flash")).to_contain_text("委托已登记")
        case_id = agent.url.rsplit("/", 1)[-1].split("?")[0]
        assert re.fullmatch(r"BT-\d{4}-\d+", case_id), agent.url

        await agent.fill("#f-materials_received-lines", "营业执照")
        await agent.get_by_role("button", name="提交初审结果", exact=True).click()
        await expect(agent.locator(".steps [aria-current=step]")).to_have_text("计划制定")
        # 三包一: two agents at each level, in the rows the pack asks for
        for row in (0, 1, 3, 4, 6, 7):
            await agent.fill(f"#f-team-{row}-id", f"agent.{row}")
            await agent.fill(f"#f-team-{row}-name", f"代办员{row}")
            await agent.fill(f"#f-team-{row}-phone", "13900000000")
        planned = agent.locator("input[id$='-planned_finish']")
        assert await planned.count() > len(MATTERS)  # the bundle's matters joined the case
        for index in range(await planned.count()):
            await planned.nth(index).fill("2026-12-30")
        await agent.get_by_role("button", name="提交计划，移交部门", exact=True).click()
        await expect(agent.locator(".steps [aria-current=step]")).to_have_text("事项办理")

        # 集中联审: one meeting decides both matters
        await agent.locator("summary", has_text="集中联审").click()
        await agent.fill("#m-joint-review-meeting_on", today)
        await agent.fill("#m-joint-review-participants-lines", "包头市供水公司\n包头供电公司")
        for row, (matter, reference) in enumerate(zip(MATTERS, ("水1号", "电2号"), strict=True)):
            await agent.select_option(f"#m-joint-review-decisions-{row}-matter", matter)
            await agent.select_option(f"#m-joint-review-decisions-{row}-decision", "approve")
            await agent.fill(f"#m-joint-review-decisions-{row}-result_reference", reference)
        await agent.get_by_role("button", name="登记联审结果", exact=True).click()
        await expect(agent.locator(".flash")).to_contain_text("集中联审")
        for _ in range(50):  # the matters are decided in their own workflows
            await agent.reload()
            if await agent.get_by_text("已办结", exact=True).count() >= 2:
                break
            await agent.wait_for_timeout(200)
        await expect(agent.get_by_text("已办结", exact=True)).to_have_count(2)

    entries, _ = ledger.entries(engine, case_id, limit=200)
    events = [e.event.value for e in entries]
    assert events.count("joint_review_held") == 1 and events.count("matter_approved") >= 2
    received = next(e for e in entries if e.event.value == "application_received")
    assert "企业设立登记" in received.summary  # from the bundle
    plan = next(e for e in entries if e.event.value == "plan_agreed")
    levels = sorted(m["level"] for m in plan.details["plan"]["team"])
    assert levels == ["city", "city", "county", "county", "park", "park"]
