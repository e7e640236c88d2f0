"""Work: every clock that runs on a case, as a list item someone owns.

A clock is a date or a time by which someone must act: the matter's statutory deadline
(and its 80 % warning), the 48-hour coordination, the 24-hour 签收 of a hand-off, the
5-working-day report, the 差评 回访 and 整改, the 容缺 supply date, the case's budget. The
workflow's own state says which are running; these pure functions read them off a case's
status or a matter's snapshot, so the work list is written with every ledger write and
always agrees with what the workflows will do.
"""

from datetime import date, datetime, time, timedelta
from enum import StrEnum
from typing import TYPE_CHECKING

from pydantic import BaseModel

from domain.clock import BUSINESS_ZONE
from domain.matter import MatterSnapshot, MatterState

if TYPE_CHECKING:
    from domain.case import CaseStatus


class ClockKind(StrEnum):
    MATTER_DEADLINE = "matter_deadline"  # 办理时限 (its 80 % warning colours it amber)
    HAND_OFF = "hand_off"  # 24 小时内签收 / 受理 the hand-over
    COORDINATION = "coordination"  # 48 小时内启动协调
    DEFERRAL = "deferral"  # 容缺材料补齐期限
    REPORT = "report"  # 5 个工作日内报送评价反馈
    CALLBACK = "callback"  # 差评回访
    REMEDY = "remedy"  # 差评整改
    BUDGET = "budget"  # 全流程时限 (昌吉 100 个工作日)


CLOCK_NAMES = {
    ClockKind.MATTER_DEADLINE: "办理时限",
    ClockKind.HAND_OFF: "签收移交",
    ClockKind.COORDINATION: "48小时协调",
    ClockKind.DEFERRAL: "容缺材料补齐",
    ClockKind.REPORT: "评价反馈报送",
    ClockKind.CALLBACK: "差评回访",
    ClockKind.REMEDY: "差评整改",
    ClockKind.BUDGET: "全流程时限",
}

# Rules counted in hours: shown as hours left, not working days.
HOURLY = frozenset({ClockKind.HAND_OFF, ClockKind.COORDINATION})


class Owner(StrEnum):
    """Whose work the item is."""

    DEPARTMENT = "department"
    COORDINATOR = "coordinator"


class WorkClock(BaseModel):
    kind: ClockKind
    matter: str = ""  # "" for a clock of the whole case
    owner: Owner
    due_at: datetime  # the moment it is past due (a date's clock: the start of the next day)
    due_on: date | None = None  # for a clock counted in days
    warn_at: datetime | None = None
    provisional: bool = False  # a date that depends on a year with no published schedule
    label: str = ""  # what is to be done, in words


def end_of(day: date) -> datetime:
    """A date's clock runs out when the next day begins, in Beijing time."""
    return datetime.combine(day + timedelta(days=1), time(0), tzinfo=BUSINESS_ZONE)


def _daily(
    kind: ClockKind,
    matter: str,
    owner: Owner,
    due_on: date,
    label: str,
    *,
    warn_on: date | None = None,
    provisional: bool = False,
) -> WorkClock:
    return WorkClock(
        kind=kind,
        matter=matter,
        owner=owner,
        due_at=end_of(due_on),
        due_on=due_on,
        warn_at=datetime.combine(warn_on, time(0), tzinfo=BUSINESS_ZONE) if warn_on else None,
        provisional=provisional,
        label=label,
    )


