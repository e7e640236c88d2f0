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
    offset_of,
    page_count,
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


@router.get("/inbox", response_class=HTMLResponse)
async def inbox(request: Request, page: int = 1) -> Response:
    who = await visitor(request)
    department, page = department_of(who), max(page, 1)
    tasks = await who.api.get(
        f"/departments/{department}/inbox", offset=offset_of(page), limit=PAGE_SIZE
    )
    return who.page("inbox.html", tasks=tasks, page=page, pages=page_count(tasks["total"]))


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
    return who.page(
        "task.html",
        task=task,
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
