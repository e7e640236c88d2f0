"""The console's pages. Each reads through the API with the person's token and renders
HTML; each form posts back here, and the action goes on to the API route of the same name.
"""

import asyncio
import re
from collections.abc import Awaitable, Callable
from datetime import datetime
from pathlib import Path
from typing import Any
from urllib.parse import quote

import httpx
from fastapi import APIRouter, FastAPI, Request, Response
from fastapi.responses import HTMLResponse, RedirectResponse
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates

from console import charts, forms, session, timeline
from console.api import Api, ApiProblem
from domain.actions import Satisfaction
from domain.actors import Role
from domain.case import STAGE_NAMES, CaseStage, CaseStatus
from domain.clock import BUSINESS_ZONE
from domain.dates import day_text, time_text
from domain.matter import MATTER_STATE_NAMES, MatterSnapshot
from domain.papers import PAPER_NAMES, Paper, available
from domain.permitted import case_actions, matter_actions

router = APIRouter(prefix="/console", include_in_schema=False)
templates = Jinja2Templates(directory=Path(__file__).parent / "templates")
templates.env.filters["day"] = day_text
templates.env.filters["when"] = time_text
templates.env.filters["iso_when"] = lambda text: (
    time_text(datetime.fromisoformat(text)) if text else ""
)
templates.env.filters["iso_day"] = lambda text: (
    day_text(datetime.fromisoformat(text)) if text else ""
)
templates.env.globals.update(
    stage_names=STAGE_NAMES,
    matter_state_names=MATTER_STATE_NAMES,
    satisfaction_levels=list(Satisfaction),
    # The API names a field by its path; a person reads the form's label.
    field_labels={
        "enterprise": "委托人",
        "enterprise.name": "企业名称",
        "enterprise.uscc": "统一社会信用代码",
        "contact.name": "联系人",
        "contact.phone": "联系电话",
        "park": "园区",
        "project": "项目",
        "project.name": "项目名称",
        "project.investment_wan_yuan": "总投资",
        "project.industry": "所属行业",
        "matters": "委托事项",
        "period": "委托期限",
        "period.start": "委托期限自",
        "period.end": "委托期限至",
        "agent.id": "工号",
        "agent.name": "代办专员姓名",
        "agent.phone": "代办专员电话",
        "materials_received": "收到的材料",
        "reasons": "不予受理的理由",
        "result_reference": "批文或证照编号",
        "items": "需补正的材料",
        "reason": "理由",
        "signed_by": "签收人",
        "received_by": "签收人",
        "text": "报告定稿",
        "reference": "报送文号",
    },
)

HOME = {
    Role.COORDINATOR: "/console/cases",
    Role.OPS: "/console/cases",
    Role.ENTERPRISE: "/console/cases",
    Role.DEPARTMENT: "/console/inbox",
    Role.OVERSIGHT: "/console/dashboard",
}
PAGE_SIZE = 20
LIFECYCLE = [
    CaseStage.INITIAL_REVIEW,
    CaseStage.PLANNING,
    CaseStage.PROCESSING,
    CaseStage.DELIVERY,
    CaseStage.EVALUATION,
    CaseStage.ARCHIVED,
]
DONE = {
    "opened": "委托已登记，案件进入初审",
    "review": "初审结果已提交",
    "plan": "代办计划已提交，事项开始移交部门",
    "delivery": "办结送达已登记",
    "receipt": "签收已登记",
    "evaluation": "评价已提交，谢谢",
    "feedback-report": "评价反馈报告已报送",
    "termination": "委托已终止",
    "resubmission": "补正材料已移交部门",
    "deferred-materials": "容缺材料已补齐",
    "hand-off-acknowledgement": "已签收移交",
    "acceptance": "已受理",
    "correction-request": "补正通知已发出",
    "approval": "已办结",
    "refusal": "已作出不予许可决定",
}
CASE_ACTION = re.compile(
    r"^(review|plan|delivery|receipt|evaluation|feedback-report|termination"
    r"|matters/[a-z0-9_\-]+/(resubmission|deferred-materials))$"
)
TASK_VERBS = {"hand-off-acknowledgement", "acceptance", "correction-request", "approval", "refusal"}


