"""Debian's chromium, driven by Playwright, for the console's end-to-end tests."""

import os
import shutil
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from playwright.async_api import Browser, Page, async_playwright, expect

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
