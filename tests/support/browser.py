"""Debian's chromium, driven by Playwright, for the console's end-to-end tests."""

import os
import re
import shutil
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import httpx
from playwright.async_api import Browser, Page, async_playwright, expect

from tests.support.identities import ops  # reads any case: which department decides

CHROMIUM = os.environ.get("DAIBAN_CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
# As the machine's own probe: no sandbox (root in CI), and nothing that calls out to
# Google's services, which this closed network refuses.
FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
LAPTOP = {"width": 1366, "height": 768}
TIMEOUT_MS = 20_000  # a click or an expectation on the live stack


@asynccontextmanager
async def chromium() -> AsyncIterator[Browser]:
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        try:
            yield browser
        finally:
            await browser.close()


async def sign_in_by_keyboard(page: Page, base: str, username: str, password: str) -> None:
    """The sign-in form with the keyboard alone: the name field has the focus, Tab goes to
    the password, Enter signs in."""
    await page.goto(f"{base}/console/sign-in")
    await expect(page.locator("#username")).to_be_focused()
    await page.keyboard.type(username)
    await page.keyboard.press("Tab")
    await expect(page.locator("#password")).to_be_focused()
    await page.keyboard.type(password)
    await page.keyboard.press("Enter")
    await page.wait_for_load_state()


async def shot(page: Page, folder: Path, name: str) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    await page.screenshot(path=str(folder / f"{name}.png"), full_page=True)


async def signed_in_page(
    browser: Browser, base: str, username: str, password: str, heading: str | re.Pattern[str]
) -> Page:
    """A laptop-sized page of its own, signed in by keyboard, on its home page's heading."""
    page = await browser.new_page(viewport=LAPTOP, locale="zh-CN")
    page.set_default_timeout(TIMEOUT_MS)
    await sign_in_by_keyboard(page, base, username, password)
    await expect(page.get_by_role("heading", name=heading)).to_be_visible()
    return page


async def register_entrustment(
    page: Page,
    base: str,
    *,
    enterprise: str,
    park: str,
    project: tuple[str, str, str],
    matters: list[str],
    bundles: tuple[str, ...] = (),
) -> str:
    """The agent types a 委托书 at the window (project: name, investment in 万元,
    industry) and registers it; the new case's number."""
    await page.goto(f"{base}/console/cases/new")
    await page.fill("#f-enterprise-name", enterprise)
    await page.fill("#f-enterprise-uscc", "91350100M000100Y43")
    await page.fill("#f-contact-name", "张三")
    await page.fill("#f-contact-phone", "13800000000")
    await page.select_option("#f-park", park)
    name, investment, industry = project
    await page.fill("#f-project-name", name)
    await page.fill("#f-project-investment_wan_yuan", investment)
    await page.fill("#f-project-industry", industry)
    for matter in matters:
        await page.check(f"input[name=matters][value={matter}]")
    for bundle in bundles:
        await page.check(f"input[name=bundles][value={bundle}]")
    await page.fill("#f-period-end", "2027-06-30")
    await page.get_by_role("button", name="登记委托", exact=True).click()
    await expect(page.locator(".flash")).to_contain_text("委托已登记")
    case_id = page.url.rsplit("/", 1)[-1].split("?")[0]
    assert re.fullmatch(r"[A-Z]{2,4}-\d{4}-\d+", case_id), page.url
    return case_id


async def reload_until(page: Page, text: str, times: int = 1) -> None:
    """The case moves on in its workflow; a person would press F5 until it shows."""
    for _ in range(100):
        if await page.get_by_text(text, exact=True).count() >= times:
            return
        await page.wait_for_timeout(200)
        await page.reload()
    raise AssertionError(f"{text!r} never appeared on {page.url}")


async def decide_in_console(
    browser: Browser, base: str, password: str, case_id: str, matter: str, reference: str
) -> None:
    """The deciding department in its own browser: the task page, 受理, then 办结. The
    department is the one the API names for the matter (its clerk's password is set)."""
    clerk = await _department_clerk(base, case_id, matter)
    page = await signed_in_page(browser, base, clerk, password, re.compile("待办事项"))
    try:
        await page.goto(f"{base}/console/inbox/{case_id}/{matter}")
        await reload_until(page, "受理，开始计时")
        await page.get_by_role("button", name="受理，开始计时", exact=True).click()
        await expect(page.locator(".flash")).to_contain_text("已受理")
        await page.fill("#m-approval-result_reference", reference)
        await page.get_by_role("button", name="准予许可，办结", exact=True).click()
        await expect(page.locator(".flash")).to_contain_text("已办结")
    finally:
        await page.close()


async def _department_clerk(base: str, case_id: str, matter: str) -> str:
    async with httpx.AsyncClient(base_url=base, headers=ops()) as api:
        status = (await api.get(f"/cases/{case_id}")).json()
    department = next(m["department"] for m in status["matters"] if m["code"] == matter)
    return f"clerk.{department}"


async def deliver_and_archive(
    browser: Browser, agent: Page, base: str, password: str, case_id: str
) -> None:
    """办结送达 by the agent; the enterprise (zhang.san, whose password is set) signs and
    rates 满意 in its own browser; the case then archives (no 5-day report outside 博州)."""
    await agent.goto(f"{base}/console/cases/{case_id}")
    await reload_until(agent, "登记送达")
    await agent.get_by_role("button", name="登记送达", exact=True).click()
    await expect(agent.locator(".flash")).to_contain_text("办结送达已登记")
    company = await signed_in_page(browser, base, "zhang.san", password, "我的案件")
    await company.goto(f"{base}/console/cases/{case_id}")
    await company.fill("#f-signed_by", "张三")
    await company.get_by_role("button", name="签收", exact=True).click()
    await company.get_by_label("满意", exact=True).check()
    for score in ("efficiency", "quality", "problem_solving"):
        await company.select_option(f"#f-{score}", "5")
    await company.get_by_role("button", name="提交评价", exact=True).click()
    await expect(company.locator(".flash")).to_contain_text("评价已提交")
    await company.close()
    for _ in range(50):
        await agent.reload()
        if await agent.locator(".steps [aria-current=step]").inner_text() == "已归档":
            return
        await agent.wait_for_timeout(200)
    await expect(agent.locator(".steps [aria-current=step]")).to_have_text("已归档")
