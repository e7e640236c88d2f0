"""Documents: a case's papers (委托书, 受理通知书, 终止委托记录, 综合报告), the tracking
table (附件3) and every filed version of a feedback report."""

from dataclasses import replace
from datetime import date
from typing import Annotated
from urllib.parse import quote

from fastapi import APIRouter, Query, Response
from starlette.concurrency import run_in_threadpool

from api.auth.access import CaseCoordinator, Exporter, Reader
from api.deps import EngineDep, TemporalDep
from api.errors import ERROR_RESPONSES
from api.params import CaseId
from api.routes.oversight import Filter
from domain.actors import Role
from domain.errors import ActionRefused
from domain.papers import Paper, PaperFormat, not_yet
from domain.report import FeedbackFilingRequest
from papers import render as papers
from papers.tracking_table import MEDIA_TYPES, ExportFormat, TooLongToPrint, export
from services import report_versions
from services.commands import case_status
from services.reads import record_read
from services.report_versions import NotFiledYet, ReportVersion, VersionTaken
from store import accounts

# A file in the response: what client generators read as bytes.
BINARY = {"schema": {"type": "string", "format": "binary"}}

router = APIRouter(tags=["documents"], responses=ERROR_RESPONSES)


@router.get(
    "/tracking-table",
    response_class=Response,
    responses={
        200: {
            "content": {media: BINARY for media in MEDIA_TYPES.values()},
            "description": "代办服务全程跟踪备案表",
        }
    },
)
def tracking_table(
    engine: EngineDep,
    principal: Exporter,
    where: Filter,
    format: ExportFormat = ExportFormat.XLSX,
    cross_county: Annotated[bool, Query(description="只导出跨县市案件")] = False,
) -> Response:
    """代办服务全程跟踪备案表 (附件3): one row per case, as XLSX (default), CSV or PDF, with
    the oversight list's filters. A coordinator exports the cases of its jurisdiction (and
    park), the 州工信局 team the cross-county cases; each export is a recorded read."""
    if principal.role is Role.COORDINATOR:
        where = replace(
            where,
            cross_county_only=cross_county,
            jurisdiction=principal.jurisdiction,
            park=principal.park or where.park,
        )
    else:
        where = replace(where, cross_county_only=True)
    try:
        content = export(engine, where, format)
    except TooLongToPrint as error:
        raise ActionRefused(str(error)) from error
    record_read(engine, principal.actor, "tracking_table")
    name = f"tracking-table-{date.today().isoformat()}.{format.value}"
    return Response(
        content,
        media_type=MEDIA_TYPES[format],
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )


@router.get(
    "/cases/{case_id}/papers/{paper}",
    response_class=Response,
    responses={
        200: {
            "content": {media: BINARY for media in papers.MEDIA_TYPES.values()},
            "description": "委托书、受理通知书（附件2）、终止委托记录或综合报告",
        }
    },
)
async def case_paper(
    case_id: CaseId,
    paper: Paper,
    principal: Reader,
    client: TemporalDep,
    engine: EngineDep,
    format: PaperFormat = PaperFormat.PDF,
) -> Response:
    """One of the case's papers, filled from its live status: ``entrustment`` (委托书,
    附件1), ``acceptance-notice`` (受理通知书, 附件2, with the materials received),
    ``termination-record`` (终止委托记录) or ``report`` (the comprehensive report of a
    cross-county case, else the 评价反馈材料). PDF with its Chinese fonts embedded, or DOCX
    for an office to edit. 409 while the case has no such paper yet; a recorded read."""
    status = await case_status(client, case_id)
    reason = not_yet(paper, status)
    if reason:
        raise ActionRefused(reason)
    people = {}
    if status.acceptance_notice is not None:
        accepted_by = status.acceptance_notice.accepted_by
        account = accounts.get(engine, accepted_by)
        people[accepted_by] = (
            accounts.principal_of(account).name_and_phone if account else accepted_by
        )
    rendered = await run_in_threadpool(papers.render, paper, format, status, people)
    record_read(engine, principal.actor, f"paper:{paper.value}", case_id)
    ascii_name = f"{case_id}-{paper.value}.{format.value}"
    return Response(
        rendered.content,
        media_type=rendered.media_type,
        headers={
            "Content-Disposition": f'attachment; filename="{ascii_name}"; '
            f"filename*=UTF-8''{quote(rendered.filename)}"
        },
    )


@router.get("/cases/{case_id}/feedback-report/versions", response_model=list[ReportVersion])
def feedback_report_versions(
    case_id: CaseId, reader: Reader, engine: EngineDep
) -> list[ReportVersion]:
    """Every filed version of the case's feedback report, first first."""
    return report_versions.versions(engine, case_id)


@router.post(
    "/cases/{case_id}/feedback-report/versions",
    response_model=ReportVersion,
    status_code=201,
)
def revise_feedback_report(
    case_id: CaseId, body: FeedbackFilingRequest, actor: CaseCoordinator, engine: EngineDep
) -> ReportVersion:
    """File a corrected version after the first filing; every version is kept."""
    try:
        return report_versions.revise(engine, case_id, body, actor)
    except NotFiledYet as error:
        raise ActionRefused(
            "评价反馈报告尚未报送：第一版请通过 POST /cases/{id}/feedback-report 报送"
        ) from error
    except VersionTaken as error:
        raise ActionRefused("另一版本刚刚报送，请刷新后重试") from error
