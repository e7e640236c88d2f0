"""What may be done now: which actions a case or a matter allows, to whom, in which state.

One home for the rule. The workflows' validators refuse with the problem it finds (and add
the checks that depend on what the action carries); the console offers exactly the actions
for which it finds none. A test holds the table against the workflows' updates.
"""

from collections.abc import Callable
from dataclasses import dataclass

from domain.actors import ROLE_NAMES, Role
from domain.case import STAGE_NAMES, CaseStage, CaseStatus
from domain.matter import MATTER_STATE_NAMES, MatterSnapshot, MatterState

Problem = str | None

OPEN_STAGES = (
    CaseStage.INITIAL_REVIEW,
    CaseStage.PLANNING,
    CaseStage.PROCESSING,
    CaseStage.DELIVERY,
)
UNDER_REVIEW = (MatterState.HANDED_OVER, MatterState.ACCEPTED)


def role_problem(role: Role, roles: tuple[Role, ...]) -> Problem:
    if role in roles:
        return None
    allowed = "、".join(ROLE_NAMES[r] for r in roles)
    return f"此操作只能由{allowed}办理，当前操作人是{ROLE_NAMES[role]}"


def stage_problem(case: CaseStatus, doing: str, stages: tuple[CaseStage, ...]) -> Problem:
    if case.stage in stages:
        return None
    allowed = "、".join(STAGE_NAMES[stage] for stage in stages)
    return f"案件处于“{STAGE_NAMES[case.stage]}”阶段，不能{doing}（仅限{allowed}阶段）"


def matter_state_problem(
    matter: MatterSnapshot, doing: str, states: tuple[MatterState, ...]
) -> Problem:
    if matter.state in states:
        return None
    allowed = "、".join(MATTER_STATE_NAMES[state] for state in states)
    return (
        f"“{matter.name}”当前状态为“{MATTER_STATE_NAMES[matter.state]}”，不能{doing}"
        f"（仅限{allowed}）"
    )


def _always(_: object) -> Problem:
    return None


@dataclass(frozen=True)
class CaseAction:
    """An action on the case itself: the workflow update that takes it and its console form."""

    update: str
    form: str
    doing: str
    roles: tuple[Role, ...]
    stages: tuple[CaseStage, ...]
    ready: Callable[[CaseStatus], Problem] = _always

    def problem(self, case: CaseStatus, role: Role) -> Problem:
        """Why this role cannot take the action on the case now, or None."""
        return (
            role_problem(role, self.roles)
            or stage_problem(case, self.doing, self.stages)
            or self.ready(case)
        )


@dataclass(frozen=True)
class MatterAction:
    """An action on one matter (its child workflow): who takes it, in which matter states."""

    update: str
    form: str
    doing: str
    roles: tuple[Role, ...]
    states: tuple[MatterState, ...]
    ready: Callable[[MatterSnapshot], Problem] = _always

    def problem(self, matter: MatterSnapshot, role: Role) -> Problem:
        """Why this role cannot take the action on the matter now, or None."""
        return (
            role_problem(role, self.roles)
            or self.ready(matter)
            or matter_state_problem(matter, self.doing, self.states)
        )


def _not_delivered(case: CaseStatus) -> Problem:
    return "办理结果已送达，不能重复送达" if case.delivery is not None else None


def _delivered(case: CaseStatus) -> Problem:
    return "办理结果尚未送达，不能签收" if case.delivery is None else None


def _not_evaluated(case: CaseStatus) -> Problem:
    return "本案件已评价" if case.evaluation is not None else None


def _receipt_unsigned(case: CaseStatus) -> Problem:
    signed = case.delivery is not None and case.delivery.receipt is not None
    return "企业已签收办理结果，不能终止委托" if signed else None


def _report_unfiled(case: CaseStatus) -> Problem:
    if case.feedback_report is None:
        return "企业评价后才能报送评价反馈报告（草稿尚未生成）"
    if case.feedback_report.filed_at is not None:
        return "评价反馈报告已报送"
    return None


COORDINATOR, DEPARTMENT, ENTERPRISE = Role.COORDINATOR, Role.DEPARTMENT, Role.ENTERPRISE


def _joint_review_held(case: CaseStatus) -> Problem:
    # Statuses from before the field say False; the workflow checks its input all the same.
    return None if case.joint_review else "本辖区不实行集中联审"


