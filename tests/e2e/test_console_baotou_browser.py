"""包头 in a real browser, start to archive: a 一件事一次办 bundle on the 委托书, the plan with
its 三包一 team, two matters decided at one 集中联审, the bundle's matters by their
departments, delivery and the enterprise's rating. The ledger is read after."""

from datetime import datetime

from playwright.async_api import expect
from sqlalchemy import Engine

from domain.clock import BUSINESS_ZONE
from policies.registry import PACKS
from store import accounts, ledger
from tests.e2e.test_console_browser import PASSWORD
from tests.support.browser import (
    chromium,
    decide_in_console,
    deliver_and_archive,
    register_entrustment,
    signed_in_page,
)

AGENT = "city.0"
MATTERS = ["water-connection", "power-connection"]
# 企业开办一件事, in the order its matters wait for one another.
BUNDLE = [
    "enterprise-registration",
    "seal-engraving",
    "tax-information",
    "social-security-registration",
]


async def test_a_baotou_case_with_a_bundle_its_team_and_a_joint_review_in_the_console(
    live_api: str, engine: Engine
) -> None:
    clerks = [f"clerk.{d.code}" for d in PACKS["BT"].departments]
    for username in (AGENT, "zhang.san", *clerks):
        accounts.set_password(engine, username, PASSWORD)
    base = live_api
    today = datetime.now(BUSINESS_ZONE).date().isoformat()
    async with chromium() as browser:
        agent = await signed_in_page(browser, base, AGENT, PASSWORD, "案件")
        case_id = await register_entrustment(
            agent,
            base,
            enterprise="包头示例铝业有限公司",
            park="baotou-jiuyuan",
            project=("铝材深加工项目", "3000", "有色金属"),
            matters=MATTERS,
            bundles=("enterprise-opening",),  # 一件事一次办
        )
        assert case_id.startswith("BT-")

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

        # The bundle's matters, each by its department (registration first: the rest wait
        # for it); then delivery, the enterprise's receipt and rating, and the archive.
        for n, matter in enumerate(BUNDLE):
            await decide_in_console(browser, base, PASSWORD, case_id, matter, f"包{n}号")
        await deliver_and_archive(browser, agent, base, PASSWORD, case_id)

    entries, _ = ledger.entries(engine, case_id, limit=200)
    events = [e.event.value for e in entries]
    assert events.count("joint_review_held") == 1
    assert events.count("matter_approved") == len(MATTERS) + len(BUNDLE)
    assert events[-1] == "case_archived" and "results_delivered" in events
    received = next(e for e in entries if e.event.value == "application_received")
    assert "企业设立登记" in received.summary  # from the bundle
    plan = next(e for e in entries if e.event.value == "plan_agreed")
    levels = sorted(m["level"] for m in plan.details["plan"]["team"])
    assert levels == ["city", "city", "county", "county", "park", "park"]
