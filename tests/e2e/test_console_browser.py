"""The console in a real browser (Debian's chromium): a coordinator opens and drives a
cross-county case, a county department acts on it, the enterprise signs and rates, the
州工信局 dashboard shows it, and the papers download. Every step is a person's click or
keystroke on the real stack (uvicorn, the dev server, a worker).

Screenshots of each page go to a temporary folder, or to ``docs/screenshots`` with
``DAIBAN_SCREENSHOTS=docs/screenshots`` (how the committed ones were made).
"""

import os
import re
from pathlib import Path

import httpx
from playwright.async_api import Page, expect
from sqlalchemy import Engine

from domain.report import REPORT_PLACEHOLDER
from store import accounts, ledger
from tests.support.browser import LAPTOP, TIMEOUT_MS, chromium, shot, sign_in_by_keyboard
from tests.support.identities import department

PASSWORD = "console-test-password-1"
COORDINATOR, ENTERPRISE, OVERSIGHT = "li.si", "zhang.san", "gxj.chen"
JINGHE_LAND = "jinghe-natural-resources"
BOLE_MARKET = "bole-market-regulation"


async def _reload_until(page: Page, text: str, times: int = 1) -> None:
    """The case moves on in its workflow; a person would press F5 until it shows."""
    for _ in range(100):
        if await page.get_by_text(text, exact=True).count() >= times:
            return
        await page.wait_for_timeout(200)
        await page.reload()
    raise AssertionError(f"{text!r} never appeared on {page.url}")


