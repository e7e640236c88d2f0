"""A department's inbox and task page, and its actions on a task."""

from urllib.parse import quote

from fastapi import Request, Response
from fastapi.responses import HTMLResponse

from console.api import ApiProblem
from console.frame import (
    PAGE_SIZE,
    Failure,
    Visitor,
    checked_form,
    failure_context,
    paged,
    router,
    submit,
    visitor,
)
from console.task_forms import TASK_FORMS, task_forms
from domain.actors import Role
from domain.matter import MatterSnapshot, MatterState
from domain.permitted import matter_actions

TASK_VERBS = {
    "hand-off-acknowledgement",
    "correction-request",
    "refusal",
    "deferred-materials-confirmation",
    *TASK_FORMS,
}


def department_of(who: Visitor) -> str:
    if who.role is not Role.DEPARTMENT:
        raise ApiProblem(403, "forbidden", "只有部门工作人员有待办事项", [])
    return str(who.me["department"])


async def show_inbox(
    who: Visitor, page: int, outcome: dict | None = None, failure: Failure | None = None
) -> Response:
    path = f"/departments/{department_of(who)}/inbox"
    tasks, page, pages = await paged(
        lambda offset: who.api.get(path, offset=offset, limit=PAGE_SIZE), page
    )
    return who.page(
        "inbox.html",
        tasks=tasks,
        page=page,
        pages=pages,
        outcome=outcome,
        **failure_context(failure),
    )


@router.get("/inbox", response_class=HTMLResponse)
async def inbox(request: Request, page: int = 1) -> Response:
    return await show_inbox(await visitor(request), page)


@router.post("/inbox/bulk/{verb}", response_class=HTMLResponse)
async def bulk_act(request: Request, verb: str) -> Response:
    """签收 or 受理 the ticked hand-overs at once; the page says which succeeded."""
    who = await visitor(request)
    form = await checked_form(request, who)
    department = department_of(who)
    if verb not in ("hand-off-acknowledgement", "acceptance"):
        raise ApiProblem(404, "not_found", "没有这个操作", [])
    tasks = [
        {"case_id": case_id, "matter": matter}
        for ticked in form.getlist("task")
        if isinstance(ticked, str) and "|" in ticked
        for case_id, matter in [ticked.split("|", 1)]
    ]
    if not tasks:
        problem = ApiProblem(422, "invalid_input", "请先勾选要办理的事项", [])
        return await show_inbox(who, 1, failure=("bulk", problem))
    body = {"tasks": tasks, "received_by": form.get("received_by") or None}
    try:
        outcome = await who.api.post(
            f"/departments/{department}/bulk/{verb}",
            body,
            key=str(form.get("idempotency_key") or ""),
        )
    except ApiProblem as problem:
        if problem.status in (401, 403, 404):
            raise
        return await show_inbox(who, 1, failure=("bulk", problem))
    return await show_inbox(who, 1, outcome=outcome)


async def show_task(
    who: Visitor, case_id: str, matter: str, failure: Failure | None = None
) -> Response:
    department = department_of(who)
    task = await who.api.get(f"/departments/{department}/tasks/{quote(case_id)}/{matter}")
    snapshot = MatterSnapshot.model_validate(task["matter"])
    actions = matter_actions(snapshot, who.role)
    listed = await who.api.get(
        f"/departments/{department}/tasks/{quote(case_id)}/{matter}/documents", limit=200
    )
    clocks = await who.api.get("/work", case_id=case_id, matter=matter, limit=20)
    return who.page(
        "task.html",
        task=task,
        clocks=clocks["items"],
        actions=actions,
        current_files=[d for d in listed["items"] if not d["superseded_at"]],
        earlier_files=[d for d in listed["items"] if d["superseded_at"]],
        takes_results=snapshot.state in (MatterState.HANDED_OVER, MatterState.ACCEPTED),
        model_forms=task_forms(case_id, snapshot, actions),
        **failure_context(failure),
    )


@router.get("/inbox/{case_id}/{matter}", response_class=HTMLResponse)
async def task_page(request: Request, case_id: str, matter: str) -> Response:
    return await show_task(await visitor(request), case_id, matter)


@router.post("/inbox/{case_id}/{matter}/act/{verb}", response_class=HTMLResponse)
async def act_on_task(request: Request, case_id: str, matter: str, verb: str) -> Response:
    who = await visitor(request)
    form = await checked_form(request, who)
    department = department_of(who)
    if verb not in TASK_VERBS:
        raise ApiProblem(404, "not_found", "没有这个操作", [])
    decided = verb in ("approval", "refusal")  # the task leaves the inbox: back to the list
    return await submit(
        who,
        form,
        verb,
        f"/departments/{department}/tasks/{quote(case_id)}/{matter}/{verb}",
        lambda failure: show_task(who, case_id, matter, failure),
        f"/console/inbox?done={verb}"
        if decided
        else f"/console/inbox/{case_id}/{matter}?done={verb}",
        irreversible=verb == "refusal",
    )


# --- the 州工信局 dashboard ---------------------------------------------------------------