class SignInNeeded(Exception):
    pass


class Visitor:
    """The signed-in person on this request: their API client and who the API says they are."""

    def __init__(self, request: Request, api: Api, me: dict[str, Any], token: str) -> None:
        self.request, self.api, self.me, self.token = request, api, me, token
        self.role = Role(me["role"])

    def page(self, name: str, status_code: int = 200, **context: Any) -> HTMLResponse:
        context.update(
            me=self.me,
            role=self.role.value,
            csrf=session.form_token(self.request, self.token),
            done=DONE.get(self.request.query_params.get("done", "")),
        )
        return templates.TemplateResponse(self.request, name, context, status_code=status_code)


async def visitor(request: Request) -> Visitor:
    token = session.token_of(request)
    if not token:
        raise SignInNeeded
    api = Api(request, token)
    return Visitor(request, api, await api.get("/auth/me"), token)


async def checked_form(request: Request, who: Visitor) -> Any:
    form = await request.form()
    if not session.form_token_ok(request, who.token, form.get("csrf")):
        raise ApiProblem(403, "forbidden", "表单已过期或来源不明，请刷新页面后重试", [])
    return form


def see_other(url: str) -> RedirectResponse:
    return RedirectResponse(url, status_code=303)


def offset_of(page: int) -> int:
    return (page - 1) * PAGE_SIZE


