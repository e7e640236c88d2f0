"""修改委托书 during initial review: the amended 委托书 resolved and assessed like a new one,
then handed to the case, which records what changed."""

from temporalio.client import Client

from domain.actors import Actor
from domain.amendment import AmendApplication, AmendmentRequest, fixed_field_problem
from domain.case import CaseStatus
from domain.errors import InvalidInput
from policies.registry import (
    ApplicationProblem,
    assess_eligibility,
    expand_bundles,
    resolve_matters,
)
from services.commands import act_on_case, case_status
from workflows.case import CaseWorkflow


async def amend_application(
    client: Client, case_id: str, request: AmendmentRequest, actor: Actor, key: str | None
) -> CaseStatus:
    """The catalogue resolves the amended matters and the pack's rules assess eligibility
    again (a filled-in approval level can make a 和硕 project eligible); the workflow then
    refuses it outside initial review, or when nothing changed."""
    status = await case_status(client, case_id)
    try:
        application = expand_bundles(request.application)
        matters = resolve_matters(application)
        eligibility = assess_eligibility(application)
    except ApplicationProblem as problem:
        raise InvalidInput(f"application.{problem.field}", problem.message) from problem
    fixed = fixed_field_problem(status.application, application)
    if fixed is not None:
        raise InvalidInput(f"application.{fixed[0]}", fixed[1])
    action = AmendApplication(
        actor=actor,
        application=application,
        matters=matters,
        eligibility=eligibility,
        reason=request.reason,
    )
    return await act_on_case(client, case_id, CaseWorkflow.amend_application, action, key)
