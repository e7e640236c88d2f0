"""Find a jurisdiction's pack and resolve an application against it."""

from collections.abc import Mapping, Sequence

from domain.actors import Actor
from domain.application import Application
from domain.case import CaseInput
from domain.catalogue import CaseMatter, Department, MatterDefinition, PolicyPack
from domain.eligibility import Applicant, Eligibility, EligibilityFacts, assess
from policies.packs import load_packs

PACKS: dict[str, PolicyPack] = load_packs()


class ApplicationProblem(ValueError):
    """The application names something the jurisdiction's catalogue does not have."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field
        self.message = message


# Every resolution takes the packs it resolves against: the live ones by default, a changed
# copy in a what-if simulation (simulation/change.py), so no run swaps the module's packs.
Packs = Mapping[str, PolicyPack]


def pack_for(jurisdiction: str, packs: Packs = PACKS) -> PolicyPack:
    pack = packs.get(jurisdiction)
    if pack is None:
        raise ApplicationProblem("jurisdiction", f"未知的辖区：{jurisdiction}")
    return pack


def case_input(
    case_id: str,
    application: Application,
    opened_by: Actor,
    copied_to: Sequence[str] = (),
    packs: Packs = PACKS,
) -> CaseInput:
    """Everything a case needs from its pack, resolved now and carried in its input, so a
    later edit of the pack never changes a running case."""
    application = expand_bundles(application, packs)
    matters = resolve_matters(application, packs)
    pack = pack_for(application.jurisdiction, packs)
    park = pack.park(application.park)
    assert park is not None  # resolve_matters checked it
    return CaseInput(
        case_id=case_id,
        application=application,
        jurisdiction_name=pack.name,
        park_name=park.name,
        matters=matters,
        opened_by=opened_by,
        county=park.county,
        coordination_hours=pack.coordination_hours,
        hand_off_ack_hours=pack.hand_off_ack_hours,
        feedback_report_days=pack.feedback_report_days,
        feedback_report_required=pack.feedback_report_required,
        oversight_body=pack.oversight_body,
        eligibility=assess_eligibility(application, packs),
        budget_days=pack.case_budget_days,
        agent_team=pack.agent_team,
        copied_to=list(copied_to),
        joint_review=pack.joint_review,
        leader_in_charge=pack.leader_in_charge,
        agents_may_name_intermediaries=pack.agents_may_name_intermediaries,
    )


def expand_bundles(application: Application, packs: Packs = PACKS) -> Application:
    """一件事一次办: the bundles' matters join the matters named one by one, once each."""
    if not application.bundles:
        return application
    pack = pack_for(application.jurisdiction, packs)
    matters = list(application.matters)
    for code in application.bundles:
        bundle = pack.bundle(code)
        if bundle is None:
            raise ApplicationProblem("bundles", f"{pack.name}没有编码为{code}的一件事套餐")
        matters += [m for m in bundle.matters if m not in matters]
    return application.model_copy(update={"matters": matters})


def assess_eligibility(application: Application, packs: Packs = PACKS) -> Eligibility | None:
    """The pack's eligibility rules applied to the application; None if it has none."""
    pack = pack_for(application.jurisdiction, packs)
    if pack.eligibility is None:
        return None
    kinds = {m.name: m.kind for code in application.matters if (m := pack.matter(code)) and m.kind}
    project, resident = application.project, application.resident
    facts = EligibilityFacts(
        applicant=Applicant.RESIDENT if resident else Applicant.ENTERPRISE,
        mobility_impaired=bool(resident and resident.needs_help),
        matters=kinds,
        **(
            {
                "investment_wan_yuan": project.investment_wan_yuan,
                "approval_level": project.approval_level,
                "in_industrial_policy": project.in_industrial_policy,
                "restrictions": project.restrictions,
                "listed_major_project": project.listed_major_project,
            }
            if project
            else {}
        ),
    )
    return assess(pack.eligibility, facts)


def _routed(
    pack: PolicyPack, definition: MatterDefinition, office: str | None
) -> Department | None:
    """鄂尔多斯: by the matter's domain, else the project's own 产业管理办公室."""
    assert pack.routing is not None and definition.domain is not None
    fallback = pack.department(pack.routing.fallback)
    if office is not None:
        named = pack.department(office)
        if named is None or fallback is None or named.function != fallback.function:
            raise ApplicationProblem(
                "project.industry_office", f"{pack.name}没有编码为{office}的产业管理办公室"
            )
    return pack.department(pack.routing.department_for(definition.domain, office))


def resolve_matters(application: Application, packs: Packs = PACKS) -> list[CaseMatter]:
    """Resolve the entrusted matters to definitions and deciding departments: the park's
    county's, or for a matter on the park's cross-county list, the project county's.

    A matter that depends on a matter not entrusted in this case is taken as already
    settled outside the case (e.g. the enterprise registered itself): only dependencies
    inside the case make a matter wait.
    """
    pack = pack_for(application.jurisdiction, packs)
    park = pack.park(application.park)
    if park is None:
        raise ApplicationProblem("park", f"{pack.name}没有编码为{application.park}的园区")
    resolved: list[CaseMatter] = []
    for code in application.matters:
        definition = pack.matter(code)
        if definition is None:
            raise ApplicationProblem("matters", f"事项目录中没有编码为{code}的事项")
        route = pack.route(definition, park)
        county = route.project_county if route else park.county
        if pack.routing is not None:
            office = application.project.industry_office if application.project else None
            department = _routed(pack, definition, office)
        else:
            department = pack.deciding_department(definition, county)
        if department is None:
            raise ApplicationProblem("matters", f"{county}没有负责“{definition.name}”的部门")
        in_case = [d for d in definition.depends_on if d in application.matters]
        resolved.append(
            CaseMatter(
                definition=definition.model_copy(update={"depends_on": in_case}),
                department=department,
                warning_share=pack.warning_share,
                cross_county=route,
            )
        )
    return resolved
