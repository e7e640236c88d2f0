"""The console: Chinese pages for each role. Each page reads through the API with the
person's token and renders HTML; each form posts back to the console, and the action goes on
to the API route of the same name. One module per area; this one wires them into the app.
"""

from pathlib import Path
from typing import Any
from urllib.parse import quote, urlsplit

from fastapi import FastAPI, Request, Response
from fastapi.exceptions import RequestValidationError
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException as StarletteHTTPException

from console import (
    case_pages,
    dashboard_page,
    document_pages,
    inbox_pages,
    notice_pages,
    ops_pages,
    project_list_pages,
    session,
    sign_in_pages,
    what_if_pages,
    work_pages,
)
from console.api import ApiProblem
from console.frame import SignInNeeded, router, see_other, templates
from console.sign_in_pages import sign_in_form

# The page modules register their routes on the shared router when imported.
PAGE_MODULES = (
    sign_in_pages,
    case_pages,
    document_pages,
    inbox_pages,
    dashboard_page,
    notice_pages,
    ops_pages,
    project_list_pages,
    what_if_pages,
    work_pages,
)


def install(app: FastAPI) -> None:
    """The console's routes, its static files, and its answers to errors: Chinese pages
    with a way back, never the API's JSON body. Call after the API's error handlers."""
    app.include_router(router)
    _pages_for_errors(app)
    static = StaticFiles(directory=Path(__file__).parent / "static")
    app.mount("/console/static", static, name="console-static")

    @app.exception_handler(SignInNeeded)
    async def _sign_in(request: Request, _: SignInNeeded) -> Response:
        return await _sign_in_again(request)

    @app.exception_handler(ApiProblem)
    async def _problem(request: Request, problem: ApiProblem) -> Response:
        if problem.status == 401:
            response = await _sign_in_again(request)
            session.forget(response)
            return response
        context = {"problem": problem, "me": None, "back": _back(request)}
        return templates.TemplateResponse(
            request, "problem.html", context, status_code=problem.status
        )


ERROR_PAGES = {
    404: "没有找到这个页面，可能地址有误，或该案件不在您的办理范围内",
    405: "该页面不支持此操作，请从页面上的按钮提交",
    422: "提交的内容无法处理，请返回修改后重试",
    500: "系统出错了，已记录。请稍后重试；如仍不行，请将页面右上角的请求编号告知运维人员",
}


async def _sign_in_again(request: Request) -> Response:
    """Back to the same page after signing in. A form sent on an expired session keeps
    what was typed: the sign-in carries it, and then offers to send it again."""
    if request.method != "POST":
        return see_other(f"/console/sign-in?next={quote(request.url.path)}")
    form = await request.form()
    kept = [
        (name, value)
        for name, value in form.multi_items()
        if isinstance(value, str) and name not in ("csrf", "form_token", "username", "password")
    ]
    return sign_in_form(
        request,
        {
            "next": request.url.path,
            "problem": "登录已过期，请重新登录；您填写的内容已保留",
            "kept": kept,
        },
        status_code=401,
    )


def _back(request: Request) -> str | None:
    """The console page the person came from, to go back to (no script: the CSP forbids)."""
    referer = urlsplit(request.headers.get("referer", ""))
    same_site = referer.netloc in ("", request.url.netloc)
    return referer.path if same_site and referer.path.startswith("/console/") else None


def _pages_for_errors(app: FastAPI) -> None:
    """For /console paths, the API's error handlers answer with a page; elsewhere as before."""
    for error_class in (StarletteHTTPException, RequestValidationError, Exception):
        api_handler = app.exception_handlers.get(error_class)
        if api_handler is None:
            continue

        async def handler(
            request: Request, error: Exception, api_handler: Any = api_handler
        ) -> Response:
            if not request.url.path.startswith("/console") or request.url.path.startswith(
                "/console/static"
            ):
                answer: Response = await api_handler(request, error)
                return answer
            status = getattr(
                error, "status_code", 422 if isinstance(error, RequestValidationError) else 500
            )
            message = ERROR_PAGES.get(status, ERROR_PAGES[500])
            problem = ApiProblem(status, "console_error", message, [])
            context = {"problem": problem, "me": None}
            return templates.TemplateResponse(request, "problem.html", context, status_code=status)

        app.add_exception_handler(error_class, handler)