async def test_a_case_driven_through_the_console_from_entrustment_to_archive(
    live_api: str, engine: Engine, tmp_path: Path
) -> None:
    for username in (COORDINATOR, ENTERPRISE, OVERSIGHT, f"clerk.{JINGHE_LAND}"):
        accounts.set_password(engine, username, PASSWORD)
    shots = Path(os.environ.get("DAIBAN_SCREENSHOTS") or tmp_path / "screenshots")
    base = live_api
    async with chromium() as browser:
        coordinator = await browser.new_page(viewport=LAPTOP, locale="zh-CN")
        coordinator.set_default_timeout(TIMEOUT_MS)

        # Sign-in: a wrong password is answered in Chinese, then the keyboard signs in.
        await coordinator.goto(f"{base}/console/cases")
        await expect(coordinator).to_have_url(re.compile(r"/console/sign-in\?next="))
        await coordinator.fill("#username", COORDINATOR)
        await coordinator.fill("#password", "not-the-password")
        await coordinator.click("button[type=submit]")
        await expect(coordinator.get_by_role("alert")).to_contain_text("用户名或密码错误")
        await shot(coordinator, shots, "01-sign-in")
        await sign_in_by_keyboard(coordinator, base, COORDINATOR, PASSWORD)
        await expect(coordinator.get_by_role("heading", name="案件")).to_be_visible()
        # The first Tab reaches the skip link, and it moves the focus past the navigation.
        await coordinator.keyboard.press("Tab")
        await expect(coordinator.locator(".skip")).to_be_focused()
        await coordinator.keyboard.press("Enter")
        await expect(coordinator.locator("main")).to_be_focused()

        # The 委托书: a bad credit code and a missing project name, answered in Chinese
        # beside the fields; the corrected form opens the case.
        await coordinator.get_by_role("link", name="新建委托").first.click()
        await coordinator.fill("#f-enterprise-name", "博乐示例新材料有限公司")
        await coordinator.fill("#f-enterprise-uscc", "91350100M000100Y40")
        await coordinator.fill("#f-contact-name", "张三")
        await coordinator.fill("#f-contact-phone", "13800000000")
        await coordinator.select_option("#f-park", "bole-wutai")
        await coordinator.fill("#f-project-investment_wan_yuan", "5000")
        await coordinator.fill("#f-project-industry", "新材料")
        await coordinator.check("input[value=enterprise-registration]")
        await coordinator.check("input[value=land-preexamination]")
        await coordinator.fill("#f-period-end", "2027-06-30")
        await coordinator.get_by_role("button", name="登记委托", exact=True).click()
        await expect(coordinator.locator("#f-enterprise-uscc-error")).to_contain_text("校验")
        await expect(coordinator.locator("#f-project-name-error")).to_have_text("必填")
        await shot(coordinator, shots, "03-new-case-errors")
        await coordinator.fill("#f-enterprise-uscc", "91350100M000100Y43")
        await coordinator.fill("#f-project-name", "五台片区年产1万吨新材料项目")
        await coordinator.get_by_role("button", name="登记委托", exact=True).click()
        await expect(coordinator.locator(".flash")).to_contain_text("委托已登记")
        case_id = coordinator.url.rsplit("/", 1)[-1].split("?")[0]
        assert re.fullmatch(r"BZ-\d{4}-\d+", case_id), coordinator.url

        # 初审 with the materials received, then the plan: matters go to the departments.
        await coordinator.fill("#f-materials_received-lines", "营业执照\n法定代表人身份证复印件")
        await coordinator.get_by_role("button", name="提交初审结果", exact=True).click()
        await expect(coordinator.locator(".steps [aria-current=step]")).to_have_text("计划制定")
        await coordinator.fill("#f-agent-phone", "13900000000")
        for index in range(2):
            await coordinator.fill(f"#f-matters-{index}-planned_finish", "2026-12-24")
        await coordinator.get_by_role("button", name="提交计划，移交部门", exact=True).click()
        await expect(coordinator.locator(".steps [aria-current=step]")).to_have_text("事项办理")
        await _reload_until(coordinator, "已移交部门", times=2)
        await expect(coordinator.locator("svg.gantt rect.actual")).to_have_count(2)
        await shot(coordinator, shots, "04-case-processing")

        # 精河县自然资源局 in its own browser: the inbox, then 签收, 受理 and 办结.
        clerk = await browser.new_page(viewport=LAPTOP, locale="zh-CN")
        clerk.set_default_timeout(TIMEOUT_MS)
        await sign_in_by_keyboard(clerk, base, f"clerk.{JINGHE_LAND}", PASSWORD)
        await expect(clerk.get_by_role("heading", name=re.compile("待办事项"))).to_be_visible()
        await _reload_until(clerk, case_id)
        await shot(clerk, shots, "05-department-inbox")
        await clerk.get_by_role("link", name="建设项目用地预审").first.click()
        await clerk.get_by_role("button", name="签收", exact=True).click()
        await expect(clerk.locator(".flash")).to_contain_text("已签收移交")
        await clerk.get_by_role("button", name="受理，开始计时", exact=True).click()
        await expect(clerk.locator(".flash")).to_contain_text("已受理")
        # 一次性告知补正: the 48-hour coordination starts; the agent records it and hands
        # the corrected material back, and the task page lists the round.
        await clerk.fill("#f-items-lines", "用地红线图")
        await clerk.get_by_role("button", name="发出补正通知", exact=True).click()
        await expect(clerk.locator(".flash")).to_contain_text("补正通知已发出")
        for _ in range(50):
            await coordinator.reload()
            if await coordinator.locator("summary", has_text="协调事项1：记录协调情况").count():
                break
            await coordinator.wait_for_timeout(200)
        await coordinator.locator("summary", has_text="协调事项1：记录协调情况").click()
        await coordinator.fill("#m-problems-1-coordination-what", "电话协调精河县自然资源局")
        await coordinator.fill("#m-problems-1-coordination-with_whom-lines", "精河县自然资源局")
        await coordinator.fill("#m-problems-1-coordination-outcome", "企业两日内补交红线图")
        await coordinator.get_by_role("button", name="记录协调", exact=True).click()
        await expect(coordinator.locator(".flash")).to_contain_text("协调情况已记录")
        await coordinator.fill("#f-materials-lines", "用地红线图")
        await coordinator.get_by_role("button", name="移交补正材料", exact=True).click()
        await expect(coordinator.locator(".flash")).to_contain_text("补正材料已移交部门")
        await _reload_until(clerk, "准予许可，办结")
        await expect(clerk.get_by_text("第1次补正：用地红线图", exact=False)).to_be_visible()
        await clerk.get_by_role(
            "button", name="准予许可，办结", exact=True
        ).click()  # no reference yet: refused in Chinese
        await expect(clerk.locator("#m-approval-result_reference-error")).to_have_text("必填")
        await shot(clerk, shots, "06-department-task")
        await clerk.fill("#m-approval-result_reference", "精自然资预〔2026〕8号")
        await clerk.get_by_role("button", name="准予许可，办结", exact=True).click()
        await expect(clerk.locator(".flash")).to_contain_text("已办结")

        # 博乐市市场监督管理局 decides its matter through the API, as its own system would.
        async with httpx.AsyncClient(base_url=base, headers=department(BOLE_MARKET)) as api:
            task = f"/departments/{BOLE_MARKET}/tasks/{case_id}/enterprise-registration"
            assert (await api.post(f"{task}/acceptance", json={})).status_code == 200
            approved = await api.post(f"{task}/approval", json={"result_reference": "博市监1号"})
            assert approved.status_code == 200, approved.text

        # Delivery, then the enterprise signs and rates in its read-only view.
        await _reload_until(coordinator, "登记送达")
        await coordinator.get_by_role("button", name="登记送达", exact=True).click()
        await expect(coordinator.locator(".flash")).to_contain_text("办结送达已登记")
        company = await browser.new_page(viewport=LAPTOP, locale="zh-CN")
        company.set_default_timeout(TIMEOUT_MS)
        await sign_in_by_keyboard(company, base, ENTERPRISE, PASSWORD)
        await expect(company.get_by_role("heading", name="我的案件")).to_be_visible()
        await company.get_by_role("link", name=case_id).click()
        await expect(company.locator("text=提交初审结果")).to_have_count(0)
        await company.fill("#f-signed_by", "张三")
        await company.get_by_role("button", name="签收", exact=True).click()
        await expect(company.locator(".flash")).to_contain_text("签收已登记")
        # nothing is pre-set: the enterprise chooses every answer itself
        await company.get_by_label("满意", exact=True).check()
        for score, value in (("efficiency", "4"), ("quality", "5"), ("problem_solving", "4")):
            await company.select_option(f"#f-{score}", value)
        for score in ("coordination_efficiency", "cross_region_communication", "completeness"):
            await company.select_option(f"#f-{score}", "5")
        await shot(company, shots, "07-enterprise-rating")
        await company.get_by_role("button", name="提交评价", exact=True).click()
        await expect(company.locator(".flash")).to_contain_text("评价已提交")

        # The special team's dashboard counts the case and lists it with its counties.
        team = await browser.new_page(viewport=LAPTOP, locale="zh-CN")
        team.set_default_timeout(TIMEOUT_MS)
        await sign_in_by_keyboard(team, base, OVERSIGHT, PASSWORD)
        await expect(team.get_by_role("heading", name="跨县市代办案件看板")).to_be_visible()
        row = team.locator("table.list tr", has=team.get_by_role("link", name=case_id))
        await expect(row).to_contain_text("博乐市、精河县")
        # counties by stage, cycle times, the overdue rate and cycle times by month, ratings
        await expect(team.locator("svg.chart")).to_have_count(5)
        await expect(team.get_by_role("heading", name="超期率（按受理月份）")).to_be_visible()
        await expect(team.locator(".tile").first).to_contain_text("1")
        await shot(team, shots, "08-dashboard")

        # The coordinator files the comprehensive report; the case archives; papers download.
        await _reload_until(coordinator, "报送")
        draft = await coordinator.input_value("#f-text")
        await coordinator.fill(
            "#f-text", draft.replace(REPORT_PLACEHOLDER, "建立跨县市代办联络员制度")
        )
        await coordinator.fill("#f-reference", "博边合管函〔2026〕9号")
        await coordinator.get_by_role("button", name="报送", exact=True).click()
        await expect(coordinator.locator(".steps [aria-current=step]")).to_have_text("已归档")
        await shot(coordinator, shots, "09-case-archived")
        async with coordinator.expect_download() as waiting:
            await coordinator.get_by_role("link", name="PDF").nth(1).click()
        download = await waiting.value
        assert download.suggested_filename == f"{case_id}-代办服务受理通知书.pdf"
        saved = tmp_path / "notice.pdf"
        await download.save_as(saved)
        assert saved.read_bytes().startswith(b"%PDF")
        await coordinator.goto(f"{base}/console/cases")
        await expect(coordinator.get_by_role("link", name=case_id)).to_be_visible()
        await shot(coordinator, shots, "02-case-list")

    entries, _ = ledger.entries(engine, case_id, limit=200)
    events = [e.event.value for e in entries]
    for event in (
        "cross_county_handed_off",
        "correction_requested",
        "coordination_recorded",
        "materials_resubmitted",
        "feedback_report_filed",
        "case_archived",
    ):
        assert event in events, event
