"""What the document routes share: reading an upload off the request, and answering with
a file or a page of it. The case's routes and a department's task routes both use it."""

from typing import Any
from urllib.parse import quote

from fastapi import Request, Response
from fastapi.responses import StreamingResponse
from starlette.concurrency import run_in_threadpool

from api.errors import ApiError
from api.multipart import Incomplete, Upload, read_upload
from documents.preview import NoSuchPage, render_page
from documents.staging import TooLarge
from documents.storage import Storage
from domain.documents import PREVIEWABLE, Document, DocumentType, accepted_names
from domain.errors import ActionRefused, InvalidInput
from domain.text import text_problems
from services.documents import Incoming
from settings import Settings

FILE_FIELD = "file"
BINARY = {"schema": {"type": "string", "format": "binary"}}


def upload_body(fields: dict[str, dict[str, Any]], required: list[str]) -> dict[str, Any]:
    """The OpenAPI request body of an upload: the file and these text fields."""
    return {
        "requestBody": {
            "required": True,
            "content": {
                "multipart/form-data": {
                    "schema": {
                        "type": "object",
                        "required": [*required, FILE_FIELD],
                        "properties": {
                            **fields,
                            FILE_FIELD: {
                                "type": "string",
                                "format": "binary",
                                "description": f"文件：{accepted_names()}，类型按内容判定",
                            },
                        },
                    }
                }
            },
        }
    }


def _too_large(limit: int) -> ApiError:
    mb = limit / 1024 / 1024
    return ApiError(413, "document_too_large", f"文件超过大小上限（{mb:.0f} MB），未保存")


async def receive(
    request: Request, storage: Storage, settings: Settings, text_field: str, label: str
) -> tuple[Upload, str]:
    """The upload, staged, and its ``text_field`` (a material's or a result's name)."""
    try:
        upload = await read_upload(
            request, storage.staging, settings.document_max_bytes, FILE_FIELD
        )
    except TooLarge as error:
        raise _too_large(error.limit) from error
    except Incomplete as error:
        raise ApiError(
            400, "upload_incomplete", "上传未完成（连接中断或内容不完整），未保存"
        ) from error
    value = upload.fields.get(text_field, "")
    problem = next((p for _, p in text_problems({"name": value})), None)
    if not value or len(value) > 100 or problem:
        upload.discard()
        raise InvalidInput(text_field, problem or f"请填写{label}（不超过100个字）")
    return upload, value


def incoming(upload: Upload, material: str, result_reference: str | None = None) -> Incoming:
    assert upload.file is not None  # read_upload returns only an upload with its file
    return Incoming(
        file=upload.file,
        filename=upload.filename,
        sha256=upload.sha256,
        material=material,
        result_reference=result_reference or None,
    )


def _disposition(document: Document, inline: bool) -> str:
    ascii_name = f"{document.id}.{document.document_type.value}"
    how = "inline" if inline else "attachment"
    return f"{how}; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(document.filename)}"


def file_response(storage: Storage, document: Document, *, inline: bool = False) -> Response:
    """The file as it was uploaded, streamed from storage with its SHA-256 for the client
    to check."""
    return StreamingResponse(
        storage.chunks(document.sha256),
        media_type=document.media_type,
        headers={
            "Content-Disposition": _disposition(document, inline),
            "Content-Length": str(document.size),
            "X-Content-SHA256": document.sha256,
            "Cache-Control": "private, no-store",
        },
    )


async def preview_response(storage: Storage, document: Document, page: int) -> Response:
    if document.document_type not in PREVIEWABLE:
        raise ActionRefused(f"{document.filename}不支持在页面中预览，请下载查看")

    def rendered() -> tuple[bytes, int]:
        with storage.local_copy(document.sha256) as path:
            return render_page(path, DocumentType(document.document_type), page)

    try:
        content, pages = await run_in_threadpool(rendered)
    except NoSuchPage as error:
        raise InvalidInput("page", f"该文件共{error.pages}页") from error
    return Response(
        content,
        media_type="image/png",
        headers={"Cache-Control": "private, no-store", "X-Page-Count": str(pages)},
    )
