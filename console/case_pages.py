"""The case pages: the list, the 委托书 form, a case with its actions, papers and exports."""

import re
from datetime import datetime
from typing import Any
from urllib.parse import quote

import httpx
from fastapi import Request, Response
from fastapi.responses import HTMLResponse

from console import forms, session, timeline
from console.api import ApiProblem
from console.case_forms import CASE_FORM_PATHS, case_forms
from console.frame import (
    PAGE_SIZE,
    Failure,
    Visitor,
    checked_form,
    failure_context,
    paged,
    router,
    see_other,
    submit,
    visitor,
)
from domain.actions import AGENT_LEVEL_NAMES, AgentLevel
from domain.actors import Role
from domain.case import CaseStage, CaseStatus
from domain.clock import BUSINESS_ZONE
from domain.eligibility import LEVEL_NAMES, RESTRICTION_NAMES
from domain.papers import PAPER_NAMES, Paper, available
from domain.permitted import case_actions

# The 委托书's inputs that are lists even with one value ticked.
LIST_FIELDS = frozenset({"matters", "bundles", "project.restrictions"})

LIFECYCLE = [
    CaseStage.INITIAL_REVIEW,
    CaseStage.PLANNING,
    CaseStage.PROCESSING,
    CaseStage.DELIVERY,
    CaseStage.EVALUATION,
    CaseStage.ARCHIVED,
]

CASE_ACTION = re.compile(
    r"^(review|plan|delivery|receipt|evaluation|feedback-report|termination"
    r"|matters/[a-z0-9_\-]+/(resubmission|deferred-materials)"
    + "".join(f"|{path}" for path in CASE_FORM_PATHS)
    + ")$"
)


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
    cases, page, pages = await paged(
        lambda offset: who.api.get(
            "/cases",
            q=q[:100],
            stage=stage if stage in set(CaseStage) else None,
            park=park,
            overdue="true" if overdue else None,
            offset=offset,
            limit=PAGE_SIZE,
        ),
        page,
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
        pages=pages,
    )


async def _newshow_case(
    who: Visitor,
    values: dict[str, Any],
    problem: ApiProblem | None,
    status_code: int = 200,
    amending: str | None = None,
) -> Response:
    pack = await _applying_to(who)
    routing = pack.get("routing") or {}
    fallback = next((d for d in pack["departments"] if d["code"] == routing.get("fallback")), None)
    offices = [d for d in pack["departments"] if fallback and d["function"] == fallback["function"]]
    return who.page(
        "new_case.html",
        status_code=status_code,
        pack=pack,
        approval_levels=[(level.value, name) for level, name in LEVEL_NAMES.items()],
        restrictions=[(r.value, name) for r, name in RESTRICTION_NAMES.items()],
        industry_offices=offices,
        amending=amending,
        values=values,
        problem=problem,
        errors=problem.field_errors if problem else {},
        key=values.get("idempotency_key") or session.new_key(),
    )


async def _applying_to(who: Visitor) -> dict[str, Any]:
    """The pack a 委托书 is for: the coordinator's own, or for an enterprise the first that
    offers online application (包头 云代办)."""
    if who.role is Role.COORDINATOR:
        pack: dict[str, Any] = await who.api.get(f"/catalogue/{who.me['jurisdiction']}")
        return pack
    if who.role is Role.ENTERPRISE:
        for listed in await who.api.get("/catalogue"):
            pack = await who.api.get(f"/catalogue/{listed['jurisdiction']}")
            if pack.get("online_application"):
                return pack
        raise ApiProblem(403, "forbidden", "暂无开通企业在线申请的地区，请到园区管委会窗口委托", [])
    raise ApiProblem(403, "forbidden", "只有园区管委会代办人员或企业可以提交委托", [])


@router.get("/cases/new", response_class=HTMLResponse)
async def newshow_case(request: Request) -> Response:
    who = await visitor(request)
    today = datetime.now(BUSINESS_ZONE).date()
    values: dict[str, Any] = {"scope": "full", "period.start": today.isoformat(), "matters": []}
    if who.role is Role.ENTERPRISE:
        values["enterprise.uscc"] = who.me["uscc"]
        values["contact.name"] = who.me["display_name"]
    return await _newshow_case(who, values, None)


