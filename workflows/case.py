"""CaseWorkflow: one 代办 case from the 委托书 to the archive (博州 seed, section 五)."""

import asyncio

from temporalio import workflow

with workflow.unsafe.imports_passed_through():
    from domain.actions import CasePlan, Evaluation
    from domain.actors import SYSTEM_ACTOR, Actor, Role
    from domain.case import CaseActionDone, CaseInput, CaseStage, CaseStatus
    from domain.coordination import ProblemKind
    from domain.follow_up import BAD_RATINGS, FollowUp
    from domain.ledger import CaseSummary, LedgerEvent, Notice, Recipient
    from domain.matter import MatterChange, MatterSnapshot, MatterState
    from workflows import patches
    from workflows.case_budget import BUDGET_PATCH, CaseBudgetHandlers
    from workflows.case_coordination import COORDINATION_PATCH, CoordinationHandlers
    from workflows.case_delivery import DeliveryHandlers
    from workflows.case_follow_up import FOLLOW_UP_PATCH, FollowUpHandlers
    from workflows.case_joint_review import JointReviewHandlers
    from workflows.case_matters import MatterScheduling
    from workflows.case_recompute import CaseDueDates
    from workflows.case_report import REPORT_PATCH, FeedbackReportHandlers
    from workflows.case_review import ReviewHandlers, matter_snapshots
    from workflows.case_termination import TerminationHandlers
    from workflows.clock import business_today
    from workflows.guards import (
        action_refused,
        paper_note,
        require_case_action,
        require_exact_matters,
        require_paper_record,
        require_team,
        require_within_period,
    )
    from workflows.matter_telling import MATTER_CHANGED_SIGNAL
    from workflows.one_at_a_time import one_at_a_time
    from workflows.patches import patched
    from workflows.recording import NOTICES_PATCH, record
    from workflows.search_attributes import CASE_STAGE, OVERDUE

# The Overdue search attribute follows the matters, for the oversight cross-check.
OVERDUE_ATTRIBUTE_PATCH = "overdue-search-attribute"


