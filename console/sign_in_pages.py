"""Signing in and out, and each role's home page."""

from collections.abc import Mapping

from fastapi import Request, Response
from fastapi.responses import HTMLResponse

from console import session
from console.api import Api, ApiProblem
from console.frame import DONE, HOME, checked_form, router, see_other, templates, visitor
from domain.actors import Role


@router.get("", response_class=HTMLResponse)
async def home(request: Request) -> Response:
    who = await visitor(request)
    return see_other(HOME.get(who.role, "/console/cases"))


def sign_in_form(
    request: Request, context: Mapping[str, object], status_code: int = 200
) -> Response:
    nonce = session.sign_in_nonce(request)
    page = {
        **context,
        "form_token": session.form_token(request, f"sign-in:{nonce}"),
        "done": DONE.get(request.query_params.get("done", "")),
    }
    response = templates.TemplateResponse(request, "sign_in.html", page, status_code)
    session.start_sign_in(response, request, nonce)
    return response


KEPT = "kept."  # the sign-in form's carry of a form sent on an expired session


@router.get("/sign-in", response_class=HTMLResponse)
def sign_in_page(request: Request, next: str = "") -> Response:
    return sign_in_form(request, {"next": next, "problem": None})


@router.post("/sign-in", response_class=HTMLResponse)
async def sign_in(request: Request) -> Response:
    form = await request.form()
    username, password = str(form.get("username", "")), str(form.get("password", ""))
    target = str(form.get("next", ""))
    if not session.sign_in_form_ok(request, form.get("form_token")):
        context = {"next": target, "problem": "登录页面已过期，请重新登录", "username": username}
        return sign_in_form(request, context, status_code=403)
    try:
        if not username or not password:
            raise ApiProblem(401, "unauthenticated", "请输入用户名和密码", [])
        answer = (
            await Api(request, None).send(
                "POST", "/auth/token", data={"username": username, "password": password}
            )
        ).json()
    except ApiProblem as problem:
        context = {"next": target, "problem": problem.message, "username": username}
        return sign_in_form(request, context, status_code=401)
    role = Role(answer["account"]["role"])
    if not target.startswith("/console/") or target.startswith("//"):
        target = HOME.get(role, "/console/cases")
    token = answer["access_token"]
    kept = [(k[len(KEPT) :], v) for k, v in form.multi_items() if k.startswith(KEPT)]
    if kept and isinstance(kept[0][1], str):  # a form sent on the expired session
        page = {
            "target": target,
            "kept": kept,
            "csrf": session.form_token(request, token),
            "me": answer["account"],
        }
        response: Response = templates.TemplateResponse(request, "resume.html", page)
    else:
        response = see_other(target)
    session.keep(response, request, token, request.app.state.settings.token_hours)
    return response


@router.get("/password", response_class=HTMLResponse)
async def password_page(request: Request) -> Response:
    who = await visitor(request)
    return who.page("password.html", problem=None)


@router.post("/password", response_class=HTMLResponse)
async def change_password(request: Request) -> Response:
    """One's own password; every session ends with it, so sign in again."""
    who = await visitor(request)
    form = await checked_form(request, who)
    new = str(form.get("new_password", ""))
    if new != str(form.get("repeated_password", "")):
        return who.page("password.html", status_code=422, problem="两次输入的新密码不一致")
    body = {"current_password": str(form.get("current_password", "")), "new_password": new}
    try:
        await who.api.send("POST", "/auth/password", json=body)
    except ApiProblem as problem:
        if problem.status == 401:
            raise
        words = "；".join(d["message"] for d in problem.details) or problem.message
        return who.page("password.html", status_code=problem.status, problem=words)
    response = see_other("/console/sign-in?done=password")
    session.forget(response)
    return response


@router.post("/sign-out")
async def sign_out(request: Request) -> Response:
    who = await visitor(request)
    await checked_form(request, who)
    response = see_other("/console/sign-in")
    session.forget(response)
    return response


# --- cases -----------------------------------------------------------------------------
