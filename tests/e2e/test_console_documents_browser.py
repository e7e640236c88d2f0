"""Files in a real browser: the enterprise uploads its 公司章程 from the case page (an
empty file is refused beside the form), reads page 2 of it in the page, and the department
reads it on its task page and uploads its result, on the real stack."""

import os
import re
from pathlib import Path

import httpx
from playwright.async_api import expect
from sqlalchemy import Engine

from store import accounts
from tests.support import files
from tests.support.browser import chromium, shot, signed_in_page
from tests.support.driver import application, plan
from tests.support.identities import coordinator
from tests.support.polling import eventually

PASSWORD = "console-test-password-1"
ENTERPRISE, CLERK = "zhang.san", "clerk.bole-market-regulation"
REGISTRATION = "enterprise-registration"


async def test_files_are_uploaded_and_read_in_the_browser(
    live_api: str, engine: Engine, tmp_path: Path
) -> None:
    for username in (ENTERPRISE, CLERK):
        accounts.set_password(engine, username, PASSWORD)
    shots = Path(os.environ.get("DAIBAN_SCREENSHOTS") or tmp_path / "screenshots")
    base = live_api
    async with httpx.AsyncClient(base_url=base, headers=coordinator()) as api:
        opened = await api.post("/cases", json=application(matters=[REGISTRATION]))
        case_id = opened.json()["case_id"]
        async with chromium() as browser:
            page = await signed_in_page(browser, base, ENTERPRISE, PASSWORD, re.compile("案件"))
            await page.goto(f"{base}/console/cases/{case_id}")
            form = page.locator("form.upload")
            await form.locator("select").select_option("公司章程")
            await form.locator("input[type=file]").set_input_files(
                {"name": "空文件.pdf", "mimeType": "application/pdf", "buffer": b""}
            )
            await form.get_by_role("button", name="上传").click()
            await expect(page.get_by_role("alert")).to_contain_text("「空文件.pdf」：文件为空")
            form = page.locator("form.upload")
            await form.locator("input[type=file]").set_input_files(
                {"name": "公司章程.pdf", "mimeType": "application/pdf", "buffer": files.pdf(2)}
            )
            await form.get_by_role("button", name="上传").click()
            await expect(page.locator(".flash")).to_contain_text("文件已上传")
            await expect(page.locator("#documents")).to_contain_text("公司章程.pdf")
            await shot(page, shots, "20-case-documents")
            await page.get_by_role("link", name="在页面中查看").first.click()
            await expect(page.locator("img.preview")).to_be_visible()
            await page.get_by_role("link", name="下一页").click()
            await expect(page.get_by_text("第 2 / 2 页")).to_be_visible()
            await shot(page, shots, "21-document-preview")

            accepted = await api.post(
                f"/cases/{case_id}/review",
                json={"decision": "accept", "materials_received": ["公司章程"]},
            )
            assert accepted.status_code == 200, accepted.text
            assert (await api.post(f"/cases/{case_id}/plan", json=plan([REGISTRATION]))).is_success

            async def handed_over() -> bool:
                status = (await api.get(f"/cases/{case_id}")).json()
                return status["matters"][0]["state"] == "handed_over"

            await eventually(handed_over, "the hand-over")
            clerk = await signed_in_page(browser, base, CLERK, PASSWORD, re.compile("待办事项"))
            await clerk.goto(f"{base}/console/inbox/{case_id}/{REGISTRATION}")
            await expect(clerk.locator("#documents")).to_contain_text("公司章程.pdf")
            await clerk.fill("#f-result_reference", "博市监〔2026〕9号")
            await clerk.locator("#results-name").fill("营业执照")
            await clerk.locator("form.upload input[type=file]").set_input_files(
                {"name": "营业执照.pdf", "mimeType": "application/pdf", "buffer": files.pdf()}
            )
            await clerk.get_by_role("button", name="上传").click()
            await expect(clerk.locator(".flash")).to_contain_text("办理结果文件已上传")
            await expect(clerk.locator("#documents")).to_contain_text("营业执照.pdf")
            await shot(clerk, shots, "22-task-documents")
            await clerk.get_by_role("link", name="在页面中查看").first.click()
            await expect(clerk.locator("img.preview")).to_be_visible()