@workflow.defn
class CaseWorkflow(
    ReviewHandlers,
    CaseDueDates,
    MatterScheduling,
    DeliveryHandlers,
    JointReviewHandlers,
    CoordinationHandlers,
    FeedbackReportHandlers,
    FollowUpHandlers,
    CaseBudgetHandlers,
    TerminationHandlers,
):
    @workflow.init
    def __init__(self, case: CaseInput) -> None:
        patches.begin(self)  # first: every patch below may ask it
        self._input = case
        application = case.application
        self._status = CaseStatus(
            case_id=case.case_id,
            jurisdiction=application.jurisdiction,
            jurisdiction_name=case.jurisdiction_name,
            park=application.park,
            park_name=case.park_name,
            stage=CaseStage.INITIAL_REVIEW,
            application=application,
            opened_at=workflow.now(),
            matters=matter_snapshots(case.matters),
            county=case.county,
            lead_committee=case.lead_committee,
            eligibility=case.eligibility,
            joint_review=case.joint_review,
        )
        self._children: dict[str, workflow.ChildWorkflowHandle] = {}
        self._starting: set[str] = set()  # matters whose child is started or being started
        self._watches = []
        self._announced = set()
        self._application_recorded = False
        self._overdue = False  # as last written to the Overdue search attribute
        self._jointly_decided: set[str] = set()  # matters sent a 集中联审 decision
        self._turn = asyncio.Lock()  # human actions one at a time (workflows/one_at_a_time.py)

    @workflow.run
    async def run(self, case: CaseInput) -> CaseStatus:
        application = case.application
        copy = f"抄送：{application.applicant_name}“{application.subject}”已推送代办"
        await self._record(
            LedgerEvent.APPLICATION_RECEIVED,
            case.opened_by,
            f"收到{application.applicant_name}的代办委托"
            + ("（企业在线申请）" if case.opened_by.role is Role.ENTERPRISE else "")
            + "："
            + "、".join(m.name for m in self._status.matters),
            {"application": application.model_dump(mode="json")},
            matters=self._status.matters,
            notices=[
                Notice(recipient=Recipient.DEPARTMENT, address=code, message=copy)
                for code in case.copied_to
            ],
        )
        self._application_recorded = True
        await workflow.wait_condition(lambda: self._status.stage is not CaseStage.INITIAL_REVIEW)
        await workflow.wait_condition(lambda: self._status.stage is not CaseStage.PLANNING)
        if self._status.stage is CaseStage.PROCESSING:
            await self._process_matters()
        await workflow.wait_condition(
            lambda: self._status.stage.is_closed or self._status.evaluation is not None
        )
        await workflow.wait_condition(workflow.all_handlers_finished)
        if not self._status.stage.is_closed and patched(REPORT_PATCH):
            if self._input.feedback_report_required:
                await self._report_feedback()
            follow_up = self._status.follow_up
            await workflow.wait_condition(lambda: follow_up is None or follow_up.closed)
            await workflow.wait_condition(workflow.all_handlers_finished)
        if not self._status.stage.is_closed:
            self._close(CaseStage.ARCHIVED)
            await self._record(LedgerEvent.CASE_ARCHIVED, SYSTEM_ACTOR, "代办服务结束，案件归档")
        # Children record their own withdrawal; the case ends only after they have.
        await asyncio.gather(*self._children.values(), *self._watches, return_exceptions=True)
        return self._status

    # --- queries and signals -------------------------------------------------------------

    @workflow.query
    def status(self) -> CaseStatus:
        return self._status

    @workflow.signal(name=MATTER_CHANGED_SIGNAL)
    def matter_changed(self, told: MatterSnapshot | MatterChange) -> None:
        before = self._matter(told.code)
        if isinstance(told, MatterChange):  # the changed fields only (CHANGES_ONLY_PATCH)
            if told.version <= before.version:
                return
            snapshot = told.applied_to(before)  # a field it names may have changed before
        else:
            snapshot = told
        new_correction = len(snapshot.corrections) > len(before.corrections)
        newly_stalled = snapshot.hand_off_stalled_at and not before.hand_off_stalled_at
        self._put_matter(snapshot)
        overdue = self._status.has_overdue_matter
        if overdue != self._overdue and patched(OVERDUE_ATTRIBUTE_PATCH):
            self._overdue = overdue
            workflow.upsert_search_attributes([OVERDUE.value_set(overdue)])
        if newly_stalled:  # only matters started with the hand-off check report this
            hours = self._input.hand_off_ack_hours
            what = "签收" if snapshot.cross_county else "受理"
            description = f"{snapshot.department_name}{hours}小时内未{what}“{snapshot.name}”"
            self._open_problem(
                ProblemKind.STALLED_HAND_OFF, snapshot.code, description, SYSTEM_ACTOR
            )
        if new_correction and patched(COORDINATION_PATCH):
            correction = snapshot.corrections[-1]
            self._open_problem(
                ProblemKind.CORRECTION,
                snapshot.code,
                f"{snapshot.department_name}要求补正“{snapshot.name}”："
                + "、".join(correction.items),
                Actor(
                    id=correction.requested_by, role=Role.DEPARTMENT, department=snapshot.department
                ),
            )

    # --- 计划制定 ---------------------------------------------------------------------------

    @workflow.update
    @one_at_a_time
    async def plan(self, plan: CasePlan) -> CaseActionDone:
        self._status.plan = plan
        self._status.agent = plan.agent
        for matter_plan in plan.matters:
            matter = self._matter(matter_plan.matter)
            matter.materials = matter_plan.materials
            matter.planned_finish = matter_plan.planned_finish
        self._set_stage(CaseStage.PROCESSING)
        await self._record(
            LedgerEvent.PLAN_AGREED,
            plan.actor,
            f"指定代办专员{plan.agent.name}，制定代办计划",
            {"plan": plan.model_dump(mode="json", exclude={"actor"})},
            matters=self._status.matters,
        )
        if self._input.budget_days and patched(BUDGET_PATCH):
            await self._plan_budget()
        return CaseActionDone.of(self._status)

    @plan.validator
    def _validate_plan(self, plan: CasePlan) -> None:
        require_case_action(self._status, plan.actor, "plan")
        require_exact_matters(self._status, (m.matter for m in plan.matters))
        require_within_period(self._status.application.period, plan)
        if self._input.agent_team is not None:
            departments = {m.department: m.department_name for m in self._status.matters}
            require_team(self._input.agent_team, plan.team, departments)
        if not self._input.agents_may_name_intermediaries:
            named = [
                m.intermediary.name
                for m in plan.matters
                if m.intermediary and m.intermediary.chosen_by == "agent"
            ]
            if named:
                raise action_refused(
                    "代办人员不得为企业指定中介机构（" + "、".join(named) + "），"
                    "应由投资者（项目单位）自主选择"
                )

    # --- 评价归档 ---------------------------------------------------------------------------

    @workflow.update
    @one_at_a_time
    async def evaluate(self, evaluation: Evaluation) -> CaseActionDone:
        self._status.evaluation = evaluation
        self._status.evaluated_at = workflow.now()
        await self._record(
            LedgerEvent.CASE_EVALUATED,
            evaluation.actor,
            f"服务评价：{evaluation.level.value}"
            + paper_note(evaluation.actor, evaluation.paper_dated, "评价表"),
            evaluation.model_dump(mode="json", exclude={"actor"}),
        )
        if evaluation.level in BAD_RATINGS and patched(FOLLOW_UP_PATCH):
            follow_up = FollowUp(rating_followed=evaluation.level, opened_at=workflow.now())
            self._status.follow_up = follow_up
            self._watches.append(asyncio.create_task(self._follow_up(follow_up)))
        return CaseActionDone.of(self._status)

    @evaluate.validator
    def _validate_evaluate(self, evaluation: Evaluation) -> None:
        require_case_action(self._status, evaluation.actor, "evaluate")
        today = business_today()
        require_paper_record(evaluation.actor, evaluation.paper_dated, "评价表", today)
        if self._status.cross_county:
            missing = [n for n, score in evaluation.cross_county_scores.items() if score is None]
            if missing:
                raise action_refused("跨县市案件还须评价：" + "、".join(missing))

    # --- state helpers ---------------------------------------------------------------------

    async def _application_received(self) -> None:
        """An update may arrive before the run wrote the application: keep the ledger in order."""
        await workflow.wait_condition(lambda: self._application_recorded)

    def _told(self, *messages: tuple[Recipient, str]) -> list[Notice]:
        """These notices, in a case that tells every role (``NOTICES_PATCH``)."""
        if not patched(NOTICES_PATCH):
            return []
        address = {
            Recipient.ENTERPRISE: self._status.case_id,
            Recipient.AGENT: self._agent_id(),
            Recipient.OVERSIGHT: self._status.jurisdiction,
            Recipient.LEADER: self._status.park,
        }
        return [
            Notice(recipient=recipient, address=address[recipient], message=message)
            for recipient, message in messages
        ]

    def _team_levels(self) -> dict[str, str]:
        plan = self._status.plan
        if plan is None:
            return {}
        return {m.id: m.level.value for m in plan.team if m.level is not None}

    def _matter(self, code: str) -> MatterSnapshot:
        return next(m for m in self._status.matters if m.code == code)

    def _put_matter(self, snapshot: MatterSnapshot) -> None:
        for index, current in enumerate(self._status.matters):
            if current.code == snapshot.code and snapshot.version >= current.version:
                self._status.matters[index] = snapshot

    def _stop_unstarted(self, matter: MatterSnapshot, state: MatterState) -> None:
        matter.state = state
        matter.decided_at = workflow.now()
        matter.version += 1

    def _matters_version(self) -> tuple[int, ...]:
        return tuple(m.version for m in self._status.matters)

    def _set_stage(self, stage: CaseStage) -> None:
        self._status.stage = stage
        workflow.upsert_search_attributes([CASE_STAGE.value_set(stage.value)])

    def _close(self, stage: CaseStage) -> None:
        self._status.closed_at = workflow.now()
        self._set_stage(stage)

    def _summary(self) -> CaseSummary:
        return CaseSummary.of(self._status, workflow.info().workflow_id)

    async def _record(
        self,
        event: LedgerEvent,
        actor: Actor,
        summary: str,
        details: dict | None = None,
        *,
        matter: str | None = None,
        matters: list[MatterSnapshot] | tuple = (),
        notices: list[Notice] | tuple = (),
        occurrence: str | None = None,
        replaces_matters: bool = False,
    ) -> None:
        """Write a ledger entry with the case's projection row as it is now;
        ``replaces_matters``: the matters given are now all the case has."""
        self._status.version += 1
        level = self._team_levels().get(actor.id)
        if level is not None:  # 三包一: whose level acted
            details = {**(details or {}), "agent_level": level}
        await record(
            event,
            case_id=self._status.case_id,
            actor=actor,
            summary=summary,
            details=details,
            matter=matter,
            case=self._summary(),
            matters=[m.model_copy(deep=True) for m in matters],
            notices=notices,
            occurrence=occurrence,
            replaces_matters=replaces_matters,
        )
