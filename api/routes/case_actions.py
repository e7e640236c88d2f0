"""Coordinators' and enterprises' actions on a case: open it, then drive it stage by stage."""

from datetime import timedelta

from fastapi import APIRouter, status

from api.auth.access import (
    Applicant,
    ApplicantParty,
    CaseCoordinator,
    CaseId,
    ensure_may_open,
)
from api.deps import EngineDep, SettingsDep, TemporalDep
from api.errors import ERROR_RESPONSES
from api.idempotency import IdempotencyKey
from api.params import MatterCode
from api.public import CasePublic, MatterPublic
from api.schemas import CaseCreated
from domain.actions import (
    CasePlan,
    CasePlanRequest,
    Delivery,
    DeliveryRequest,
    Evaluation,
    EvaluationRequest,
    InitialReview,
    InitialReviewRequest,
    JointReview,
    JointReviewRequest,
    Receipt,
    ReceiptRequest,
    Resubmission,
    ResubmissionRequest,
    SupplyDeferred,
    SupplyDeferredRequest,
    Termination,
    TerminationRequest,
)
from domain.amendment import AmendmentRequest
from domain.application import Application
from domain.case import CaseStage, CaseStatus
from domain.documents import DocumentKind
from domain.errors import InvalidInput
from domain.follow_up import BAD_RATINGS
from domain.matter import MatterSnapshot
from domain.report import FeedbackFiling, FeedbackFilingRequest
from services import amendment, documents
from services.commands import act_on_case, handed_over, update_handed_over, update_matter
from services.opening import open_case_once
from store import projection
from workflows.case import CaseWorkflow
from workflows.matter import MatterWorkflow

router = APIRouter(prefix="/cases", tags=["cases"], responses=ERROR_RESPONSES)


@router.post("", status_code=status.HTTP_201_CREATED, response_model=CaseCreated)
async def open_case(
    application: Application,
    principal: Applicant,
    client: TemporalDep,
    engine: EngineDep,
    settings: SettingsDep,
    key: IdempotencyKey = None,
) -> CaseCreated:
    """Open a case from the 委托书; it waits for initial review (初审). A coordinator
    registers it at the window; where the pack offers online application (包头 云代办),
    the enterprise submits its own. Send an Idempotency-Key to make a retried request open
    one case, not two."""
    ensure_may_open(principal, application)
    case_id = await open_case_once(
        application,
        principal.actor,
        client,
        engine,
        settings.task_queue,
        key,
        lease=timedelta(seconds=settings.idempotency_lease_seconds),
    )
    row = projection.case_row(engine, case_id)
    stage = CaseStage(row.stage) if row else CaseStage.INITIAL_REVIEW
    return CaseCreated(case_id=case_id, stage=stage)


@router.post("/{case_id}/review", response_model=CasePublic)
async def review_case(
    case_id: CaseId,
    body: InitialReviewRequest,
    actor: CaseCoordinator,
    client: TemporalDep,
    engine: EngineDep,
    key: IdempotencyKey = None,
) -> CaseStatus:
    """初审: accept with the materials received (issues the 受理通知书, which lists the
    uploaded files on record, each version with its hash) or refuse with reasons.
    部分受理: accept with ``excluded``, the matters not accepted and why; a matter that the
    pack's rules find ineligible must be among them."""
    on_file = documents.on_file(engine, case_id, DocumentKind.MATERIAL)
    action = InitialReview(**body.model_dump(), actor=actor, documents=on_file)
    return await act_on_case(client, case_id, CaseWorkflow.review, action, key)


@router.post("/{case_id}/amendment", response_model=CasePublic)
async def amend_application(
    case_id: CaseId,
    body: AmendmentRequest,
    actor: CaseCoordinator,
    client: TemporalDep,
    key: IdempotencyKey = None,
) -> CaseStatus:
    """修改委托书 during 初审: the whole 委托书 as amended, and why. Its matters and
    eligibility are resolved again; the applicant, jurisdiction and park stay (422 if
    changed). 409 outside initial review or when nothing changed. In the ledger as
    ``application_amended`` with every field's before and after."""
    return await amendment.amend_application(client, case_id, body, actor, key)


@router.post("/{case_id}/plan", response_model=CasePublic)
async def plan_case(
    case_id: CaseId,
    body: CasePlanRequest,
    actor: CaseCoordinator,
    client: TemporalDep,
    key: IdempotencyKey = None,
) -> CaseStatus:
    """计划制定: name the agent, each matter's materials and planned dates; processing starts."""
    action = CasePlan(**body.model_dump(), actor=actor)
    return await act_on_case(client, case_id, CaseWorkflow.plan, action, key)


