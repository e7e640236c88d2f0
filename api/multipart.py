"""A multipart/form-data upload read as it streams in: small text fields kept, the one
file part written straight to a staging file (documents/staging.py).

Starlette's own form parser spools a whole file before the route sees it, and past the
size limit; this one hashes and counts each chunk as it arrives and stops at the limit,
so the API's memory stays flat whatever the size and nothing over it is kept.
"""

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from fastapi import Request
from python_multipart.multipart import MultipartParser, parse_options_header
from starlette.requests import ClientDisconnect

from documents.staging import StagedFile, TooLarge, display_name
from domain.errors import InvalidInput

if TYPE_CHECKING:
    from python_multipart.multipart import MultipartCallbacks

MAX_FIELD_BYTES = 2000
MAX_FIELDS = 10


class Incomplete(Exception):
    """The body ended (or the client went away) before the upload was whole."""


@dataclass
class Upload:
    fields: dict[str, str] = field(default_factory=dict)
    file: StagedFile | None = None
    filename: str = ""
    sha256: str = ""

    def discard(self) -> None:
        if self.file is not None:
            self.file.discard()


class _Reader:
    """The parser's callbacks, and what they have gathered so far."""

    def __init__(self, staging: Path, limit: int, file_field: str) -> None:
        self.staging, self.limit, self.file_field = staging, limit, file_field
        self.upload = Upload()
        self.ended = False
        self._begin()

    def _begin(self) -> None:
        self.headers: dict[bytes, bytes] = {}
        self.header = b""
        self.name = ""
        self.value = bytearray()
        self.is_file = False

    def callbacks(self) -> "MultipartCallbacks":
        return {
            "on_part_begin": self._begin,
            "on_header_field": self.header_field,
            "on_header_value": self.header_value,
            "on_header_end": self.header_end,
            "on_headers_finished": self.headers_finished,
            "on_part_data": self.part_data,
            "on_part_end": self.part_end,
            "on_end": self.end,
        }

    def header_field(self, data: bytes, start: int, end: int) -> None:
        self.header += data[start:end]

    def header_value(self, data: bytes, start: int, end: int) -> None:
        name = self.header.lower()
        self.headers[name] = self.headers.get(name, b"") + data[start:end]

    def header_end(self) -> None:
        self.header = b""

    def headers_finished(self) -> None:
        _, disposition = parse_options_header(self.headers.get(b"content-disposition", b""))
        self.name = disposition.get(b"name", b"").decode("utf-8", "replace")
        upload = self.upload
        if b"filename" in disposition:
            if self.name != self.file_field or upload.file is not None:
                raise InvalidInput(
                    self.name or "file", f"只能上传一个文件（表单字段 {self.file_field}）"
                )
            upload.filename = display_name(disposition[b"filename"].decode("utf-8", "replace"))
            upload.file = StagedFile(self.staging, self.limit)
            self.is_file = True
        elif len(upload.fields) >= MAX_FIELDS:
            raise InvalidInput(self.name, "表单字段过多")

    def part_data(self, data: bytes, start: int, end: int) -> None:
        if self.is_file:
            assert self.upload.file is not None
            self.upload.file.write(data[start:end])
            return
        self.value.extend(data[start:end])
        if len(self.value) > MAX_FIELD_BYTES:
            raise InvalidInput(self.name, "表单字段过长")

    def part_end(self) -> None:
        if self.is_file:
            assert self.upload.file is not None
            self.upload.sha256 = self.upload.file.finish()
        else:
            self.upload.fields[self.name] = self.value.decode("utf-8", "replace").strip()

    def end(self) -> None:
        self.ended = True


async def read_upload(request: Request, staging: Path, limit: int, file_field: str) -> Upload:
    """Parse the body; the caller must ``discard`` the upload's file unless it stores it.

    Raises InvalidInput for a body that is not a form with exactly one file, TooLarge over
    ``limit``, and Incomplete when the body stops short."""
    content_type, options = parse_options_header(request.headers.get("content-type", ""))
    boundary = options.get(b"boundary")
    if content_type != b"multipart/form-data" or not boundary:
        raise InvalidInput("body", "请以 multipart/form-data 表单上传文件")
    reader = _Reader(staging, limit, file_field)
    upload = reader.upload
    parser = MultipartParser(boundary, reader.callbacks())
    try:
        async for chunk in request.stream():
            if chunk:
                parser.write(chunk)
        parser.finalize()
    except (TooLarge, InvalidInput):
        upload.discard()
        raise
    except ClientDisconnect as error:
        upload.discard()
        raise Incomplete from error
    except Exception as error:  # the parser's own errors: a malformed body
        upload.discard()
        raise InvalidInput("body", "上传内容格式有误，无法解析") from error
    if not reader.ended or (upload.file is not None and not upload.sha256):
        upload.discard()
        raise Incomplete
    if upload.file is None:
        raise InvalidInput(file_field, "请选择要上传的文件")
    return upload
