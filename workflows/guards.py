"""The rules the update validators apply: pure functions that raise ``ActionRefused``.

A refused action changes nothing; its message is what the person sees (HTTP 409).
"""

from collections.abc import Iterable

from temporalio.exceptions import ApplicationError

from domain.actors import Actor, Role
from domain.case import STAGE_NAMES, CaseStage, CaseStatus
from domain.matter import MATTER_STATE_NAMES, MatterSnapshot, MatterState

ACTION_REFUSED = "ActionRefused"

ROLE_NAMES = {
    Role.COORDINATOR: "代办专员",
    Role.DEPARTMENT: "审批部门",
    Role.ENTERPRISE: "企业",
    Role.OPS: "运维人员",
    Role.OVERSIGHT: "州工信局专班",
    Role.SYSTEM: "系统",
}


def refuse(message: str) -> ApplicationError:
    return ApplicationError(message, type=ACTION_REFUSED, non_retryable=True)


def require_role(actor: Actor, *roles: Role) -> None:
    if actor.role not in roles:
        allowed = "、".join(ROLE_NAMES[role] for role in roles)
        raise refuse(f"此操作只能由{allowed}办理，当前操作人是{ROLE_NAMES[actor.role]}")


def require_stage(case: CaseStatus, action: str, *stages: CaseStage) -> None:
    if case.stage not in stages:
        allowed = "、".join(STAGE_NAMES[stage] for stage in stages)
        raise refuse(f"案件处于“{STAGE_NAMES[case.stage]}”阶段，不能{action}（仅限{allowed}阶段）")


def require_exact_matters(case: CaseStatus, planned: Iterable[str]) -> None:
    planned = list(planned)
    expected = {m.code for m in case.matters}
    unknown = sorted(set(planned) - expected)
    missing = sorted(expected - set(planned))
    repeated = sorted({code for code in planned if planned.count(code) > 1})
    if unknown:
        raise refuse("计划中含有本案件未委托的事项：" + "、".join(unknown))
    if missing:
        names = [case.matter(code).name for code in missing]  # type: ignore[union-attr]
        raise refuse("计划未覆盖全部委托事项，缺少：" + "、".join(names))
    if repeated:
        raise refuse("计划中事项重复：" + "、".join(repeated))


def require_department(matter: MatterSnapshot, actor: Actor) -> None:
    require_role(actor, Role.DEPARTMENT)
    if actor.department != matter.department:
        raise refuse(f"“{matter.name}”由{matter.department_name}办理，{actor.department}无权操作")


def require_matter_state(matter: MatterSnapshot, action: str, *states: MatterState) -> None:
    if matter.state not in states:
        allowed = "、".join(MATTER_STATE_NAMES[state] for state in states)
        raise refuse(
            f"“{matter.name}”当前状态为“{MATTER_STATE_NAMES[matter.state]}”，不能{action}"
            f"（仅限{allowed}）"
        )