@router.post("/cases/new", response_class=HTMLResponse)
async def open_case(request: Request) -> Response:
    who = await visitor(request)
    form = await checked_form(request, who)
    try:
        body = forms.nest(form, lists=LIST_FIELDS)
        body["jurisdiction"] = (await _applying_to(who))["jurisdiction"]
        if who.me.get("park"):
            body["park"] = who.me["park"]
        body.setdefault("matters", [])
        created = await who.api.post("/cases", body, key=str(form.get("idempotency_key") or ""))
    except ApiProblem as problem:
        values = {k: form.getlist(k) if k in LIST_FIELDS else form.get(k) for k in form}
        return await _newshow_case(who, values, problem, problem.status)
    return see_other(f"/console/cases/{created['case_id']}?done=opened")


def flattened(node: Any, prefix: str = "") -> dict[str, Any]:
    """The 委托书 as the form's inputs: dotted names; a yes/no as the select's value."""
    values: dict[str, Any] = {}
    for name, value in (node or {}).items():
        path = f"{prefix}{name}"
        if isinstance(value, dict):
            values |= flattened(value, f"{path}.")
        elif isinstance(value, bool):
            values[path] = "true" if value else "false"
        elif value is not None:
            values[path] = value if isinstance(value, list) else str(value)
    return values


@router.get("/cases/{case_id}/amendment", response_class=HTMLResponse)
async def amendment_page(request: Request, case_id: str) -> Response:
    who = await visitor(request)
    case = await who.api.get(f"/cases/{quote(case_id)}")
    if case["stage"] != CaseStage.INITIAL_REVIEW.value:
        raise ApiProblem(409, "action_refused", "只有初审中的委托书可以修改", [])
    return await _newshow_case(who, flattened(case["application"]), None, amending=case_id)


@router.post("/cases/{case_id}/amendment", response_class=HTMLResponse)
async def amend_application(request: Request, case_id: str) -> Response:
    who = await visitor(request)
    form = await checked_form(request, who)
    case = await who.api.get(f"/cases/{quote(case_id)}")
    try:
        body = forms.nest(form, lists=LIST_FIELDS)
        reason = body.pop("reason", "")
        body |= {"jurisdiction": case["jurisdiction"], "park": case["park"]}
        body.setdefault("matters", [])
        await who.api.post(
            f"/cases/{quote(case_id)}/amendment",
            {"application": body, "reason": reason},
            key=str(form.get("idempotency_key") or ""),
        )
    except ApiProblem as problem:
        for detail in problem.details:  # the form's fields are the 委托书's own
            detail["field"] = str(detail.get("field") or "").removeprefix("application.")
        values = {k: form.getlist(k) if k in LIST_FIELDS else form.get(k) for k in form}
        return await _newshow_case(who, values, problem, problem.status, amending=case_id)
    return see_other(f"/console/cases/{case_id}?done=amendment")


async def show_case(who: Visitor, case_id: str, failure: Failure | None = None) -> Response:
    case = CaseStatus.model_validate(await who.api.get(f"/cases/{case_id}"))
    ledger = await who.api.get(f"/cases/{case_id}/ledger", limit=200)
    reads = None
    if who.role in (Role.ENTERPRISE, Role.COORDINATOR):  # whose materials, who serves them
        reads = await who.api.get(f"/cases/{case_id}/material-reads", limit=50)
    files = await case_files(who, case_id)
    clocks = await who.api.get("/work", case_id=case_id, limit=50)
    today = datetime.now(BUSINESS_ZONE).date()
    papers = [(paper, PAPER_NAMES[paper]) for paper in available(case)]
    actions = case_actions(case, who.role)
    checklists: dict[str, list[str]] = {}
    team: tuple[str, list[dict[str, str]]] = ("", [])
    if "plan" in actions:  # the plan starts from each matter's catalogue checklist
        pack = await who.api.get(f"/catalogue/{case.jurisdiction}")
        checklists = {m["code"]: m.get("materials", []) for m in pack["matters"]}
        team = team_rows(pack.get("agent_team"), case)
    return who.page(
        "case.html",
        case=case,
        ledger=ledger,
        chart=timeline.build(case, today),
        lifecycle=LIFECYCLE,
        actions=actions,
        checklists=checklists,
        team_rule_text=team[0],
        team_rows=team[1],
        papers=papers,
        today=today,
        model_forms=case_forms(case, who.role, actions),
        reads=reads,
        files=files,
        clocks=clocks["items"],
        file_names={
            d["id"]: f"{d['material']}第{d['version']}版"
            for m in files or []
            for d in [*m["current"], *m["earlier"]]
        },
        **failure_context(failure),
    )


