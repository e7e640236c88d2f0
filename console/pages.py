"""The console: Chinese pages for each role. Each page reads through the API with the
person's token and renders HTML; each form posts back to the console, and the action goes on
to the API route of the same name. One module per area; this one wires them into the app.
"""

from pathlib import Path
from urllib.parse import quote

from fastapi import FastAPI, Request, Response
from fastapi.staticfiles import StaticFiles

from console import (
    case_pages,
    dashboard_page,
    inbox_pages,
    ops_pages,
    project_list_pages,
    session,
    sign_in_pages,
)
from console.api import ApiProblem
from console.frame import SignInNeeded, router, see_other, templates

# The page modules register their routes on the shared router when imported.
PAGE_MODULES = (
    sign_in_pages,
    case_pages,
    inbox_pages,
    dashboard_page,
    ops_pages,
    project_list_pages,
)


def install(app: FastAPI) -> None:
    app.include_router(router)
    static = StaticFiles(directory=Path(__file__).parent / "static")
    app.mount("/console/static", static, name="console-static")

    @app.exception_handler(SignInNeeded)
    async def _sign_in(request: Request, _: SignInNeeded) -> Response:
        return see_other(f"/console/sign-in?next={quote(request.url.path)}")

    @app.exception_handler(ApiProblem)
    async def _problem(request: Request, problem: ApiProblem) -> Response:
        if problem.status == 401:
            response = see_other(f"/console/sign-in?next={quote(request.url.path)}")
            session.forget(response)
            return response
        context = {"problem": problem, "me": None}
        return templates.TemplateResponse(
            request, "problem.html", context, status_code=problem.status
        )