def matter_clocks(matter: MatterSnapshot) -> list[WorkClock]:
    """The clocks a matter runs now: none once it is decided."""
    if matter.state.is_final:
        return []
    found = []
    if matter.state is MatterState.HANDED_OVER and matter.hand_off_due_at is not None:
        what = "签收" if matter.cross_county else "受理"
        found.append(
            WorkClock(
                kind=ClockKind.HAND_OFF,
                matter=matter.code,
                owner=Owner.DEPARTMENT,
                due_at=matter.hand_off_due_at,
                label=f"{what}“{matter.name}”",
            )
        )
    clock = matter.clock
    if clock is not None and clock.due_on is not None and matter.state is MatterState.ACCEPTED:
        found.append(
            _daily(
                ClockKind.MATTER_DEADLINE,
                matter.code,
                Owner.DEPARTMENT,
                clock.due_on,
                f"办结“{matter.name}”",
                warn_on=clock.warn_on,
                provisional=bool(clock.provisional_years or clock.provisional_days_used),
            )
        )
    deferral = matter.deferral
    if deferral is not None and deferral.supplied_at is None:
        found.append(
            _daily(
                ClockKind.DEFERRAL,
                matter.code,
                Owner.COORDINATOR,
                deferral.supply_by,
                f"补齐“{matter.name}”的容缺材料：{'、'.join(deferral.items)}",
            )
        )
    return found


def case_clocks(case: "CaseStatus") -> list[WorkClock]:
    """The clocks of the whole case (its matters' are theirs)."""
    if case.stage.is_closed:
        return []
    found = [
        WorkClock(
            kind=ClockKind.COORDINATION,
            matter=problem.matter or "",
            owner=Owner.COORDINATOR,
            due_at=problem.due_at,
            label=f"启动协调：{problem.description}",
        )
        for problem in case.problems
        if problem.coordination is None
    ]
    # One coordination item per matter (or per case): its earliest open problem.
    earliest: dict[str, WorkClock] = {}
    for item in sorted(found, key=lambda c: c.due_at):
        earliest.setdefault(item.matter, item)
    found = list(earliest.values())
    report = case.feedback_report
    if report is not None and report.filed_at is None:
        found.append(
            _daily(
                ClockKind.REPORT,
                "",
                Owner.COORDINATOR,
                report.due_on,
                f"向{report.recipient}报送评价反馈材料",
                provisional=bool(report.provisional_years),
            )
        )
    follow_up = case.follow_up
    if follow_up is not None and not follow_up.closed:
        provisional = bool(follow_up.provisional_years)
        if follow_up.callback is None and follow_up.callback_due_on is not None:
            found.append(
                _daily(
                    ClockKind.CALLBACK,
                    "",
                    Owner.COORDINATOR,
                    follow_up.callback_due_on,
                    "差评回访企业",
                    provisional=provisional,
                )
            )
        if follow_up.remedy is None and follow_up.remedy_due_on is not None:
            found.append(
                _daily(
                    ClockKind.REMEDY,
                    "",
                    Owner.COORDINATOR,
                    follow_up.remedy_due_on,
                    "差评整改",
                    provisional=provisional,
                )
            )
    budget = case.budget
    if budget is not None and any(not m.state.is_final for m in case.matters):
        found.append(
            _daily(
                ClockKind.BUDGET,
                "",
                Owner.COORDINATOR,
                budget.budget_ends,
                f"全部事项在{budget.budget_days}个工作日内办结",
                provisional=bool(budget.provisional_years),
            )
        )
    return found


class Mark(StrEnum):
    RED = "red"  # past due
    AMBER = "amber"  # warned, or within its last stretch
    GREEN = "green"


MARK_NAMES = {Mark.RED: "已超期", Mark.AMBER: "临近", Mark.GREEN: "正常"}


def mark(kind: ClockKind, due_at: datetime, warn_at: datetime | None, now: datetime) -> Mark:
    """Red past due; amber once warned (a matter at 80 %), within the last quarter of an
    hourly rule (12 of 48 hours, 6 of 24), or on a date's last two days; else green."""
    if now >= due_at:
        return Mark.RED
    if warn_at is not None and now >= warn_at:
        return Mark.AMBER
    left = due_at - now
    if kind is ClockKind.COORDINATION:
        return Mark.AMBER if left <= timedelta(hours=12) else Mark.GREEN
    if kind is ClockKind.HAND_OFF:
        return Mark.AMBER if left <= timedelta(hours=6) else Mark.GREEN
    return Mark.AMBER if left <= timedelta(days=2) else Mark.GREEN