CASE_ACTIONS: dict[str, CaseAction] = {
    action.update: action
    for action in (
        CaseAction("review", "review", "作出初审决定", (COORDINATOR,), (CaseStage.INITIAL_REVIEW,)),
        CaseAction(
            "amend_application",
            "amendment",
            "修改委托书",
            (COORDINATOR,),
            (CaseStage.INITIAL_REVIEW,),
        ),
        CaseAction("plan", "plan", "制定计划", (COORDINATOR,), (CaseStage.PLANNING,)),
        CaseAction(
            "joint_review",
            "joint-review",
            "集中联审",
            (COORDINATOR,),
            (CaseStage.PROCESSING,),
            _joint_review_held,
        ),
        CaseAction(
            "report_stall",
            "stall-reports",
            "报告部门衔接不畅",
            (COORDINATOR,),
            (CaseStage.PROCESSING,),
        ),
        CaseAction(
            "deliver", "delivery", "送达结果", (COORDINATOR,), (CaseStage.DELIVERY,), _not_delivered
        ),
        CaseAction(
            "sign_receipt",
            "receipt",
            "签收",
            (COORDINATOR, ENTERPRISE),
            (CaseStage.DELIVERY,),
            _delivered,
        ),
        CaseAction(
            "evaluate",
            "evaluation",
            "评价",
            (ENTERPRISE, COORDINATOR),
            (CaseStage.EVALUATION,),
            _not_evaluated,
        ),
        CaseAction(
            "file_feedback_report",
            "feedback-report",
            "报送评价反馈报告",
            (COORDINATOR,),
            (CaseStage.EVALUATION,),
            _report_unfiled,
        ),
        CaseAction(
            "terminate", "termination", "终止委托", (COORDINATOR,), OPEN_STAGES, _receipt_unsigned
        ),
    )
}


def _cross_county_unacknowledged(matter: MatterSnapshot) -> Problem:
    if matter.cross_county is None:
        return f"“{matter.name}”不是跨县市事项，无需签收，请直接受理"
    if matter.state is MatterState.HANDED_OVER and matter.hand_off_acknowledged_at is not None:
        return f"“{matter.name}”已签收"
    return None


def _deferral_pending(matter: MatterSnapshot) -> Problem:
    deferral = matter.deferral
    if deferral is None or deferral.supplied_at is not None:
        return f"“{matter.name}”没有待补齐的容缺材料"
    return None


def _deferral_to_confirm(matter: MatterSnapshot) -> Problem:
    deferral = matter.deferral
    if deferral is None or deferral.supplied_at is None:
        return f"“{matter.name}”没有已补齐待确认的容缺材料"
    if not deferral.needs_confirmation or deferral.confirmed_at is not None:
        return f"“{matter.name}”的容缺材料已确认"
    return None


MATTER_ACTIONS: dict[str, MatterAction] = {
    action.update: action
    for action in (
        MatterAction(
            "acknowledge_hand_off",
            "hand-off-acknowledgement",
            "签收",
            (DEPARTMENT,),
            (MatterState.HANDED_OVER,),
            _cross_county_unacknowledged,
        ),
        MatterAction("accept", "acceptance", "受理", (DEPARTMENT,), (MatterState.HANDED_OVER,)),
        MatterAction(
            "request_correction", "correction-request", "要求补正", (DEPARTMENT,), UNDER_REVIEW
        ),
        MatterAction(
            "resubmit",
            "resubmission",
            "提交补正材料",
            (COORDINATOR,),
            (MatterState.CORRECTION_REQUESTED,),
        ),
        MatterAction("approve", "approval", "办结", (DEPARTMENT,), (MatterState.ACCEPTED,)),
        MatterAction("refuse", "refusal", "作出不予许可决定", (DEPARTMENT,), UNDER_REVIEW),
        MatterAction(
            "suspend_clock", "clock-suspension", "暂停计时", (DEPARTMENT,), (MatterState.ACCEPTED,)
        ),
        MatterAction(
            # A §45 procedure may end while a 补正 is out: the clock then waits for both.
            "resume_clock",
            "clock-resumption",
            "恢复计时",
            (DEPARTMENT,),
            (MatterState.ACCEPTED, MatterState.CORRECTION_REQUESTED),
        ),
        MatterAction(
            "extend_deadline",
            "extension",
            "延长办理期限",
            (DEPARTMENT,),
            (MatterState.ACCEPTED, MatterState.CORRECTION_REQUESTED),
        ),
        MatterAction(
            "supply_deferred",
            "deferred-materials",
            "补齐容缺材料",
            (COORDINATOR,),
            (MatterState.ACCEPTED, MatterState.CORRECTION_REQUESTED, MatterState.RESULT_HELD),
            _deferral_pending,
        ),
        MatterAction(
            "confirm_deferred",
            "deferred-materials-confirmation",
            "确认容缺材料",
            (DEPARTMENT,),
            (MatterState.ACCEPTED, MatterState.CORRECTION_REQUESTED, MatterState.RESULT_HELD),
            _deferral_to_confirm,
        ),
    )
}


def case_actions(case: CaseStatus, role: Role) -> set[str]:
    """The forms this role may submit on the case now: its own and its matters'
    (``matters/<code>/<form>``); the workflow's validators still check what each carries."""
    forms = {action.form for action in CASE_ACTIONS.values() if action.problem(case, role) is None}
    if case.stage is CaseStage.PROCESSING:
        for matter in case.matters:
            forms |= {f"matters/{matter.code}/{form}" for form in matter_actions(matter, role)}
    return forms


def matter_actions(matter: MatterSnapshot, role: Role) -> set[str]:
    """The forms this role may submit on the matter now."""
    return {
        action.form for action in MATTER_ACTIONS.values() if action.problem(matter, role) is None
    }
