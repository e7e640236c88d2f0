"""Deadline arithmetic as activities: the answers land in history, so replay never recomputes.

A calendar file added later (a newly published year) changes what the next call answers,
never what a running case already recorded; ``ops.recompute_deadlines`` asks open cases to
call again.
"""

import structlog
from temporalio import activity

from activities.names import COUNT_DAYS, PLAN_DEADLINE
from domain.clock import DayCount, DayCountRequest, DeadlinePlan, DeadlineRequest
from policies.working_calendar import WorkingCalendar

log = structlog.get_logger(__name__)


class ClockActivities:
    def __init__(self, calendar: WorkingCalendar) -> None:
        self._calendar = calendar

    @activity.defn(name=PLAN_DEADLINE)
    def plan_deadline(self, request: DeadlineRequest) -> DeadlinePlan:
        due = self._calendar.add(request.counting_from, request.days_left, request.unit)
        warn_on, years = None, set(due.provisional_years)
        if request.warn_after is not None:
            warning = self._calendar.add(
                request.counting_from, max(0, request.warn_after), request.unit
            )
            warn_on, years = warning.value, years | set(warning.provisional_years)
        plan = DeadlinePlan(due_on=due.value, warn_on=warn_on, provisional_years=sorted(years))
        if plan.provisional_years:
            log.warning(
                "deadline_provisional",
                years=plan.provisional_years,
                due_on=plan.due_on.isoformat(),
                workflow_id=activity.info().workflow_id,
            )
        return plan

    @activity.defn(name=COUNT_DAYS)
    def count_days(self, request: DayCountRequest) -> DayCount:
        days, years = self._calendar.count(request.after, request.through, request.unit)
        return DayCount(days=days, provisional_years=list(years))