def page_count(total: int) -> int:
    return max(1, -(-total // PAGE_SIZE))


Failure = tuple[str, ApiProblem]  # the action whose form failed, and the API's answer


def failure_context(failure: Failure | None) -> dict[str, Any]:
    """What a page with action forms needs: which form failed and why, and a fresh key."""
    failed, error = failure if failure else (None, None)
    return {
        "status_code": error.status if error else 200,
        "failed": failed,
        "error": error,
        "errors": error.field_errors if error else {},
        "key": session.new_key(),
    }


async def submit(
    who: Visitor,
    form: Any,
    action: str,
    path: str,
    again: Callable[[Failure], Awaitable[Response]],
    done: str,
) -> Response:
    """Send a form's action to the API; a refusal shows the page ``again`` with it."""
    try:
        await who.api.post(path, forms.nest(form), key=str(form.get("idempotency_key") or ""))
    except ApiProblem as problem:
        if problem.status in (401, 403, 404):
            raise
        return await again((action, problem))
    return see_other(done)


# --- sign-in ---------------------------------------------------------------------------


@router.get("", response_class=HTMLResponse)
async def home(request: Request) -> Response:
    who = await visitor(request)
    return see_other(HOME.get(who.role, "/console/cases"))


@router.get("/sign-in", response_class=HTMLResponse)
def sign_in_page(request: Request, next: str = "") -> Response:
    return templates.TemplateResponse(request, "sign_in.html", {"next": next, "problem": None})


@router.post("/sign-in", response_class=HTMLResponse)
async def sign_in(request: Request) -> Response:
    form = await request.form()
    username, password = str(form.get("username", "")), str(form.get("password", ""))
    target = str(form.get("next", ""))
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
        return templates.TemplateResponse(request, "sign_in.html", context, status_code=401)
    role = Role(answer["account"]["role"])
    if not target.startswith("/console/") or target.startswith("//"):
        target = HOME.get(role, "/console/cases")
    response = see_other(target)
    session.keep(response, request, answer["access_token"], request.app.state.settings.token_hours)
    return response


@router.post("/sign-out")
async def sign_out(request: Request) -> Response:
    who = await visitor(request)
    await checked_form(request, who)
    response = see_other("/console/sign-in")
    session.forget(response)
    return response


# --- cases -----------------------------------------------------------------------------


@router.get("/cases", response_class=HTMLResponse)
async def case_list(
    request: Request,
    q: str = "",
    stage: str = "",
    park: str = "",
    overdue: bool = False,
    page: int = 1,
) -> Response:
    who = await visitor(request)
    page = max(page, 1)
    cases = await who.api.get(
        "/cases",
        q=q[:100],
        stage=stage if stage in set(CaseStage) else None,
        park=park,
        overdue="true" if overdue else None,
        offset=offset_of(page),
        limit=PAGE_SIZE,
    )
    parks = []
    if who.role is Role.COORDINATOR and not who.me.get("park"):
        parks = (await who.api.get(f"/catalogue/{who.me['jurisdiction']}"))["parks"]
    return who.page(
        "cases.html",
        cases=cases,
        filters={"q": q, "stage": stage, "park": park, "overdue": overdue},
        parks=parks,
        page=page,
        pages=page_count(cases["total"]),
    )


async def _new_case_page(
    who: Visitor, values: dict[str, Any], problem: ApiProblem | None, status_code: int = 200
) -> Response:
    if who.role is not Role.COORDINATOR:
        raise ApiProblem(403, "forbidden", "只有园区管委会代办人员可以登记委托", [])
    pack = await who.api.get(f"/catalogue/{who.me['jurisdiction']}")
    return who.page(
        "new_case.html",
        status_code=status_code,
        pack=pack,
        values=values,
        problem=problem,
        errors=problem.field_errors if problem else {},
        key=values.get("idempotency_key") or session.new_key(),
    )


@router.get("/cases/new", response_class=HTMLResponse)
async def new_case_page(request: Request) -> Response:
    who = await visitor(request)
    today = datetime.now(BUSINESS_ZONE).date()
    values = {"scope": "full", "period.start": today.isoformat(), "matters": []}
    return await _new_case_page(who, values, None)


@router.post("/cases/new", response_class=HTMLResponse)
async def open_case(request: Request) -> Response:
    who = await visitor(request)
    form = await checked_form(request, who)
    body = forms.nest(form, lists=frozenset({"matters"}))
    body["jurisdiction"] = who.me["jurisdiction"]
    if who.me.get("park"):
        body["park"] = who.me["park"]
    body.setdefault("matters", [])
    try:
        created = await who.api.post("/cases", body, key=str(form.get("idempotency_key")))
    except ApiProblem as problem:
        values = {k: form.getlist(k) if k == "matters" else form.get(k) for k in form}
        return await _new_case_page(who, values, problem, problem.status)
    return see_other(f"/console/cases/{created['case_id']}?done=opened")


async def _case_page(who: Visitor, case_id: str, failure: Failure | None = None) -> Response:
    case = CaseStatus.model_validate(await who.api.get(f"/cases/{case_id}"))
    ledger = await who.api.get(f"/cases/{case_id}/ledger", limit=200)
    today = datetime.now(BUSINESS_ZONE).date()
    papers = [(paper, PAPER_NAMES[paper]) for paper in available(case)]
    return who.page(
        "case.html",
        case=case,
        ledger=ledger,
        chart=timeline.build(case, today),
        lifecycle=LIFECYCLE,
        actions=case_actions(case, who.role),
        papers=papers,
        today=today,
        **failure_context(failure),
    )


@router.get("/cases/{case_id}", response_class=HTMLResponse)
async def case_page(request: Request, case_id: str) -> Response:
    return await _case_page(await visitor(request), case_id)


@router.post("/cases/{case_id}/act/{action:path}", response_class=HTMLResponse)
async def act_on_case(request: Request, case_id: str, action: str) -> Response:
    who = await visitor(request)
    form = await checked_form(request, who)
    if not CASE_ACTION.match(action):
        raise ApiProblem(404, "not_found", "没有这个操作", [])
    return await submit(
        who,
        form,
        action,
        f"/cases/{quote(case_id)}/{action}",
        lambda failure: _case_page(who, case_id, failure),
        f"/console/cases/{case_id}?done={action.rsplit('/', 1)[-1]}",
    )


@router.get("/cases/{case_id}/papers/{paper}.{form}")
async def case_paper(request: Request, case_id: str, paper: Paper, form: str) -> Response:
    who = await visitor(request)
    answer = await who.api.send(
        "GET", f"/cases/{quote(case_id)}/papers/{paper.value}", params={"format": form}
    )
    return _download(answer)


@router.get("/tracking-table.{form}")
async def tracking_table(request: Request, form: str, cross_county: bool = False) -> Response:
    who = await visitor(request)
    params = {"format": form, "cross_county": str(cross_county).lower()}
    return _download(await who.api.send("GET", "/tracking-table", params=params))


def _download(answer: httpx.Response) -> Response:
    headers = {"Content-Disposition": answer.headers.get("content-disposition", "attachment")}
    return Response(answer.content, media_type=answer.headers["content-type"], headers=headers)


# --- departments -----------------------------------------------------------------------


def _department(who: Visitor) -> str:
    if who.role is not Role.DEPARTMENT:
        raise ApiProblem(403, "forbidden", "只有部门工作人员有待办事项", [])
    return str(who.me["department"])


@router.get("/inbox", response_class=HTMLResponse)
async def inbox(request: Request, page: int = 1) -> Response:
    who = await visitor(request)
    department, page = _department(who), max(page, 1)
    tasks = await who.api.get(
        f"/departments/{department}/inbox", offset=offset_of(page), limit=PAGE_SIZE
    )
    return who.page("inbox.html", tasks=tasks, page=page, pages=page_count(tasks["total"]))


async def _task_page(
    who: Visitor, case_id: str, matter: str, failure: Failure | None = None
) -> Response:
    department = _department(who)
    task = await who.api.get(f"/departments/{department}/tasks/{quote(case_id)}/{matter}")
    actions = matter_actions(MatterSnapshot.model_validate(task["matter"]), who.role)
    return who.page("task.html", task=task, actions=actions, **failure_context(failure))


@router.get("/inbox/{case_id}/{matter}", response_class=HTMLResponse)
async def task_page(request: Request, case_id: str, matter: str) -> Response:
    return await _task_page(await visitor(request), case_id, matter)


@router.post("/inbox/{case_id}/{matter}/act/{verb}", response_class=HTMLResponse)
async def act_on_task(request: Request, case_id: str, matter: str, verb: str) -> Response:
    who = await visitor(request)
    form = await checked_form(request, who)
    department = _department(who)
    if verb not in TASK_VERBS:
        raise ApiProblem(404, "not_found", "没有这个操作", [])
    decided = verb in ("approval", "refusal")  # the task leaves the inbox: back to the list
    return await submit(
        who,
        form,
        verb,
        f"/departments/{department}/tasks/{quote(case_id)}/{matter}/{verb}",
        lambda failure: _task_page(who, case_id, matter, failure),
        f"/console/inbox?done={verb}"
        if decided
        else f"/console/inbox/{case_id}/{matter}?done={verb}",
    )


# --- the 州工信局 dashboard ---------------------------------------------------------------


@router.get("/dashboard", response_class=HTMLResponse)
async def dashboard(
    request: Request, county: str = "", stage: str = "", overdue: bool = False, page: int = 1
) -> Response:
    who = await visitor(request)
    if who.role not in (Role.OVERSIGHT, Role.OPS):
        raise ApiProblem(403, "forbidden", "跨县市案件看板仅供州工信局专班和运维人员查看", [])
    page = max(page, 1)
    where = {
        "county": county[:40],
        "stage": stage if stage in set(CaseStage) else None,
        "overdue": "true" if overdue else None,
    }
    # Both are database reads in the API's thread pool: side by side, on two cores.
    stats, cases = await asyncio.gather(
        who.api.get("/oversight/statistics", **where),
        who.api.get("/oversight/cases", **where, offset=offset_of(page), limit=PAGE_SIZE),
    )
    levels = stats["satisfaction"]["by_level"]
    return who.page(
        "dashboard.html",
        stats=stats,
        cases=cases,
        filters={"county": county, "stage": stage, "overdue": overdue},
        page=page,
        pages=page_count(cases["total"]),
        by_county=charts.cases_by_county_and_stage(stats["by_county_and_stage"]),
        cycle=charts.cycle_times(stats["cycle_time_by_matter"]),
        satisfaction=charts.simple(
            [(level.value, levels.get(level.value, 0)) for level in Satisfaction],
            "#6a51a3",
            "{total:g}件",
        ),
        stage_colours={STAGE_NAMES[s]: c for s, c in charts.STAGE_COLOURS.items()},
    )


# --- wiring ------------------------------------------------------------------------------


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
