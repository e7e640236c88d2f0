"""和硕 in a real browser, start to archive, with what only the console offered lately: the
委托书's eligibility facts, 修改委托书 during 初审, 部分受理, and the 差评 follow-up
(回访, 整改, the enterprise's own re-rating). The ledger is read afterwards."""

import re

import httpx
from playwright.async_api import expect
from sqlalchemy import Engine

from store import accounts, ledger
from tests.e2e.test_console_browser import PASSWORD, _reload_until
from tests.support.browser import chromium, register_entrustment, signed_in_page
from tests.support.driver import application
from tests.support.identities import as_user

AGENT, ENTERPRISE, LAND = "ma.li", "zhang.san", "heshuo-natural-resources"
PARK_AGENT, MATTER = "coord.heshuo-service-centre", "land-preexamination"


async def test_a_heshuo_case_is_amended_partly_accepted_and_followed_up_in_the_console(
    live_api: str, engine: Engine
) -> None:
    for username in (AGENT, ENTERPRISE, f"clerk.{LAND}"):
        accounts.set_password(engine, username, PASSWORD)
    base = live_api
    async with chromium() as browser:
        agent = await signed_in_page(browser, base, AGENT, PASSWORD, "案件")
        case_id = await register_entrustment(
            agent,
            base,
            enterprise="和硕示例矿业有限公司",
            park="heshuo-service-centre",
            project=("年产10万吨项目", "800", "矿业"),  # the approval level left out
            matters=["land-preexamination", "enterprise-registration"],
        )
        assert case_id.startswith("HS-")
        await _reload_until(agent, "修改委托书")

        # The approval level was left out: the 委托书 is amended, not refused and reopened.
        await agent.get_by_role("link", name="修改委托书").click()
        await agent.select_option("#f-project-approval_level", "county")
        await agent.fill("#f-reason", "补填审批层级（县级）")
        await agent.get_by_role("button", name="保存修改", exact=True).click()
        await expect(agent.locator(".flash")).to_contain_text("委托书已修改")

        # 部分受理: the registration is excluded with its reason.
        await agent.fill("#f-materials_received-lines", "申请表\n营业执照")
        await agent.get_by_label("企业设立登记：不予受理的理由").fill("企业已自行办理设立登记")
        await agent.get_by_role("button", name="提交初审结果", exact=True).click()
        await expect(agent.locator(".steps [aria-current=step]")).to_have_text("计划制定")
        await agent.fill("#f-matters-0-planned_finish", "2026-12-30")
        await agent.get_by_role("button", name="提交计划，移交部门", exact=True).click()
        await expect(agent.locator(".steps [aria-current=step]")).to_have_text("事项办理")

        clerk = await signed_in_page(
            browser, base, f"clerk.{LAND}", PASSWORD, re.compile("待办事项")
        )
        await _reload_until(clerk, case_id)
        await clerk.get_by_role("link", name="建设项目用地预审").first.click()
        await clerk.get_by_role("button", name="受理，开始计时", exact=True).click()
        await expect(clerk.locator(".flash")).to_contain_text("已受理")
        await clerk.fill("#m-approval-result_reference", "硕自然资预〔2026〕3号")
        await clerk.get_by_role("button", name="准予许可，办结", exact=True).click()
        await expect(clerk.locator(".flash")).to_contain_text("已办结")

        await _reload_until(agent, "登记送达")
        await agent.get_by_role("button", name="登记送达", exact=True).click()
        company = await signed_in_page(browser, base, ENTERPRISE, PASSWORD, "我的案件")
        await company.goto(f"{base}/console/cases/{case_id}")
        await company.fill("#f-signed_by", "张三")
        await company.get_by_role("button", name="签收", exact=True).click()
        await company.get_by_label("不满意", exact=True).check()
        for score in ("efficiency", "quality", "problem_solving"):
            await company.select_option(f"#f-{score}", "2")
        await company.fill("#f-comments", "用地预审等待时间过长")
        await company.get_by_role("button", name="提交评价", exact=True).click()
        await expect(company.locator(".flash")).to_contain_text("评价已提交")

        # The 差评 follow-up: 回访 and 整改 by the agent, the re-rating by the enterprise.
        await agent.reload()
        await agent.locator("summary", has_text="差评回访").click()
        await agent.fill("#m-follow-up-callback-note", "企业反映用地预审等待过久")
        await agent.get_by_role("button", name="记录回访", exact=True).click()
        await agent.locator("summary", has_text="差评整改").click()
        await agent.fill("#m-follow-up-remedy-measures", "与自然资源局约定预审提速")
        await agent.get_by_role("button", name="记录整改", exact=True).click()
        await company.reload()
        await company.locator("summary", has_text="整改后再次评价").click()
        await company.select_option("#m-follow-up-rating-level", "满意")
        await company.get_by_role("button", name="提交评价", exact=True).click()
        await agent.reload()
        await expect(agent.locator(".steps [aria-current=step]")).to_have_text("已归档")

        # Two more 委托书 (typed at the window by the park's agent): one refused at 初审,
        # one ended by the enterprise's request; each irreversible step asks first.
        body = application(jurisdiction="HS", park="heshuo-service-centre", matters=[MATTER])
        async with httpx.AsyncClient(base_url=base, headers=as_user(PARK_AGENT)) as api:
            refused_id, ended_id = [
                (await api.post("/cases", json=body)).json()["case_id"] for _ in range(2)
            ]
        await agent.goto(f"{base}/console/cases/{refused_id}")
        await _reload_until(agent, "提交初审结果")
        await agent.check("input[name=decision][value=refuse]")
        await agent.fill("#f-reasons-lines", "投资额300万元，低于500万元")
        await agent.get_by_role("button", name="提交初审结果", exact=True).click()
        await expect(agent.locator(".problem")).to_contain_text("请勾选确认")
        await agent.check("input[name=decision][value=refuse]")
        await agent.fill("#f-reasons-lines", "投资额300万元，低于500万元")
        await agent.get_by_label(re.compile("不予受理后本委托即告结束")).check()
        await agent.get_by_role("button", name="提交初审结果", exact=True).click()
        await expect(agent.locator(".steps [aria-current=step]")).to_have_text("不予受理")
        await agent.goto(f"{base}/console/cases/{ended_id}")
        await _reload_until(agent, "终止委托")
        await agent.locator("summary", has_text="终止委托").click()
        await agent.fill("#f-reason", "企业决定暂缓投资")
        await agent.fill("#f-signed_by", "张三")
        await agent.get_by_label(re.compile("终止后委托即告结束")).check()
        await agent.get_by_role("button", name="终止委托", exact=True).click()
        await expect(agent.locator(".steps [aria-current=step]")).to_have_text("已终止")

    entries, _ = ledger.entries(engine, case_id, limit=200)
    events = [e.event.value for e in entries]
    for event in (
        "application_amended",
        "application_accepted",
        "follow_up_callback",
        "follow_up_remedy",
        "follow_up_rated",
        "case_archived",
    ):
        assert event in events, event
    accepted = next(e for e in entries if e.event.value == "application_accepted")
    assert accepted.summary.startswith("初审部分受理")
    for case, event in ((refused_id, "application_refused"), (ended_id, "case_terminated")):
        others, _ = ledger.entries(engine, case, limit=50)
        assert [e.event.value for e in others].count(event) == 1, (case, event)
