"""The rules the update validators apply: pure functions that raise ``ActionRefused``.

A refused action changes nothing; its message is what the person sees (HTTP 409).
"""

import re
from collections.abc import Iterable, Sequence
from datetime import date

from temporalio.exceptions import ApplicationError

from domain.actions import AGENT_LEVEL_NAMES, CasePlan, TeamMember
from domain.actors import Actor, Role
from domain.application import EntrustmentPeriod
from domain.case import CaseStage, CaseStatus
from domain.catalogue import AgentTeamRule
from domain.errors import ACTION_REFUSED_TYPE
from domain.matter import CorrectionRound, MatterSnapshot, MatterState
from domain.permitted import (
    CASE_ACTIONS,
    MATTER_ACTIONS,
    Problem,
    matter_state_problem,
    role_problem,
    stage_problem,
)

ACTION_REFUSED = ACTION_REFUSED_TYPE


def action_refused(message: str) -> ApplicationError:
    return ApplicationError(message, type=ACTION_REFUSED, non_retryable=True)


def refuse_if(problem: Problem) -> None:
    if problem is not None:
        raise action_refused(problem)


def require_role(actor: Actor, *roles: Role) -> None:
    refuse_if(role_problem(actor.role, roles))


def require_stage(case: CaseStatus, action: str, *stages: CaseStage) -> None:
    refuse_if(stage_problem(case, action, stages))


def require_case_action(case: CaseStatus, actor: Actor, update: str) -> None:
    """Refuse unless `domain.permitted` allows this update on the case now."""
    refuse_if(CASE_ACTIONS[update].problem(case, actor.role))


def require_matter_action(matter: MatterSnapshot, actor: Actor, update: str) -> None:
    """Refuse unless `domain.permitted` allows this update on the matter now (and, for a
    department's action, unless the matter is its own)."""
    action = MATTER_ACTIONS[update]
    if Role.DEPARTMENT in action.roles:
        require_department(matter, actor)
    refuse_if(action.problem(matter, actor.role))


def require_exact_matters(case: CaseStatus, planned: Iterable[str]) -> None:
    planned = list(planned)
    expected = {m.code for m in case.matters}
    unknown = sorted(set(planned) - expected)
    missing = sorted(expected - set(planned))
    repeated = sorted({code for code in planned if planned.count(code) > 1})
    if unknown:
        raise action_refused("计划中含有本案件未委托的事项：" + "、".join(unknown))
    if missing:
        names = [matter.name for code in missing if (matter := case.matter(code))]
        raise action_refused("计划未覆盖全部委托事项，缺少：" + "、".join(names))
    if repeated:
        raise action_refused("计划中事项重复：" + "、".join(repeated))


def require_department(matter: MatterSnapshot, actor: Actor) -> None:
    require_role(actor, Role.DEPARTMENT)
    if actor.department != matter.department:
        raise action_refused(
            f"“{matter.name}”由{matter.department_name}办理，{actor.department}无权操作"
        )


def require_matter_state(matter: MatterSnapshot, action: str, *states: MatterState) -> None:
    refuse_if(matter_state_problem(matter, action, states))


def require_told_at_once(rounds: Sequence[CorrectionRound], items: list[str]) -> None:
    """一次性告知 (行政许可法 §32): every missing item is named in the first notice.

    A later notice may only concern the materials resubmitted since: an item naming none
    of them could have been named the first time.
    """
    if not rounds:
        return
    resubmitted = rounds[-1].materials
    names = [_without_notes(material) for material in resubmitted]
    late = [item for item in items if not any(name and name in item for name in names)]
    if late:
        raise action_refused(
            "一次性告知：再次补正只能针对本次补正提交的材料（"
            + "、".join(resubmitted)
            + "）；以下内容应在首次补正通知中一并告知："
            + "、".join(late)
        )


def require_every_item_answered(round: CorrectionRound, materials: list[str]) -> None:
    """A resubmission answers every item of the notice. A partial one used to resume the
    clock, and the missing item could then never be asked for again (一次性告知 refused it
    as late, though the first notice had named it)."""
    unanswered = missing_items(round.items, materials)
    if unanswered:
        raise action_refused("补正材料须答复补正通知的每一项，尚未提交：" + "、".join(unanswered))


def missing_items(items: Sequence[str], materials: Sequence[str]) -> list[str]:
    """The items no material answers: a material answers an item it names, or is named by
    (用地红线图（修正）answers 用地红线图坐标系错误; the agent's note does not count)."""
    names = [_without_notes(material) for material in materials]
    return [
        item
        for item in items
        if not any(name and (name in item or _without_notes(item) in name) for name in names)
    ]


def _without_notes(material: str) -> str:
    """用地红线图（修正） -> 用地红线图: the agent's note is not part of the material's name."""
    return re.sub(r"[（(][^）)]*[）)]", "", material).strip()


def require_team(rule: AgentTeamRule, team: list[TeamMember], departments: dict[str, str]) -> None:
    """Each level (三包一), or each deciding department (鄂尔多斯: code -> name), names
    between the rule's minimum and maximum of agents."""
    if rule.per_department:
        off = [
            f"{name}{count}名"
            for code, name in departments.items()
            if not rule.min_per_level
            <= (count := sum(member.department == code for member in team))
            <= rule.max_per_level
        ]
        if off:
            raise action_refused(
                f"各相关部门须选派{rule.min_per_level}—{rule.max_per_level}名代办帮办员"
                f"（现为{'、'.join(off)}）"
            )
        return
    short = []
    for level in rule.levels:
        count = sum(member.level is level for member in team)
        if not rule.min_per_level <= count <= rule.max_per_level:
            short.append(f"{AGENT_LEVEL_NAMES[level]}{count}名")
    if short:
        levels = "、".join(AGENT_LEVEL_NAMES[level] for level in rule.levels)
        raise action_refused(
            f"三包一：{levels}各须明确{rule.min_per_level}—{rule.max_per_level}名代办帮办人员"
            f"（现为{'、'.join(short)}）"
        )


def require_within_period(period: EntrustmentPeriod, plan: CasePlan) -> None:
    """The plan's dates lie within the entrustment (委托期限): the agent acts for the
    enterprise only while the 委托书 runs."""
    outside = [
        m.matter
        for m in plan.matters
        if m.planned_start < period.start or m.planned_finish > period.end
    ]
    if outside:
        raise action_refused(
            f"计划日期须在委托期限（{period.start.isoformat()}至{period.end.isoformat()}）之内："
            + "、".join(outside)
        )


def require_paper_record(actor: Actor, paper_dated: date | None, what: str, today: date) -> None:
    """The applicant signs and rates (国办发〔2019〕51号); an agent only records the
    applicant's own paper, and says when it was dated."""
    if actor.role is not Role.COORDINATOR:
        return
    if paper_dated is None:
        raise action_refused(
            f"{what}须由企业本人作出；代办员只能录入企业的纸质{what}，并注明纸面日期"
        )
    if paper_dated > today:
        raise action_refused(f"纸质{what}的日期{paper_dated.isoformat()}晚于今天")


def paper_note(actor: Actor, paper_dated: date | None, what: str) -> str:
    """How the ledger says that an agent recorded the applicant's paper."""
    if actor.role is not Role.COORDINATOR or paper_dated is None:
        return ""
    return f"（企业纸质{what}，纸面日期{paper_dated.isoformat()}，由代办员{actor.id}录入）"
