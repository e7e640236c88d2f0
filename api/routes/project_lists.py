"""Project lists (鄂尔多斯 四.(三)): an industry office pushes the projects it has signed;
each opens a case, copied to the departments the pack names."""

from datetime import timedelta

from fastapi import APIRouter, status
from pydantic import BaseModel

from api.auth.access import ListPusher, ensure_may_open
from api.deps import EngineDep, SettingsDep, TemporalDep
from api.errors import ERROR_RESPONSES, forbidden
from api.idempotency import IdempotencyKey
from domain.actors import Role
from domain.application import Application, EntrustmentScope
from domain.errors import InvalidInput
from domain.project_lists import ProjectList
from policies.registry import ApplicationProblem, case_input, pack_for
from services.opening import open_case_once

router = APIRouter(prefix="/project-lists", tags=["cases"], responses=ERROR_RESPONSES)


class ListedCase(BaseModel):
    project_name: str
    case_id: str


@router.post("", status_code=status.HTTP_201_CREATED, response_model=list[ListedCase])
async def push_project_list(
    body: ProjectList,
    principal: ListPusher,
    client: TemporalDep,
    engine: EngineDep,
    settings: SettingsDep,
    key: IdempotencyKey = None,
) -> list[ListedCase]:
    """Open one case per signed project; the office stays the project's office for routing.
    A coordinator of the park pushes it, or the office itself with its own account (a
    department account of that office).

    Every project is checked first, so a bad one opens none (422 names it). Send an
    Idempotency-Key so that a list pushed twice opens its cases once.
    """
    try:
        pack = pack_for(body.jurisdiction)
    except ApplicationProblem as problem:
        raise InvalidInput(problem.field, problem.message) from problem
    if pack.project_lists is None:
        raise InvalidInput("jurisdiction", f"{pack.name}不以项目清单推送代办")
    applications = [
        Application(
            jurisdiction=body.jurisdiction,
            park=body.park,
            enterprise=listed.enterprise,
            contact=listed.contact,
            project=listed.project.model_copy(update={"industry_office": body.office}),
            matters=listed.matters,
            scope=EntrustmentScope.FULL,
            period=listed.period,
        )
        for listed in body.projects
    ]
    actor = principal.actor
    office = principal.role is Role.DEPARTMENT
    if office and (principal.department != body.office or pack.department(body.office) is None):
        raise forbidden("产业管理办公室只能推送本办公室签约的项目清单")
    for number, application in enumerate(applications):
        if not office:
            ensure_may_open(principal, application)
        try:
            case_input("", application, actor)
        except ApplicationProblem as problem:
            raise InvalidInput(f"projects[{number}].{problem.field}", problem.message) from problem
    # With a key, each project is opened once under key#n: a list pushed again (or retried
    # after a crash half-way) opens only the projects not yet opened, and answers the same.
    return [
        ListedCase(
            project_name=application.subject,
            case_id=await open_case_once(
                application,
                actor,
                client,
                engine,
                settings.task_queue,
                f"{key}#{number}" if key else None,
                copied_to=pack.project_lists.copy_to,
                lease=timedelta(seconds=settings.idempotency_lease_seconds),
            ),
        )
        for number, application in enumerate(applications)
    ]
