"""初审 handlers, which CaseWorkflow inherits: accept (all the matters, or 部分受理 some of
them) or refuse the 委托书, and amend it while the review is under way."""

from collections.abc import Iterable
from typing import Any

from temporalio import workflow

with workflow.unsafe.imports_passed_through():
    from domain.actions import ExcludedMatter, InitialReview, ReviewDecision
    from domain.amendment import FIELD_NAMES, AmendApplication, changes
    from domain.case import AcceptanceNotice, CaseActionDone, CaseStage
    from domain.catalogue import CaseMatter
    from domain.ledger import LedgerEvent, Recipient
    from domain.matter import MatterSnapshot
    from workflows.guards import action_refused, require_case_action
    from workflows.hosts import CaseHost
    from workflows.one_at_a_time import one_at_a_time
    from workflows.search_attributes import COUNTIES


def matter_snapshots(matters: Iterable[CaseMatter]) -> list[MatterSnapshot]:
    """The case's matters as they stand before any is handed over."""
    return [
        MatterSnapshot(
            code=m.code,
            name=m.definition.name,
            department=m.department.code,
            department_name=m.department.name,
            county=m.department.county,
            depends_on=m.definition.depends_on,
            cross_county=m.cross_county,
        )
        for m in matters
    ]


class ReviewHandlers(CaseHost):
    """Uses CaseWorkflow's ``_input``, ``_status``, ``_record``, ``_told``, ``_close``."""

    @workflow.update
    @one_at_a_time
    async def review(self, review: InitialReview) -> CaseActionDone:
        await self._application_received()
        if review.decision is ReviewDecision.REFUSE:
            await self._refuse(review)
            return CaseActionDone.of(self._status)
        excluded = self._exclude(review.excluded)
        notice = AcceptanceNotice(
            number=f"{self._status.case_id}-SL",
            enterprise_name=self._status.application.applicant_name,
            matters=[m.name for m in self._status.matters],
            materials_received=review.materials_received,
            documents=review.documents,
            accepted_by=review.actor.id,
            issued_at=workflow.now(),
        )
        self._status.acceptance_notice = notice
        self._set_stage(CaseStage.PLANNING)
        summary = f"初审通过，正式受理，出具受理通知书{notice.number}"
        told = f"您的代办委托已正式受理，受理通知书{notice.number}"
        details: dict[str, Any] = {"acceptance_notice": notice.model_dump(mode="json")}
        if excluded:
            partly = "；".join(f"“{name}”不予受理：{reason}" for name, reason in excluded)
            accepted = "、".join(notice.matters)
            summary = f"初审部分受理：受理{accepted}；{partly}；出具受理通知书{notice.number}"
            told = f"您的代办委托已部分受理（受理通知书{notice.number}）；{partly}"
            details["excluded"] = [e.model_dump(mode="json") for e in review.excluded]
        await self._record(
            LedgerEvent.APPLICATION_ACCEPTED,
            review.actor,
            summary,
            details,
            matters=self._status.matters,
            notices=self._told((Recipient.ENTERPRISE, told)),
            replaces_matters=bool(excluded),
        )
        return CaseActionDone.of(self._status)

    async def _refuse(self, review: InitialReview) -> None:
        self._status.refusal_reasons = review.reasons
        self._close(CaseStage.REFUSED)
        await self._record(
            LedgerEvent.APPLICATION_REFUSED,
            review.actor,
            "初审不予受理：" + "；".join(review.reasons),
            {"reasons": review.reasons},
            notices=self._told(
                (Recipient.ENTERPRISE, "您的代办委托初审不予受理：" + "；".join(review.reasons))
            ),
        )

    def _exclude(self, excluded: list[ExcludedMatter]) -> list[tuple[str, str]]:
        """部分受理: drop the matters not accepted from the case; their names and reasons."""
        if not excluded:
            return []
        reasons = {e.matter: e.reason for e in excluded}
        dropped = [(m.name, reasons[m.code]) for m in self._status.matters if m.code in reasons]
        self._status.matters = [m for m in self._status.matters if m.code not in reasons]
        kept = [m for m in self._input.matters if m.code not in reasons]
        self._input = self._input.model_copy(update={"matters": kept})
        self._status.application = self._status.application.model_copy(
            update={"matters": [m.code for m in kept]}
        )
        self._upsert_counties()
        return dropped

    @review.validator
    def _validate_review(self, review: InitialReview) -> None:
        require_case_action(self._status, review.actor, "review")
        if review.decision is not ReviewDecision.ACCEPT:
            return
        names = {m.code: m.name for m in self._status.matters}
        unknown = [e.matter for e in review.excluded if e.matter not in names]
        if unknown:
            raise action_refused("本案件没有委托这些事项：" + "、".join(unknown))
        if len(review.excluded) == len(names):
            raise action_refused("全部事项均不予受理的，应作出不予受理决定")
        eligibility = self._status.eligibility
        if eligibility is None or eligibility.eligible:
            return
        # Cases opened before the assessment named its matters exclude them all.
        ineligible = eligibility.ineligible_matters or list(names.values())
        excluded = {names[e.matter] for e in review.excluded}
        left = [name for name in ineligible if name not in excluded]
        if left:
            raise action_refused(
                "不符合帮代办条件，应不予受理并告知理由，或部分受理并将"
                + "、".join(f"“{n}”" for n in left)
                + "列为不予受理事项："
                + "；".join(eligibility.reasons)
            )

    # --- 修改委托书 ----------------------------------------------------------------------

    @workflow.update
    @one_at_a_time
    async def amend_application(self, amendment: AmendApplication) -> CaseActionDone:
        await self._application_received()
        changed = changes(self._status.application, amendment.application)
        self._input = self._input.model_copy(
            update={
                "application": amendment.application,
                "matters": amendment.matters,
                "eligibility": amendment.eligibility,
            }
        )
        self._status.application = amendment.application
        self._status.matters = matter_snapshots(amendment.matters)
        self._status.eligibility = amendment.eligibility
        self._upsert_counties()
        what = "、".join(FIELD_NAMES.get(field, field) for field in changed)
        eligibility = amendment.eligibility
        verdict = ""
        if eligibility is not None:
            verdict = "；符合帮代办条件" if eligibility.eligible else "；仍有事项不符合帮代办条件"
        await self._record(
            LedgerEvent.APPLICATION_AMENDED,
            amendment.actor,
            f"初审中修改委托书（{what}）：{amendment.reason}{verdict}",
            {
                "reason": amendment.reason,
                "changes": changed,
                "eligibility": eligibility.model_dump(mode="json") if eligibility else None,
            },
            matters=self._status.matters,
            notices=self._told(
                (Recipient.ENTERPRISE, f"代办专员修改了您的委托书（{what}）：{amendment.reason}")
            ),
            replaces_matters=True,
        )
        return CaseActionDone.of(self._status)

    @amend_application.validator
    def _validate_amend_application(self, amendment: AmendApplication) -> None:
        require_case_action(self._status, amendment.actor, "amend_application")
        if not changes(self._status.application, amendment.application):
            raise action_refused("委托书没有改动")

    def _upsert_counties(self) -> None:
        """The Counties search attribute follows the matters the case still has."""
        workflow.upsert_search_attributes([COUNTIES.value_set(self._status.counties)])
