"""昌吉 in a real browser: the plan names an intermediary the investor chose, the 100-working-
day budget is on the case page, and a 容缺 acceptance holds the result until the agent
supplies the item and the department confirms it; delivery, the enterprise's rating and
the archive follow. The ledger is read afterwards."""

import re
from datetime import datetime, timedelta

from playwright.async_api import expect
from sqlalchemy import Engine

from domain.clock import BUSINESS_ZONE
from store import accounts, ledger
from tests.e2e.test_console_browser import PASSWORD, _reload_until
from tests.support.browser import (
    chromium,
    deliver_and_archive,
    register_entrustment,
    signed_in_page,
)

AGENT, CLERK = "zhao.liu", "clerk.changji-development-reform"


async def test_a_changji_case_with_its_budget_and_a_deferred_item_in_the_console(
    live_api: str, engine: Engine
) -> None:
    for username in (AGENT, CLERK, "zhang.san"):
        accounts.set_password(engine, username, PASSWORD)
    base = live_api
    supply_by = (datetime.now(BUSINESS_ZONE).date() + timedelta(days=5)).isoformat()
    async with chromium() as browser:
        agent = await signed_in_page(browser, base, AGENT, PASSWORD, "案件")
        case_id = await register_entrustment(
            agent,
            base,
            enterprise="昌吉示例能源有限公司",
            park="changji-investment-zone",
            project=("储能电站项目", "20000", "能源"),
            matters=["energy-review"],
        )
        assert case_id.startswith("CJ-")

        await agent.fill("#f-materials_received-lines", "营业执照")
        await agent.get_by_role("button", name="提交初审结果", exact=True).click()
        await expect(agent.locator(".steps [aria-current=step]")).to_have_text("计划制定")
        await agent.fill("#f-matters-0-planned_finish", "2026-12-30")
        await agent.fill("#f-matters-0-intermediary-name", "某节能评估中心")
        await agent.get_by_role("button", name="提交计划，移交部门", exact=True).click()
        await expect(agent.locator(".steps [aria-current=step]")).to_have_text("事项办理")
        await expect(agent.get_by_text("全流程时限（100个工作日）")).to_be_visible()

        clerk = await signed_in_page(browser, base, CLERK, PASSWORD, re.compile("待办事项"))
        await _reload_until(clerk, case_id)
        await clerk.get_by_role("link", name="固定资产投资项目节能审查").first.click()
        await clerk.fill("#m-acceptance-deferred_items-lines", "节能评估报告专家意见")
        await clerk.fill("#m-acceptance-supply_by", supply_by)
        await clerk.get_by_role("button", name="受理，开始计时", exact=True).click()
        await expect(clerk.locator(".flash")).to_contain_text("已受理")
        await clerk.fill("#m-approval-result_reference", "昌发改能审〔2026〕1号")
        await clerk.get_by_role("button", name="准予许可，办结", exact=True).click()
        await expect(clerk.locator(".flash")).to_contain_text("已办结")

        # held for the deferred item: the agent supplies it, the department confirms it
        await _reload_until(agent, "补齐容缺材料：固定资产投资项目节能审查")
        await agent.fill("#f-materials-lines", "节能评估报告专家意见")
        await agent.get_by_role("button", name="提交", exact=True).click()
        await expect(agent.locator(".flash")).to_contain_text("容缺材料已补齐")
        await clerk.goto(f"{base}/console/inbox/{case_id}/energy-review")
        await clerk.get_by_role("button", name="提交核验结果", exact=True).click()
        await expect(clerk.locator(".flash")).to_contain_text("容缺材料确认结果已登记")
        await deliver_and_archive(browser, agent, base, PASSWORD, case_id)

    entries, _ = ledger.entries(engine, case_id, limit=200)
    events = [e.event.value for e in entries]
    for event in (
        "case_budget_planned",
        "deferred_materials_supplied",
        "deferred_materials_confirmed",
        "results_delivered",
        "case_evaluated",
        "case_archived",
    ):
        assert event in events, event
    plan = next(e for e in entries if e.event.value == "plan_agreed")
    assert plan.details["plan"]["matters"][0]["intermediary"]["chosen_by"] == "enterprise"
