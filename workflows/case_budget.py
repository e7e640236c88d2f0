"""The case-level time budget (昌吉: the whole approval within 100 working days), as
handlers the CaseWorkflow inherits.

When the plan is agreed, the critical path of the matter graph (each matter at its
promised, else statutory, limit) gives the case's expected finish. A path longer than
the budget is a warning to the agent and the leader in charge, in the ledger at once.
"""

from temporalio import workflow

with workflow.unsafe.imports_passed_through():
    from activities.names import PLAN_DEADLINE
    from domain.actors import SYSTEM_ACTOR
    from domain.case import CaseBudget, CaseStatus
    from domain.catalogue import TimeUnit
    from domain.clock import DeadlinePlan, DeadlineRequest
    from domain.critical_path import PlannedMatter, critical_path
    from domain.ledger import LedgerEvent, Notice, Recipient
    from workflows.clock import business_today, reckon

BUDGET_PATCH = "case-budget"


class CaseBudgetHandlers:
    """Mixed into CaseWorkflow; uses its ``_status``, ``_input``, ``_record``, ``_agent_id``."""

    async def _plan_budget(self) -> None:
        status: CaseStatus = self._status  # type: ignore[attr-defined]
        budget_days: int = self._input.budget_days  # type: ignore[attr-defined]
        names = {m.code: m.name for m in status.matters}
        # A calendar-day limit is taken as that many working days: never shorter, so the
        # projection errs on the late side.
        path = critical_path(
            [
                PlannedMatter(
                    code=m.code,
                    days=m.definition.promised_days or m.definition.limit_days or 0,
                    depends_on=m.definition.depends_on,
                )
                for m in self._input.matters  # type: ignore[attr-defined]
            ]
        )
        today = business_today()

        async def after(days: int) -> DeadlinePlan:
            request = DeadlineRequest(
                counting_from=today, days_left=days, unit=TimeUnit.WORKING_DAYS
            )
            return await reckon(PLAN_DEADLINE, request, result_type=DeadlinePlan)

        expected, budget_end = await after(path.total_days), await after(budget_days)
        budget = CaseBudget(
            budget_days=budget_days,
            critical_days=path.total_days,
            critical_path=[names[code] for code in path.path],
            expected_finish=expected.due_on,
            budget_ends=budget_end.due_on,
            over_by_days=path.over_budget(budget_days),
            provisional_years=sorted(
                set(expected.provisional_years) | set(budget_end.provisional_years)
            ),
        )
        status.budget = budget
        chain = "→".join(budget.critical_path)
        summary = (
            f"关键路径{chain}共{path.total_days}个工作日，预计{expected.due_on}办结"
            f"（时限{budget_days}个工作日，至{budget_end.due_on}）"
        )
        notices: list[Notice] = []
        event = LedgerEvent.CASE_BUDGET_PLANNED
        if budget.over_by_days:
            event = LedgerEvent.CASE_BUDGET_EXCEEDED
            summary += f"，超出时限{budget.over_by_days}个工作日，请协调压缩"
            notices = [
                Notice(recipient=Recipient.AGENT, address=self._agent_id(), message=summary),  # type: ignore[attr-defined]
                Notice(recipient=Recipient.LEADER, address=status.park, message=summary),
            ]
        await self._record(  # type: ignore[attr-defined]
            event,
            SYSTEM_ACTOR,
            summary,
            budget.model_dump(mode="json"),
            notices=notices,
        )
