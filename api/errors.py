"""One error body for every failure: ``{"error": {"code", "message", "details"}}``."""

from typing import Any

import structlog
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel
from sqlalchemy.exc import DataError, DBAPIError, InterfaceError, OperationalError
from starlette.exceptions import HTTPException as StarletteHTTPException
from temporalio.service import RPCError, RPCStatusCode

from api.metrics import note_error_code
from api.request_context import answer_headers
from domain.errors import ActionRefused, DomainError, InvalidInput, NotFound, Unavailable

log = structlog.get_logger(__name__)
_RETRY = {"Retry-After": "5"}  # seconds: a 503 here is a moment's unavailability


class ErrorDetail(BaseModel):
    field: str | None = None
    message: str


class Error(BaseModel):
    code: str
    message: str
    details: list[ErrorDetail] = []


class ErrorBody(BaseModel):
    error: Error


class ApiError(Exception):
    def __init__(
        self,
        status: int,
        code: str,
        message: str,
        details: list[ErrorDetail] | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(message)
        self.status, self.code, self.message, self.details = status, code, message, details or []
        self.headers = headers


def unauthenticated(message: str) -> ApiError:
    return ApiError(401, "unauthenticated", message, headers={"WWW-Authenticate": "Bearer"})


def forbidden(message: str) -> ApiError:
    return ApiError(403, "forbidden", message)


# Each domain error's status and code; a subclass takes its nearest listed ancestor's.
DOMAIN_STATUS: dict[type, tuple[int, str]] = {
    NotFound: (404, "not_found"),
    ActionRefused: (409, "action_refused"),
    InvalidInput: (422, "invalid_input"),
    Unavailable: (503, "unavailable"),
}


def domain_status(error: DomainError) -> tuple[int, str]:
    for cls in type(error).__mro__:
        found = DOMAIN_STATUS.get(cls)
        if found is not None:
            return found
    return 409, "action_refused"


ERROR_RESPONSES: dict[int | str, dict[str, Any]] = {
    status: {"model": ErrorBody, "description": description}
    for status, description in (
        (400, "请求内容无法解析"),
        (401, "未登录或登录已失效"),
        (403, "无权进行此操作"),
        (404, "案件或事项不存在"),
        (409, "当前阶段或状态不允许此操作"),
        (413, "请求内容过大"),
        (422, "请求内容不合法"),
        (503, "数据库或流程引擎暂时不可用，可稍后重试"),
    )
}


def _body(
    status: int,
    code: str,
    message: str,
    details: list[ErrorDetail],
    headers: dict[str, str] | None = None,
) -> JSONResponse:
    body = ErrorBody(error=Error(code=code, message=message, details=details))
    return JSONResponse(status_code=status, content=body.model_dump(mode="json"), headers=headers)


def _answer(request: Request, status: int, code: str, *args: Any) -> JSONResponse:
    note_error_code(request, code)
    return _body(status, code, *args)


def _field(location: tuple[Any, ...]) -> str:
    parts = [str(part) for part in location if part not in ("body", "query", "path", "header")]
    return ".".join(parts) or "body"


# Pydantic's own checks speak English; a person filling in a 委托书 reads Chinese. Our
# validators already raise Chinese messages ("Value error, ..."), kept as they are.
_CHINESE = {
    "missing": "必填",
    "string_too_short": "至少{min_length}个字符",
    "string_too_long": "最多{max_length}个字符",
    "too_short": "至少{min_length}项",
    "too_long": "最多{max_length}项",
    "string_pattern_mismatch": "格式不正确",
    "string_type": "须为文字",
    "int_parsing": "须为整数",
    "int_type": "须为整数",
    "decimal_parsing": "须为数字",
    "decimal_type": "须为数字",
    "decimal_max_digits": "数字位数过多（最多{max_digits}位）",
    "decimal_max_places": "小数最多{decimal_places}位",
    "greater_than": "须大于{gt}",
    "greater_than_equal": "须不小于{ge}",
    "less_than": "须小于{lt}",
    "less_than_equal": "须不大于{le}",
    "date_from_datetime_parsing": "日期须写作YYYY-MM-DD",
    "date_parsing": "日期须写作YYYY-MM-DD",
    "date_type": "日期须写作YYYY-MM-DD",
    "bool_parsing": "须为是或否",
    "enum": "须为以下之一：{expected}",
    "literal_error": "须为以下之一：{expected}",
    "extra_forbidden": "不认识的字段",
    "json_invalid": "不是合法的JSON",
    "model_attributes_type": "须为对象",
    "list_type": "须为列表",
}


def _message(error: dict[str, Any]) -> str:
    template = _CHINESE.get(str(error.get("type", "")))
    if template is not None:
        try:
            return template.format(**error.get("ctx", {}))
        except (KeyError, IndexError):
            return template.split("{")[0].rstrip("（：")
    message = str(error.get("msg", ""))
    return message.removeprefix("Value error, ")


def install(app: FastAPI) -> None:
    @app.exception_handler(ApiError)
    async def _api_error(request: Request, error: ApiError) -> JSONResponse:
        return _answer(
            request, error.status, error.code, error.message, error.details, error.headers
        )

    @app.exception_handler(DomainError)
    async def _domain_error(request: Request, error: DomainError) -> JSONResponse:
        status, code = domain_status(error)
        headers = _RETRY if status == 503 else None
        details = (
            [ErrorDetail(field=error.field, message=error.message)]
            if isinstance(error, InvalidInput)
            else []
        )
        return _answer(request, status, code, error.message, details, headers)

    @app.exception_handler(RequestValidationError)
    async def _validation(request: Request, error: RequestValidationError) -> JSONResponse:
        details = [ErrorDetail(field=_field(e["loc"]), message=_message(e)) for e in error.errors()]
        summary = "；".join(f"{d.field}：{d.message}" for d in details[:5])
        return _answer(request, 422, "invalid_input", f"请求内容不合法：{summary}", details)

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, error: StarletteHTTPException) -> JSONResponse:
        if error.status_code == 400:  # FastAPI's only 400: a body that is not JSON at all
            message = "请求内容无法解析：须为UTF-8编码的JSON"
            details = [ErrorDetail(field="body", message=message)]
            return _answer(request, 400, "malformed_body", message, details)
        code, message = {
            404: ("not_found", "没有这个地址"),
            405: ("method_not_allowed", "该地址不支持此请求方法"),
        }.get(error.status_code, ("http_error", str(error.detail)))
        # Kept: a 405's Allow header lists the methods the address does take.
        headers = dict(error.headers) if error.headers else None
        return _answer(request, error.status_code, code, message, [], headers)

    @app.exception_handler(OperationalError)
    @app.exception_handler(InterfaceError)
    async def _database_unavailable(request: Request, error: DBAPIError) -> JSONResponse:
        # Down, locked past the lock timeout, or a session ended by the server: nothing was
        # changed (the transaction rolled back), so the client may simply retry.
        log.warning("database_unavailable", error=str(error.orig)[:200])
        return _answer(
            request, 503, "database_unavailable", "数据库暂时不可用，请稍后重试", [], _RETRY
        )

    @app.exception_handler(DataError)
    async def _out_of_range(request: Request, error: DataError) -> JSONResponse:
        log.info("database_refused_value", error=str(error.orig)[:200])
        message = "请求中的数值超出范围"
        return _answer(request, 422, "invalid_input", message, [ErrorDetail(message=message)])

    @app.exception_handler(Exception)
    async def _unexpected(request: Request, error: Exception) -> JSONResponse:
        # Logged with its traceback by the server; the client gets the one error body and
        # the request id (in the X-Request-ID header) to quote.
        log.error("unexpected_error", error=repr(error)[:300])
        message = "服务内部错误，请将请求编号告知运维人员"
        return _answer(request, 500, "internal_error", message, [], answer_headers(request))

    @app.exception_handler(RPCError)
    async def _temporal(request: Request, error: RPCError) -> JSONResponse:
        # Ops name workflows by id: one that never existed, or whose history Temporal has
        # already dropped after its retention, is not found rather than a server error.
        if error.status is RPCStatusCode.NOT_FOUND:
            return _answer(request, 404, "not_found", "工作流不存在，或其历史已过保留期被清除", [])
        if error.status in (RPCStatusCode.UNAVAILABLE, RPCStatusCode.DEADLINE_EXCEEDED):
            return _answer(
                request, 503, "temporal_unavailable", "流程引擎暂时不可用，请稍后重试", [], _RETRY
            )
        raise error
