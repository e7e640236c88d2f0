"""The clerk's day in a real browser, for each role at 1366×768 and on a 390×844 phone:
the 待办 page, the message centre and each role's own pages open with nothing scrolling
sideways; on the phone tables are cards whose cells name their column; the department
accepts a hand-over in bulk; a page reached after an action fetches itself again."""

import os
import re
from pathlib import Path

import httpx
import pytest
from playwright.async_api import Page, expect
from sqlalchemy import Engine

from store import accounts
from tests.support.browser import TIMEOUT_MS, chromium, shot, sign_in_by_keyboard
from tests.support.driver import application, plan
from tests.support.identities import coordinator
from tests.support.polling import eventually

PASSWORD = "console-test-password-1"
LAND = "land-preexamination"
PHONE = {"width": 390, "height": 844}
LAPTOP = {"width": 1366, "height": 768}
# Each role and the pages it works in (the case page is added once a case exists).
ROLES = {
    "li.si": ["/console/cases", "/console/work", "/console/notifications"],
    "clerk.bole-natural-resources": ["/console/inbox", "/console/work", "/console/notifications"],
    "zhang.san": ["/console/cases", "/console/work", "/console/notifications"],
    "gxj.chen": ["/console/dashboard", "/console/work", "/console/notifications"],
    "leader.bz": ["/console/cases", "/console/work", "/console/notifications"],
    "ops.zhou": ["/console/cases", "/console/ops", "/console/work"],
}


async def _no_sideways_scroll(page: Page, where: str) -> None:
    wide = await page.evaluate(
        "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    assert wide <= 1, f"{where} scrolls sideways by {wide}px"


@pytest.mark.parametrize("size", [LAPTOP, PHONE], ids=["1366x768", "390x844"])
async def test_every_role_s_day_fits_the_screen(
    live_api: str, engine: Engine, tmp_path: Path, size: dict[str, int]
) -> None:
    shots = Path(os.environ.get("DAIBAN_SCREENSHOTS") or tmp_path / "screenshots")
    base = live_api
    async with httpx.AsyncClient(base_url=base, headers=coordinator()) as api:
        opened = await api.post("/cases", json=application(matters=[LAND]))
        assert opened.status_code == 201, opened.text
        case_id = opened.json()["case_id"]
        await api.post(
            f"/cases/{case_id}/review",
            json={"decision": "accept", "materials_received": ["委托书"]},
        )
        await api.post(f"/cases/{case_id}/plan", json=plan([LAND]))

        async def handed_over() -> bool | None:
            status = (await api.get(f"/cases/{case_id}")).json()
            return True if status["matters"][0]["state"] == "handed_over" else None

        await eventually(handed_over, "the hand-over")
        for username in ROLES:  # after the API's calls: a new password ends older tokens
            accounts.set_password(engine, username, PASSWORD)
        phone = size == PHONE
        async with chromium() as browser:
            for username, pages in ROLES.items():
                context = await browser.new_context(viewport=size, locale="zh-CN")
                page = await context.new_page()
                page.set_default_timeout(TIMEOUT_MS)
                await page.goto(f"{base}/console/sign-in")
                await _no_sideways_scroll(page, "sign-in")
                await sign_in_by_keyboard(page, base, username, PASSWORD)
                await page.wait_for_url(re.compile(r"/console/(?!sign-in)"))
                await expect(page.locator("h1")).to_be_visible()
                await _no_sideways_scroll(page, f"{username} home")
                extra = [f"/console/cases/{case_id}"] if username in ("li.si", "zhang.san") else []
                if username.startswith("clerk."):
                    extra = [f"/console/inbox/{case_id}/{LAND}"]
                for path in pages + extra:
                    await page.goto(f"{base}{path}")
                    await expect(page.locator("h1")).to_be_visible()
                    await _no_sideways_scroll(page, f"{username} {path}")
                await context.close()

            # The department on its phone (or laptop): the inbox's cards, bulk 受理.
            context = await browser.new_context(viewport=size, locale="zh-CN")
            page = await context.new_page()
            page.set_default_timeout(TIMEOUT_MS)
            await sign_in_by_keyboard(page, base, "clerk.bole-natural-resources", PASSWORD)
            await expect(page.get_by_role("heading", name=re.compile("待办事项"))).to_be_visible()
            row = page.locator("tr", has=page.locator(f'input[value="{case_id}|{LAND}"]'))
            if phone:
                label = await row.locator("td").nth(2).get_attribute("data-label")
                assert label == "事项"
            await shot(page, shots, f"23-inbox-{'phone' if phone else 'laptop'}")
            await row.locator("input[type=checkbox]").check()
            await page.get_by_role("button", name="受理勾选的事项").click()
            await expect(page.get_by_text("成功 1 项")).to_be_visible()
            await page.goto(f"{base}/console/work")
            await expect(page.locator("table.clocks").get_by_text("办理时限").first).to_be_visible()
            await _no_sideways_scroll(page, "the department's work list after acceptance")
            await shot(page, shots, f"24-work-{'phone' if phone else 'laptop'}")
            await page.goto(f"{base}/console/inbox/{case_id}/{LAND}")
            await page.get_by_text("办理期限是怎样算出的").click()
            await expect(page.get_by_text("受理当日不计入").first).to_be_visible()
            await shot(page, shots, f"25-deadline-{'phone' if phone else 'laptop'}")

            # A page after an action fetches itself again: no F5 for the new state.
            async with page.expect_request(
                lambda r: r.headers.get("x-console-refresh") == "1", timeout=TIMEOUT_MS
            ):
                await page.goto(f"{base}/console/notifications?done=read")
            await context.close()
