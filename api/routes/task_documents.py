"""A department's documents on one of its tasks: the materials handed over to it (the
versions current at the hand-over and after), and the results it uploads to issue."""

from typing import Annotated

from fastapi import APIRouter, Path, Query, Request, Response, status

from api.auth.access import DepartmentStaff
from api.deps import EngineDep, RawIdempotencyKey, SettingsDep, StorageDep, TemporalDep
from api.document_io import BINARY, file_response, incoming, preview_response, receive, upload_body
from api.errors import ERROR_RESPONSES
from api.params import CaseId, DocumentId, Limit, MatterCode, Offset
from api.schemas import Page
from domain.actors import Actor
from domain.case import CaseStatus
from domain.documents import Document, DocumentKind
from domain.errors import NotFound
from domain.matter import MatterSnapshot
from services import documents
from services.commands import case_status

router = APIRouter(
    prefix="/departments/{department}/tasks/{case_id}/{matter}",
    tags=["departments"],
    responses=ERROR_RESPONSES,
)
Department = Annotated[str, Path(pattern=r"^[a-z0-9_\-]+$", examples=["bole-natural-resources"])]

RESULT_FIELDS = {
    "title": {"type": "string", "maxLength": 100, "description": "结果名称，如 批复、营业执照"},
    "result_reference": {"type": "string", "maxLength": 100, "description": "文号或证照编号"},
}


async def _own_task(
    client: TemporalDep, case_id: str, matter: str, actor: Actor
) -> tuple[CaseStatus, MatterSnapshot]:
    """The case and the department's own handed-over matter; anything else is a 404, as
    for a task that does not exist (another department learns nothing of it)."""
    case = await case_status(client, case_id)
    found = next((m for m in case.matters if m.code == matter), None)
    if found is None or found.department != actor.department or found.handed_over_at is None:
        raise NotFound(f"本部门没有案件{case_id}的事项{matter}")
    return case, found


@router.get("/documents", response_model=Page[Document])
async def task_documents(
    department: Department,
    case_id: CaseId,
    matter: MatterCode,
    actor: DepartmentStaff,
    client: TemporalDep,
    engine: EngineDep,
    offset: Offset = 0,
    limit: Limit = 100,
) -> Page[Document]:
    """The task's materials (from the hand-over on) and its results, every version."""
    case, _ = await _own_task(client, case_id, matter, actor)
    shown = documents.visible(engine, case, actor, matter)
    return Page(items=shown[offset : offset + limit], total=len(shown), offset=offset, limit=limit)


@router.get(
    "/documents/{document_id}",
    response_class=Response,
    responses={200: {"content": {"application/octet-stream": BINARY}, "description": "文件"}},
)
async def download_task_document(
    department: Department,
    case_id: CaseId,
    matter: MatterCode,
    document_id: DocumentId,
    actor: DepartmentStaff,
    client: TemporalDep,
    engine: EngineDep,
    storage: StorageDep,
    inline: bool = False,
) -> Response:
    """The file as uploaded; a recorded read."""
    case, _ = await _own_task(client, case_id, matter, actor)
    document = documents.read(engine, case, actor, document_id, matter)
    return file_response(storage, document, inline=inline)


@router.get(
    "/documents/{document_id}/preview",
    response_class=Response,
    responses={200: {"content": {"image/png": BINARY}, "description": "该页的图像"}},
)
async def preview_task_document(
    department: Department,
    case_id: CaseId,
    matter: MatterCode,
    document_id: DocumentId,
    actor: DepartmentStaff,
    client: TemporalDep,
    engine: EngineDep,
    storage: StorageDep,
    page: Annotated[int, Query(ge=1, le=10_000)] = 1,
) -> Response:
    """A page of a PDF or an image, as PNG; a recorded read."""
    case, _ = await _own_task(client, case_id, matter, actor)
    document = documents.read(engine, case, actor, document_id, matter)
    return await preview_response(storage, document, page)


@router.post(
    "/results",
    status_code=status.HTTP_201_CREATED,
    response_model=Document,
    openapi_extra=upload_body(RESULT_FIELDS, ["title"]),
    responses={200: {"model": Document, "description": "同一幂等键的重试：返回第一次上传的版本"}},
)
async def upload_result(
    department: Department,
    case_id: CaseId,
    matter: MatterCode,
    request: Request,
    response: Response,
    actor: DepartmentStaff,
    client: TemporalDep,
    engine: EngineDep,
    storage: StorageDep,
    settings: SettingsDep,
    key: RawIdempotencyKey = None,
) -> Document:
    """上传办理结果 (multipart: ``title``, ``result_reference``, ``file``) before approving:
    the approval then issues it (容缺: held until the items are confirmed), and the
    enterprise downloads it once delivered. A second upload of one title is a new version."""
    upload, title = await receive(request, storage, settings, "title", "结果名称")
    try:
        case, target = await _own_task(client, case_id, matter, actor)
    except Exception:
        upload.discard()
        raise
    reference = upload.fields.get("result_reference", "")[:100]
    document, created = await documents.take_upload(
        engine,
        storage,
        case,
        target,
        DocumentKind.RESULT,
        incoming(upload, title, reference),
        actor,
        key,
    )
    if not created:
        response.status_code = status.HTTP_200_OK
    return document
