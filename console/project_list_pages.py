"""鄂尔多斯 project lists in the console: the park's coordinator, or the industry office
with its own account, pushes the projects it has signed; each opens a case."""

from functools import partial

from fastapi import Request, Response
from fastapi.responses import HTMLResponse

from console import forms
from console.api import ApiProblem
from console.frame import (
    Failure,
    Visitor,
    checked_form,
    failure_context,
    router,
    see_other,
    shown_again,
    visitor,
)
from console.model_forms import ModelForm, inputs_of
from domain.actors import Role
from domain.project_lists import ProjectList


async def _pack(who: Visitor) -> dict:
    if who.role is Role.COORDINATOR:
        jurisdiction = who.me["jurisdiction"]
    elif who.role is Role.DEPARTMENT:
        jurisdiction = "ORD"  # the only pack with project lists pushed by an office
    else:
        raise ApiProblem(403, "forbidden", "只有代办员或产业管理办公室可以推送项目清单", [])
    pack = await who.api.get(f"/catalogue/{jurisdiction}")
    if not pack.get("project_lists"):
        raise ApiProblem(404, "not_found", f"{pack['name']}不以项目清单推送代办", [])
    return pack


async def _page(who: Visitor, failure: Failure | None = None) -> Response:
    pack = await _pack(who)
    offices = tuple(
        (d["code"], d["name"]) for d in pack["departments"] if d["function"] == "industry-office"
    )
    parks = tuple((p["code"], p["name"]) for p in pack["parks"])
    choices = {
        "park": parks,
        "office": offices,
        "matters": tuple((m["code"], m["name"]) for m in pack["matters"]),
    }
    skip = frozenset({"jurisdiction"} | ({"office"} if who.role is Role.DEPARTMENT else set()))
    form = ModelForm(
        "push",
        "推送签约项目清单（每个项目开立一件案件）",
        "/console/project-lists",
        inputs_of(ProjectList, choices=choices, skip=skip),
        "推送",
        open=True,  # the page's one form
    )
    return who.page("project_lists.html", form=form, **failure_context(failure))


@router.get("/project-lists", response_class=HTMLResponse)
async def project_lists_page(request: Request) -> Response:
    return await _page(await visitor(request))


@router.post("/project-lists", response_class=HTMLResponse)
async def push_project_list(request: Request) -> Response:
    who = await visitor(request)
    pack = await _pack(who)
    form = await checked_form(request, who)
    body = forms.nest(form)
    body["jurisdiction"] = pack["jurisdiction"]
    if who.role is Role.DEPARTMENT:
        body["office"] = who.me["department"]
    try:
        opened = await who.api.post(
            "/project-lists", body, key=str(form.get("idempotency_key") or "")
        )
    except ApiProblem as problem:
        return await shown_again(problem, form, "push", partial(_page, who))
    first = opened[0]["case_id"] if opened else ""
    if who.role is Role.COORDINATOR and first:
        return see_other(f"/console/cases/{first}?done=opened")
    return see_other("/console/project-lists?done=pushed")