# Who reads a case's files (ops repairs cases without reading what enterprises sent), and
# who sends them.
FILE_READERS = frozenset({Role.COORDINATOR, Role.ENTERPRISE, Role.OVERSIGHT, Role.LEADER})
FILE_SENDERS = frozenset({Role.COORDINATOR, Role.ENTERPRISE})


async def case_files(who: Visitor, case_id: str) -> list[dict[str, Any]] | None:
    """Each matter with its versions, newest first per material, and what it takes now."""
    if who.role not in FILE_READERS:
        return None
    listed = await who.api.get(f"/cases/{quote(case_id)}/documents", limit=200)
    lists = await who.api.get(f"/cases/{quote(case_id)}/checklists")
    rows = []
    for checklist in lists["items"]:
        own = [d for d in listed["items"] if d["matter"] == checklist["matter"]]
        rows.append(
            {
                **checklist,
                "current": [d for d in own if not d["superseded_at"]],
                "earlier": [d for d in own if d["superseded_at"]],
                "uploads": who.role in FILE_SENDERS and checklist["takes_materials"],
            }
        )
    return rows


def team_rows(rule: dict[str, Any] | None, case: CaseStatus) -> tuple[str, list[dict[str, str]]]:
    """The plan's team inputs the pack asks for: 三包一 (包头), 2–3 agents at each level;
    鄂尔多斯, 1–2 of each department that decides a matter of the case. Blank rows are left
    out when sent."""
    if not rule:
        return "", []
    most = int(rule.get("max_per_level", 3))
    least = int(rule.get("min_per_level", 2))
    rows: list[dict[str, str]] = []
    if rule.get("levels"):
        for level in rule["levels"]:
            name = AGENT_LEVEL_NAMES[AgentLevel(level)]
            rows += [
                {"label": f"{name}级第{n + 1}人", "field": "level", "value": level}
                for n in range(most)
            ]
        return f"代办帮办团队（三包一：每级{least}至{most}名）", rows
    if rule.get("per_department"):
        departments = {m.department: m.department_name for m in case.matters}
        for code, name in departments.items():
            rows += [
                {"label": f"{name}第{n + 1}人", "field": "department", "value": code}
                for n in range(most)
            ]
        return f"代办帮办团队（每个承办部门{least}至{most}名）", rows
    return "", []


@router.get("/cases/{case_id}", response_class=HTMLResponse)
async def case_page(request: Request, case_id: str) -> Response:
    return await show_case(await visitor(request), case_id)


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
        lambda failure: show_case(who, case_id, failure),
        f"/console/cases/{case_id}?done={action.rsplit('/', 1)[-1]}",
        irreversible=action == "termination"
        or (action == "review" and form.get("decision") == "refuse"),
    )


@router.get("/cases/{case_id}/papers/{paper}.{form}")
async def case_paper(request: Request, case_id: str, paper: Paper, form: str) -> Response:
    who = await visitor(request)
    answer = await who.api.send(
        "GET", f"/cases/{quote(case_id)}/papers/{paper.value}", params={"format": form}
    )
    return _download(answer)


EXPORT_FILTERS = (
    "county",
    "park",
    "stage",
    "overdue",
    "pending_coordination",
    "opened_from",
    "opened_to",
)


@router.get("/tracking-table.{form}")
async def tracking_table(request: Request, form: str, cross_county: bool = False) -> Response:
    """The export honours the filters of the list it was asked from."""
    who = await visitor(request)
    params = {"format": form, "cross_county": str(cross_county).lower()}
    params |= {k: v for k in EXPORT_FILTERS if (v := request.query_params.get(k))}
    return _download(await who.api.send("GET", "/tracking-table", params=params))


def _download(answer: httpx.Response) -> Response:
    headers = {"Content-Disposition": answer.headers.get("content-disposition", "attachment")}
    return Response(answer.content, media_type=answer.headers["content-type"], headers=headers)


# --- departments -----------------------------------------------------------------------
