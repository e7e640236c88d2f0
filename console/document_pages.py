"""Documents in the console: upload a material (coordinator, enterprise) or a result
(department), read a page in the browser, download the file.

Every one goes through the API: an upload is passed on to it as the browser sent it
(Starlette spools a large file to disk, not memory), a download is streamed from it, and a
page is the API's preview, shown inline, so a clerk reads without downloading.
"""

import base64
from functools import partial
from typing import Any
from urllib.parse import quote

from fastapi import Request, Response
from fastapi.responses import HTMLResponse, StreamingResponse
from starlette.datastructures import UploadFile

from console.api import ApiProblem
from console.case_pages import show_case
from console.frame import (
    Visitor,
    checked_form,
    router,
    see_other,
    shown_again,
    submitted_values,
    visitor,
)
from console.inbox_pages import department_of, show_task

PASSED_HEADERS = ("content-type", "content-disposition", "content-length", "x-content-sha256")


async def _forward_upload(
    who: Visitor, form: Any, path: str, fields: dict[str, str]
) -> dict[str, Any] | None:
    upload = form.get("file")
    if not isinstance(upload, UploadFile) or not upload.filename:
        problem = ApiProblem(
            422,
            "invalid_input",
            "请选择要上传的文件",
            [{"field": "file", "message": "请选择要上传的文件"}],
        )
        problem.submitted = submitted_values(form)
        raise problem
    key = str(form.get("idempotency_key") or "")
    headers = {"Idempotency-Key": key} if key else {}
    files = {
        "file": (upload.filename, upload.file, upload.content_type or "application/octet-stream")
    }
    response = await who.api.send("POST", path, data=fields, files=files, headers=headers)
    return response.json() if response.content else None


@router.post("/cases/{case_id}/matters/{matter}/documents", response_class=HTMLResponse)
async def upload_material(request: Request, case_id: str, matter: str) -> Response:
    who = await visitor(request)
    form = await checked_form(request, who)
    material = str(form.get("material") or "")
    try:
        await _forward_upload(
            who,
            form,
            f"/cases/{quote(case_id)}/matters/{matter}/documents",
            {"material": material},
        )
    except ApiProblem as problem:
        again = partial(show_case, who, case_id)
        return await shown_again(problem, form, f"document-{matter}", again)
    return see_other(f"/console/cases/{case_id}?done=document#documents")


@router.post("/inbox/{case_id}/{matter}/results", response_class=HTMLResponse)
async def upload_result(request: Request, case_id: str, matter: str) -> Response:
    who = await visitor(request)
    form = await checked_form(request, who)
    fields = {
        "title": str(form.get("title") or ""),
        "result_reference": str(form.get("result_reference") or ""),
    }
    path = f"/departments/{department_of(who)}/tasks/{quote(case_id)}/{matter}/results"
    try:
        await _forward_upload(who, form, path, fields)
    except ApiProblem as problem:
        again = partial(show_task, who, case_id, matter)
        return await shown_again(problem, form, "results", again)
    return see_other(f"/console/inbox/{case_id}/{matter}?done=results#documents")


def _api_path(who: Visitor, case_id: str, matter: str | None, document_id: str) -> str:
    """The case's document route, or a department's on its task."""
    if matter is not None:
        return (
            f"/departments/{department_of(who)}/tasks/{quote(case_id)}/{matter}"
            f"/documents/{quote(document_id)}"
        )
    return f"/cases/{quote(case_id)}/documents/{quote(document_id)}"


async def _download(who: Visitor, path: str, inline: bool) -> Response:
    _, headers, chunks = await who.api.stream(path, inline="true" if inline else None)
    passed = {k: v for k, v in headers.items() if k in PASSED_HEADERS}
    media_type = passed.pop("content-type", "application/octet-stream")
    return StreamingResponse(chunks, media_type=media_type, headers=passed)


async def _view(
    who: Visitor, path: str, pages_at: str, document: dict[str, Any], page: int
) -> Response:
    """The document's page ``page`` as an image in the page, with the way to the others."""
    image, pages, problem = None, 1, None
    try:
        answer = await who.api.send("GET", f"{path}/preview", params={"page": page})
        image = base64.b64encode(answer.content).decode()
        pages = int(answer.headers.get("x-page-count", "1"))
    except ApiProblem as refused:
        if refused.status in (401, 403, 404):
            raise
        problem = refused
    return who.page(
        "document.html",
        document=document,
        image=image,
        page=page,
        pages=pages,
        problem=problem,
        back=f"{pages_at}#documents",
        download=f"{pages_at}/documents/{document['id']}",
    )


async def _document(who: Visitor, list_path: str, document_id: str) -> dict[str, Any]:
    listed = await who.api.get(list_path, limit=200)
    found = next((d for d in listed["items"] if d["id"] == document_id), None)
    if found is None:
        raise ApiProblem(404, "not_found", f"文件{document_id}不存在", [])
    return found


@router.get("/cases/{case_id}/documents/{document_id}", response_class=Response)
async def case_document(
    request: Request, case_id: str, document_id: str, inline: bool = False
) -> Response:
    who = await visitor(request)
    return await _download(who, _api_path(who, case_id, None, document_id), inline)


@router.get("/cases/{case_id}/documents/{document_id}/view", response_class=HTMLResponse)
async def view_case_document(
    request: Request, case_id: str, document_id: str, page: int = 1
) -> Response:
    who = await visitor(request)
    document = await _document(who, f"/cases/{quote(case_id)}/documents", document_id)
    path = _api_path(who, case_id, None, document_id)
    return await _view(who, path, f"/console/cases/{case_id}", document, max(page, 1))


@router.get("/inbox/{case_id}/{matter}/documents/{document_id}", response_class=Response)
async def task_document(
    request: Request, case_id: str, matter: str, document_id: str, inline: bool = False
) -> Response:
    who = await visitor(request)
    return await _download(who, _api_path(who, case_id, matter, document_id), inline)


@router.get("/inbox/{case_id}/{matter}/documents/{document_id}/view", response_class=HTMLResponse)
async def view_task_document(
    request: Request, case_id: str, matter: str, document_id: str, page: int = 1
) -> Response:
    who = await visitor(request)
    listed = f"/departments/{department_of(who)}/tasks/{quote(case_id)}/{matter}/documents"
    document = await _document(who, listed, document_id)
    path = _api_path(who, case_id, matter, document_id)
    return await _view(who, path, f"/console/inbox/{case_id}/{matter}", document, max(page, 1))