@router.post("/{case_id}/matters/{matter}/resubmission", response_model=MatterPublic)
async def resubmit_materials(
    case_id: CaseId,
    matter: MatterCode,
    body: ResubmissionRequest,
    actor: CaseCoordinator,
    client: TemporalDep,
    engine: EngineDep,
    key: IdempotencyKey = None,
) -> MatterSnapshot:
    """Hand the corrected materials (补正材料) back to the department, with the versions
    uploaded since the 补正 was asked."""
    row = await handed_over(client, engine, case_id, matter)
    asked = await documents.correction_asked_at(client, row)
    uploaded = documents.uploaded_since(engine, case_id, matter, asked)
    action = Resubmission(**body.model_dump(), actor=actor, documents=uploaded)
    return await update_handed_over(client, row, MatterWorkflow.resubmit, action, key)


@router.post("/{case_id}/matters/{matter}/deferred-materials", response_model=MatterPublic)
async def supply_deferred_materials(
    case_id: CaseId,
    matter: MatterCode,
    body: SupplyDeferredRequest,
    actor: CaseCoordinator,
    client: TemporalDep,
    engine: EngineDep,
    key: IdempotencyKey = None,
) -> MatterSnapshot:
    """容缺材料补齐: a result held for them is then issued."""
    action = SupplyDeferred(**body.model_dump(), actor=actor)
    return await update_matter(
        client, engine, case_id, matter, MatterWorkflow.supply_deferred, action, key
    )


@router.post("/{case_id}/delivery", response_model=CasePublic)
async def deliver_results(
    case_id: CaseId,
    body: DeliveryRequest,
    actor: CaseCoordinator,
    client: TemporalDep,
    key: IdempotencyKey = None,
) -> CaseStatus:
    """办结送达: hand the results to the enterprise."""
    action = Delivery(**body.model_dump(), actor=actor)
    return await act_on_case(client, case_id, CaseWorkflow.deliver, action, key)


@router.post("/{case_id}/receipt", response_model=CasePublic)
async def sign_receipt(
    case_id: CaseId,
    body: ReceiptRequest,
    actor: ApplicantParty,
    client: TemporalDep,
    key: IdempotencyKey = None,
) -> CaseStatus:
    """The enterprise signs for the results and its original materials. A coordinator may
    only record the enterprise's paper receipt (paper_dated), and only for an enterprise
    without an account."""
    action = Receipt(**body.model_dump(), actor=actor)
    return await act_on_case(client, case_id, CaseWorkflow.sign_receipt, action, key)


@router.post("/{case_id}/evaluation", response_model=CasePublic)
async def evaluate_service(
    case_id: CaseId,
    body: EvaluationRequest,
    actor: ApplicantParty,
    client: TemporalDep,
    key: IdempotencyKey = None,
) -> CaseStatus:
    """好差评: the enterprise rates the service; the feedback report is then drafted for the
    agent to file. A coordinator may only record a paper rating form (paper_dated) of an
    enterprise without an account."""
    if body.level in BAD_RATINGS and not body.comments.strip():
        # The follow-up puts right what the enterprise says was wrong: it must say. Here,
        # not in the workflow's validator, which replays ratings recorded without one.
        raise InvalidInput("comments", "差评须写明不满意的原因，以便回访整改")
    action = Evaluation(**body.model_dump(), actor=actor)
    return await act_on_case(client, case_id, CaseWorkflow.evaluate, action, key)


@router.post("/{case_id}/feedback-report", response_model=CasePublic)
async def file_feedback_report(
    case_id: CaseId,
    body: FeedbackFilingRequest,
    actor: CaseCoordinator,
    client: TemporalDep,
    key: IdempotencyKey = None,
) -> CaseStatus:
    """报送评价反馈报告 to the county government (within 5 working days); the case archives."""
    action = FeedbackFiling(**body.model_dump(), actor=actor)
    return await act_on_case(client, case_id, CaseWorkflow.file_feedback_report, action, key)


@router.post("/{case_id}/joint-review", response_model=CasePublic)
async def record_joint_review(
    case_id: CaseId,
    body: JointReviewRequest,
    actor: CaseCoordinator,
    client: TemporalDep,
    key: IdempotencyKey = None,
) -> CaseStatus:
    """集中联审 (包头): record a meeting that decided several matters at once; each matter
    takes its decision (approve with the reference, or refuse with the reason)."""
    action = JointReview(**body.model_dump(), actor=actor)
    return await act_on_case(client, case_id, CaseWorkflow.joint_review, action, key)


@router.post("/{case_id}/termination", response_model=CasePublic)
async def terminate_case(
    case_id: CaseId,
    body: TerminationRequest,
    actor: CaseCoordinator,
    client: TemporalDep,
    engine: EngineDep,
    key: IdempotencyKey = None,
) -> CaseStatus:
    """终止委托: at the enterprise's request or for lack of conditions; materials go back
    (the record lists the uploaded files returned, each version with its hash)."""
    returned = documents.on_file(engine, case_id, DocumentKind.MATERIAL)
    action = Termination(**body.model_dump(), actor=actor, documents=returned)
    return await act_on_case(client, case_id, CaseWorkflow.terminate, action, key)
