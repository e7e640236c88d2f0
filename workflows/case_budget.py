"""The case-level time budget (昌吉: the whole approval within 100 working days), as
handlers the CaseWorkflow inherits.

When the plan is agreed, the critical path of the matter graph (each matter at its
promised, else statutory, limit) gives the case's expected finish. As matters are
decided, the days each actually took replace its limit and the finish is projected
again. A path longer than the budget is a warning to the agent and the leader in
charge, in the ledger at once, the first time it happens.
"""

from datetime import date

from temporalio import workflow

with workflow.unsafe.imports_passed_through():
    from activities.names import COUNT_DAYS, PLAN_DEADLINE
    from domain.actors import SYSTEM_ACTOR
    from domain.case import CaseBudget, CaseStatus
    from domain.catalogue import MatterDefinition, TimeUnit
    from domain.clock import (
        BUSINESS_ZONE,
        DayCount,
        DayCountRequest,
        DeadlinePlan,
        DeadlineRequest,
    )
    from domain.critical_path import PlannedMatter, critical_path
    from domain.ledger import LedgerEvent, Notice, Recipient
    from workflows.clock import business_today, reckon
    from workflows.hosts import CaseHost
    from workflows.patches import patched

BUDGET_PATCH = "case-budget"
# Re-projected as matters are decided, with the days each actually took.
BUDGET_TRACKING_PATCH = "case-budget-tracking"
# Calendar-day limits converted to working days for the budget.
CALENDAR_DAYS_PATCH = "case-budget-calendar-days"


class CaseBudgetHandlers(CaseHost):
    """Mixed into CaseWorkflow; uses its ``_status``, ``_input``, ``_record``, ``_agent_id``."""

    async def _plan_budget(self) -> None:
        await self._project_budget(business_today(), finished={})

    async def _reproject_budget(self) -> None:
        """Put what each newly decided matter actually took in place of its limit."""
        status: CaseStatus = self._status
        budget = status.budget
        assert budget is not None and budget.planned_on is not None
        newly = [
            m
            for m in status.matters
            if m.state.is_final and m.decided_at and m.code not in budget.finished_days
        ]
        if not newly:
            return
        finished = dict(budget.finished_days)
        for matter in newly:
            assert matter.decided_at is not None  # chosen above for having one
            decided_on = matter.decided_at.astimezone(BUSINESS_ZONE).date()
            request = DayCountRequest(
                after=budget.planned_on,
                through=max(decided_on, budget.planned_on),
                unit=TimeUnit.WORKING_DAYS,
            )
            finished[matter.code] = (await reckon(COUNT_DAYS, request, result_type=DayCount)).days
        await self._project_budget(budget.planned_on, finished, previous=budget)

    async def _working_days(self, definition: MatterDefinition, planned_on: date) -> int:
        """A matter's limit in working days, the budget's unit. A calendar-day limit (施工
        许可 7 days) is the working days within that many days after the plan: counted as
        working days it made 昌吉's chain 107 instead of 105. Before the patch it was."""
        days = definition.promised_days or definition.limit_days or 0
        if not days or definition.limit_unit is not TimeUnit.CALENDAR_DAYS:
            return days
        if not patched(CALENDAR_DAYS_PATCH):
            return days
        ends = await reckon(
            PLAN_DEADLINE,
            DeadlineRequest(counting_from=planned_on, days_left=days, unit=TimeUnit.CALENDAR_DAYS),
            result_type=DeadlinePlan,
        )
        counted = await reckon(
            COUNT_DAYS,
            DayCountRequest(after=planned_on, through=ends.due_on, unit=TimeUnit.WORKING_DAYS),
            result_type=DayCount,
        )
        return counted.days

    async def _project_budget(
        self, planned_on: date, finished: dict[str, int], previous: CaseBudget | None = None
    ) -> None:
        status: CaseStatus = self._status
        budget_days = self._input.budget_days
        assert budget_days is not None  # only a pack with a case budget plans one
        names = {m.code: m.name for m in status.matters}
        path = critical_path(
            [
                PlannedMatter(
                    code=m.code,
                    days=await self._working_days(m.definition, planned_on),
                    depends_on=m.definition.depends_on,
                    finished_day=finished.get(m.code),
                )
                for m in self._input.matters
            ]
        )

        async def after(days: int) -> DeadlinePlan:
            request = DeadlineRequest(
                counting_from=planned_on, days_left=days, unit=TimeUnit.WORKING_DAYS
            )
            return await reckon(PLAN_DEADLINE, request, result_type=DeadlinePlan)

        expected = await after(path.total_days)
        if previous is not None:
            budget_ends, years = previous.budget_ends, previous.provisional_years
        else:
            budget_end = await after(budget_days)
            budget_ends, years = budget_end.due_on, budget_end.provisional_years
        budget = CaseBudget(
            budget_days=budget_days,
            critical_days=path.total_days,
            critical_path=[names[code] for code in path.path],
            expected_finish=expected.due_on,
            budget_ends=budget_ends,
            over_by_days=path.over_budget(budget_days),
            provisional_years=sorted(set(expected.provisional_years) | set(years)),
            planned_on=planned_on,
            finished_days=finished,
        )
        status.budget = budget
        if previous is not None and previous.expected_finish == budget.expected_finish:
            return  # nothing a person needs to hear
        chain = "→".join(budget.critical_path)
        summary = (
            f"关键路径{chain}共{path.total_days}个工作日，预计{expected.due_on}办结"
            f"（时限{budget_days}个工作日，至{budget_ends}）"
        )
        if previous is not None:
            summary = f"按已办结事项实际用时重新测算：{summary}"
        notices: list[Notice] = []
        event = (
            LedgerEvent.CASE_BUDGET_PLANNED
            if previous is None
            else LedgerEvent.CASE_BUDGET_REPROJECTED
        )
        newly_over = budget.over_by_days and (previous is None or not previous.over_by_days)
        if budget.over_by_days:
            summary += f"，超出时限{budget.over_by_days}个工作日，请协调压缩"
        if newly_over:
            event = LedgerEvent.CASE_BUDGET_EXCEEDED
            notices = [
                Notice(recipient=Recipient.AGENT, address=self._agent_id(), message=summary),
                Notice(recipient=Recipient.LEADER, address=status.park, message=summary),
            ]
        await self._record(
            event,
            SYSTEM_ACTOR,
            summary,
            budget.model_dump(mode="json"),
            notices=notices,
        )
