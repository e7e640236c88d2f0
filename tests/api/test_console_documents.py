"""Files in the console: the enterprise and the coordinator upload from the case page, a
refusal comes back beside the form, a page is read in the browser, and the department
sees the handed-over files on its task page and uploads its result there."""

import hashlib

import httpx
from sqlalchemy import Engine

from tests.api.test_console import _sign_in
from tests.support import files
from tests.support.driver import BOLE_MARKET, CaseDriver

REGISTRATION = "enterprise-registration"


def _csrf(page: str) -> str:
    return page.split('name="csrf" value="')[1].split('"')[0]


async def _upload(
    http: httpx.AsyncClient, page: str, action: str, fields: dict, name: str, content: bytes
) -> httpx.Response:
    token = _csrf((await http.get(page)).text)
    return await http.post(
        action, data={"csrf": token, **fields}, files={"file": (name, content, "application/pdf")}
    )


async def test_files_are_uploaded_read_and_issued_from_the_console(
    driver: CaseDriver, engine: Engine
) -> None:
    case_id = await driver.open(matters=[REGISTRATION])
    http = driver.http
    token = http.headers.pop("Authorization")
    await _sign_in(http, engine, "zhang.san")  # the enterprise itself
    page = f"/console/cases/{case_id}"
    action = f"{page}/matters/{REGISTRATION}/documents"
    shown = (await http.get(page)).text
    assert "申请材料与办理结果" in shown and 'enctype="multipart/form-data"' in shown
    assert "<option>公司章程</option>" in shown  # the catalogue's checklist

    refused = await _upload(http, page, action, {"material": "公司章程"}, "章程.pdf", b"")
    assert refused.status_code == 422 and "「章程.pdf」：文件为空" in refused.text
    content = files.pdf(pages=2)
    done = await _upload(http, page, action, {"material": "公司章程"}, "章程.pdf", content)
    assert done.status_code == 303 and done.headers["location"].endswith("done=document#documents")
    shown = (await http.get(page)).text
    assert "章程.pdf" in shown and hashlib.sha256(content).hexdigest()[:12] in shown
    document_id = shown.split("/documents/")[1].split("/view")[0]
    view = await http.get(f"{page}/documents/{document_id}/view?page=2")
    assert view.status_code == 200 and "第 2 / 2 页" in view.text
    assert 'src="data:image/png;base64,' in view.text
    download = await http.get(f"{page}/documents/{document_id}")
    assert download.status_code == 200 and download.content == content
    assert download.headers["x-content-sha256"] == hashlib.sha256(content).hexdigest()
    # Who read it is on the page, in words: the material and its version.
    assert "文件：公司章程第1版" in (await http.get(page)).text

    http.headers["Authorization"] = token
    await driver.accept(case_id)
    await driver.plan(case_id, [REGISTRATION])
    await driver.wait_for_matter(case_id, REGISTRATION, "handed_over")
    http.headers.pop("Authorization")
    http.cookies.clear()
    await _sign_in(http, engine, f"clerk.{BOLE_MARKET}")
    task = f"/console/inbox/{case_id}/{REGISTRATION}"
    shown = (await http.get(task)).text
    assert "章程.pdf" in shown and f"{task}/documents/{document_id}/view" in shown
    view = await http.get(f"{task}/documents/{document_id}/view")
    assert view.status_code == 200 and 'src="data:image/png;base64,' in view.text
    uploaded = await _upload(
        http,
        task,
        f"{task}/results",
        {"title": "营业执照", "result_reference": "博市监〔2026〕9号"},
        "执照.pdf",
        files.pdf(text="licence"),
    )
    assert uploaded.status_code == 303, uploaded.text
    assert "执照.pdf" in (await http.get(task)).text
