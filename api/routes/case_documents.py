"""A case's documents as its coordinator, the enterprise and oversight use them: upload
a material against a matter's checklist, list the versions, download one, see a page."""

from typing import Annotated

from fastapi import APIRouter, Query, Request, Response, status
from pydantic import BaseModel, Field

from api.auth.access import CaseParty, DocumentReader
from api.deps import EngineDep, RawIdempotencyKey, SettingsDep, StorageDep, TemporalDep
from api.document_io import BINARY, file_response, incoming, preview_response, receive, upload_body
from api.errors import ERROR_RESPONSES
from api.params import CaseId, DocumentId, Limit, MatterCode, Offset
from api.schemas import Page
from domain.documents import Document, DocumentKind
from services import documents
from services.commands import case_status

router = APIRouter(prefix="/cases", tags=["documents"], responses=ERROR_RESPONSES)

MATERIAL_FIELDS = {
    "material": {
        "type": "string",
        "maxLength": 100,
        "description": "材料名称：须是该事项材料清单（目录、代办计划、补正或容缺所列）中的一项",
    }
}


@router.post(
    "/{case_id}/matters/{matter}/documents",
    status_code=status.HTTP_201_CREATED,
    response_model=Document,
    openapi_extra=upload_body(MATERIAL_FIELDS, ["material"]),
    responses={200: {"model": Document, "description": "同一幂等键的重试：返回第一次上传的版本"}},
)
async def upload_material(
    case_id: CaseId,
    matter: MatterCode,
    request: Request,
    response: Response,
    actor: CaseParty,
    client: TemporalDep,
    engine: EngineDep,
    storage: StorageDep,
    settings: SettingsDep,
    key: RawIdempotencyKey = None,
) -> Document:
    """上传申请材料 (multipart: ``material``, ``file``): the coordinator, or the enterprise
    for its own case. A material already on file gets a new version (a 补正 answer); the
    earlier one stays, superseded. The type is decided by the content; an empty, disguised,
    encrypted, damaged or oversized file is refused and nothing is stored."""
    upload, material = await receive(request, storage, settings, "material", "材料名称")
    try:
        case = await case_status(client, case_id)
        target = documents.matter_of(case, matter)
    except Exception:
        upload.discard()
        raise
    document, created = await documents.take_upload(
        engine, storage, case, target, DocumentKind.MATERIAL, incoming(upload, material), actor, key
    )
    if not created:
        response.status_code = status.HTTP_200_OK
    return document


class Checklist(BaseModel):
    """What files may be sent for one matter now."""

    matter: str
    name: str
    materials: list[str] = Field(description="材料清单；为空时可按实际材料名称上传")
    takes_materials: bool = Field(description="该事项当前是否接收申请材料")


@router.get("/{case_id}/checklists", response_model=Page[Checklist])
async def material_checklists(
    case_id: CaseId, principal: DocumentReader, client: TemporalDep
) -> Page[Checklist]:
    """Each matter's checklist: the catalogue's, the plan's and what a 补正 or a 容缺
    named; an upload names one of them."""
    case = await case_status(client, case_id)
    items = [
        Checklist(
            matter=m.code,
            name=m.name,
            materials=documents.materials_checklist(case, m),
            takes_materials=documents.takes_materials(case, m),
        )
        for m in case.matters
    ]
    return Page(items=items, total=len(items), offset=0, limit=max(len(items), 1))


@router.get("/{case_id}/documents", response_model=Page[Document])
async def list_documents(
    case_id: CaseId,
    principal: DocumentReader,
    client: TemporalDep,
    engine: EngineDep,
    matter: Annotated[str | None, Query(pattern=r"^[a-z0-9_\-]+$")] = None,
    current_only: Annotated[bool, Query(description="只列当前版本")] = False,
    offset: Offset = 0,
    limit: Limit = 100,
) -> Page[Document]:
    """Every version the caller may see, by matter, material and version; results only
    once issued (and, for the enterprise, delivered)."""
    case = await case_status(client, case_id)
    shown = documents.visible(engine, case, principal.actor, matter)
    if current_only:
        shown = [d for d in shown if d.current]
    return Page(items=shown[offset : offset + limit], total=len(shown), offset=offset, limit=limit)


@router.get(
    "/{case_id}/documents/{document_id}",
    response_class=Response,
    responses={200: {"content": {"application/octet-stream": BINARY}, "description": "文件"}},
)
async def download_document(
    case_id: CaseId,
    document_id: DocumentId,
    principal: DocumentReader,
    client: TemporalDep,
    engine: EngineDep,
    storage: StorageDep,
    inline: bool = False,
) -> Response:
    """The file as uploaded; a recorded read."""
    case = await case_status(client, case_id)
    document = documents.read(engine, case, principal.actor, document_id)
    return file_response(storage, document, inline=inline)


@router.get(
    "/{case_id}/documents/{document_id}/preview",
    response_class=Response,
    responses={200: {"content": {"image/png": BINARY}, "description": "该页的图像"}},
)
async def preview_document(
    case_id: CaseId,
    document_id: DocumentId,
    principal: DocumentReader,
    client: TemporalDep,
    engine: EngineDep,
    storage: StorageDep,
    page: Annotated[int, Query(ge=1, le=10_000)] = 1,
) -> Response:
    """A page of a PDF or an image, as PNG, to read in the console; a recorded read."""
    case = await case_status(client, case_id)
    document = documents.read(engine, case, principal.actor, document_id)
    return await preview_response(storage, document, page)
