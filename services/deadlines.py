"""Any clock of a case explained against the official calendar, for the API's reads: a
matter's deadline from its clock, the report's, 回访's, 整改's and the budget's from the
event that started them, the hourly rules from their start. (The ledger activity explains
the entry that set a date: ``domain.deadline_explanation.explain_entry``.)"""

from datetime import datetime

from domain.case import CaseStatus
from domain.catalogue import TimeUnit
from domain.dates import day_text, local_day, time_text
from domain.deadline_explanation import (
    DeadlineExplanation,
    ExplanationStep,
    StepKind,
    explain,
    explain_span,
)
from domain.errors import NotFound
from domain.matter import MatterSnapshot
from domain.work import ClockKind
from policies.working_calendar import official_calendar


def of_matter(matter: MatterSnapshot) -> DeadlineExplanation | None:
    return explain(matter.clock, official_calendar()) if matter.clock is not None else None


def _hourly(started: datetime, due: datetime, what: str, rule: str) -> DeadlineExplanation:
    hours = round((due - started).total_seconds() / 3600)
    steps = [
        ExplanationStep(kind=StepKind.START, text=f"{time_text(started)}{what}，自此时起算"),
        ExplanationStep(kind=StepKind.LIMIT, text=f"{rule}：{hours}小时，按自然时间连续计算"),
        ExplanationStep(kind=StepKind.DUE, text=f"须在{time_text(due)}前办理"),
    ]
    return DeadlineExplanation(
        due_on=None, unit=TimeUnit.CALENDAR_DAYS, limit_days=0, provisional_years=[], steps=steps
    )


def _matter(status: CaseStatus, code: str | None) -> MatterSnapshot:
    found = next((m for m in status.matters if m.code == code), None)
    if found is None:
        raise NotFound(f"案件{status.case_id}没有事项{code}")
    return found


def of_clock(status: CaseStatus, kind: ClockKind, matter: str | None) -> DeadlineExplanation:
    """How the date of one of the case's clocks was reached; 404 when it has none."""
    calendar = official_calendar()
    missing = NotFound(f"案件{status.case_id}没有这项时限")
    if kind is ClockKind.MATTER_DEADLINE:
        found = _matter(status, matter)
        explained = of_matter(found)
        if explained is None:
            raise NotFound(f"“{found.name}”没有办理时限：尚未受理，或为即办件")
        return explained
    if kind is ClockKind.HAND_OFF:
        found = _matter(status, matter)
        if found.handed_over_at is None or found.hand_off_due_at is None:
            raise missing
        what = "签收" if found.cross_county else "受理"
        return _hourly(
            found.handed_over_at, found.hand_off_due_at, f"移交“{found.name}”", f"{what}时限"
        )
    if kind is ClockKind.COORDINATION:
        problem = next(
            (p for p in status.problems if p.coordination is None and p.matter == matter), None
        )
        if problem is None:
            raise missing
        return _hourly(
            problem.raised_at, problem.due_at, f"报告问题：{problem.description}", "启动协调时限"
        )
    if kind is ClockKind.DEFERRAL:
        deferral = _matter(status, matter).deferral
        if deferral is None:
            raise missing
        text = f"部门容缺受理时确定补齐期限为{day_text(deferral.supply_by)}（不得晚于承诺时限）"
        steps = [ExplanationStep(kind=StepKind.DUE, text=text)]
        return DeadlineExplanation(
            due_on=deferral.supply_by,
            unit=TimeUnit.CALENDAR_DAYS,
            limit_days=0,
            provisional_years=[],
            steps=steps,
        )
    if kind is ClockKind.REPORT and status.feedback_report is not None:
        report = status.feedback_report
        return explain_span(
            local_day(report.drafted_at),
            report.due_on,
            calendar,
            started_by="评价反馈材料草稿生成",
            rule=f"评价反馈材料须在{{days}}个工作日内报送{report.recipient}",
            provisional_years=report.provisional_years,
        )
    follow_up = status.follow_up
    if kind in (ClockKind.CALLBACK, ClockKind.REMEDY) and follow_up is not None:
        due = follow_up.callback_due_on if kind is ClockKind.CALLBACK else follow_up.remedy_due_on
        if due is None:
            raise missing
        step = "回访企业" if kind is ClockKind.CALLBACK else "完成整改并请企业再次评价"
        return explain_span(
            local_day(follow_up.opened_at),
            due,
            calendar,
            started_by=f"收到差评（{follow_up.rating_followed.value}）",
            rule=f"差评须在{{days}}个工作日内{step}",
            provisional_years=follow_up.provisional_years,
        )
    budget = status.budget
    if kind is ClockKind.BUDGET and budget is not None and budget.planned_on is not None:
        return explain_span(
            budget.planned_on,
            budget.budget_ends,
            calendar,
            started_by="制定代办计划",
            rule="全部事项须在{days}个工作日内办结",
            provisional_years=budget.provisional_years,
        )
    raise missing
