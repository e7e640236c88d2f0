"""The case page's forms drawn from the actions' request models (console/model_forms.py):
coordination and its meetings, escalation and the leader's answer, 集中联审, the 差评
follow-up, report versions, supervision. Which ones a person sees follows the case's state
and their role; the API still decides, and its refusal comes back beside the form."""

from pydantic import BaseModel

from console.model_forms import ModelForm, inputs_of
from domain.actions import JointReviewRequest
from domain.actors import Role
from domain.case import CaseStage, CaseStatus
from domain.coordination import (
    CoordinationRequest,
    EscalationAnswerRequest,
    EscalationRequest,
    ResolutionClosingRequest,
    StallReportRequest,
)
from domain.follow_up import CallbackRequest, FollowUpRatingRequest, RemedyRequest
from domain.report import FeedbackFilingRequest
from domain.supervision import MisconductReportRequest, SatisfactionVisitRequest

_ACCEPTED = (CaseStage.PLANNING, CaseStage.PROCESSING, CaseStage.DELIVERY, CaseStage.EVALUATION)


def case_forms(case: CaseStatus, role: Role, actions: set[str]) -> list[ModelForm]:
    base = f"/console/cases/{case.case_id}/act"

    def form(
        key: str,
        title: str,
        model: type[BaseModel],
        button: str,
        *,
        choices: dict[str, tuple[tuple[str, str], ...]] | None = None,
        context: str = "",
    ) -> ModelForm:
        inputs = inputs_of(model, choices=choices)
        return ModelForm(key, title, f"{base}/{key}", inputs, button, context=context)

    found: list[ModelForm] = []
    open_matters = tuple((m.code, m.name) for m in case.matters if not m.state.is_final)
    if role is Role.COORDINATOR:
        if "stall-reports" in actions and open_matters:
            found.append(
                form(
                    "stall-reports",
                    "报告部门衔接不畅（48小时内启动协调）",
                    StallReportRequest,
                    "报告",
                    choices={"matter": open_matters},
                )
            )
        for problem in case.problems:
            n = problem.number
            due = problem.due_at.strftime("%Y-%m-%d %H:%M")
            if problem.coordination is None:
                found.append(
                    form(
                        f"problems/{n}/coordination",
                        f"协调事项{n}：记录协调情况（{due}前启动）",
                        CoordinationRequest,
                        "记录协调",
                        context=problem.description,
                    )
                )
            if problem.escalated_at is None and (
                problem.coordination is None or problem.open_resolutions
            ):
                found.append(
                    form(
                        f"problems/{n}/escalation",
                        f"协调事项{n}：报请领导协调",
                        EscalationRequest,
                        "报请领导协调",
                        context=problem.description,
                    )
                )
            for resolution in problem.open_resolutions:
                found.append(
                    form(
                        f"problems/{n}/resolutions/{resolution.number}/closing",
                        f"议定事项办结：{resolution.text}（{resolution.owner}，{resolution.due_on}前）",
                        ResolutionClosingRequest,
                        "办结",
                    )
                )
        if "joint-review" in actions:
            undecided = tuple((m.code, m.name) for m in case.matters if not m.state.is_final)
            found.append(
                form(
                    "joint-review",
                    "集中联审：一次会议决定多个事项",
                    JointReviewRequest,
                    "登记联审结果",
                    choices={"matter": undecided},
                )
            )
        follow_up = case.follow_up
        if follow_up is not None and not follow_up.closed:
            if follow_up.callback is None:
                found.append(
                    form(
                        "follow-up/callback",
                        f"差评回访（{follow_up.callback_due_on}前）",
                        CallbackRequest,
                        "记录回访",
                    )
                )
            elif follow_up.remedy is None:
                found.append(
                    form(
                        "follow-up/remedy",
                        f"差评整改（{follow_up.remedy_due_on}前）",
                        RemedyRequest,
                        "记录整改",
                    )
                )
        report = case.feedback_report
        if report is not None and report.filed_at is not None:
            found.append(
                form(
                    "feedback-report/versions",
                    "报送评价反馈报告的更正版本",
                    FeedbackFilingRequest,
                    "报送更正版本",
                )
            )
        if case.stage in _ACCEPTED or case.stage is CaseStage.ARCHIVED:
            found.append(
                form(
                    "misconduct-reports",
                    "报告违纪违法行为（推、拖、索、拿、卡、要）",
                    MisconductReportRequest,
                    "登记报告",
                    choices={"matter": tuple((m.code, m.name) for m in case.matters)},
                )
            )
    if role is Role.ENTERPRISE:
        follow_up = case.follow_up
        if follow_up and follow_up.remedy is not None and follow_up.rating is None:
            found.append(
                form("follow-up/rating", "整改后再次评价", FollowUpRatingRequest, "提交评价")
            )
    if role is Role.LEADER:
        for problem in case.problems:
            if problem.escalated_at is not None and problem.leader_answer is None:
                found.append(
                    form(
                        f"problems/{problem.number}/leader-answer",
                        f"批示协调事项{problem.number}",
                        EscalationAnswerRequest,
                        "批示",
                        context=problem.description,
                    )
                )
    if role is Role.OVERSIGHT and (case.stage in _ACCEPTED or case.stage is CaseStage.ARCHIVED):
        found.append(
            form("satisfaction-visits", "满意度回访", SatisfactionVisitRequest, "登记回访")
        )
    return found


# Every console path a case form posts to, as a pattern: the act route accepts these only.
CASE_FORM_PATHS = (
    r"stall-reports",
    r"problems/\d+/(coordination|escalation|leader-answer)",
    r"problems/\d+/resolutions/\d+/closing",
    r"joint-review",
    r"follow-up/(callback|remedy|rating)",
    r"feedback-report/versions",
    r"misconduct-reports",
    r"satisfaction-visits",
)
