"""The one way a process connects to Temporal: address, namespace, security and the converter.

The worker, the API and ops each call `connect` once per process, so they agree on the
data converter that every payload of the case and matter workflows needs, and on how a
secured cluster is reached (TLS, mTLS, an API key, extra gRPC metadata, from `Settings`).
"""

from pathlib import Path

import structlog
from temporalio.client import Client
from temporalio.contrib.pydantic import pydantic_data_converter
from temporalio.runtime import Runtime
from temporalio.service import TLSConfig

from settings import Settings

log = structlog.get_logger(__name__)


class TemporalRefused(RuntimeError):
    """Temporal could not be reached or refused us at start-up; the message says what to check."""


def tls_config(settings: Settings) -> TLSConfig | bool:
    """The TLS the settings ask for: False for plaintext (the embedded dev server)."""
    if not settings.temporal_uses_tls:
        return False
    cert, key = settings.temporal_tls_client_cert_file, settings.temporal_tls_client_key_file
    ca = settings.temporal_tls_server_ca_file
    return TLSConfig(
        server_root_ca_cert=_pem(ca, "DAIBAN_TEMPORAL_TLS_SERVER_CA_FILE") if ca else None,
        domain=settings.temporal_tls_server_name,
        client_cert=_pem(cert, "DAIBAN_TEMPORAL_TLS_CLIENT_CERT_FILE") if cert else None,
        client_private_key=_pem(key, "DAIBAN_TEMPORAL_TLS_CLIENT_KEY_FILE") if key else None,
    )


def _pem(path: Path, setting: str) -> bytes:
    data = path.read_bytes()
    if b"-----BEGIN " not in data:
        raise TemporalRefused(f"{setting}={path} 不是 PEM 文件（应以 -----BEGIN 开头）")
    return data


async def connect(settings: Settings, runtime: Runtime | None = None) -> Client:
    """Connect to the configured Temporal service with the project's data converter.

    The connection is checked now (not at the first call), so a process with a wrong CA,
    certificate or key stops at start-up with `TemporalRefused` saying which setting to fix.
    """
    api_key = settings.temporal_api_key
    try:
        return await Client.connect(
            settings.temporal_address,
            namespace=settings.temporal_namespace,
            data_converter=pydantic_data_converter,
            tls=tls_config(settings),
            api_key=api_key.get_secret_value() if api_key else None,
            rpc_metadata=settings.temporal_grpc_metadata,
            runtime=runtime,
        )
    except TemporalRefused as refused:
        log.error("temporal_refused", temporal=settings.temporal_address, reason=str(refused))
        raise
    except Exception as error:
        reason = explain_refusal(settings, error)
        log.error("temporal_refused", temporal=settings.temporal_address, reason=reason)
        raise TemporalRefused(reason) from error


# What the TLS stack says, and what an operator should check. Matched on the error's text,
# which comes from the SDK's Rust core (rustls, tonic) or from the proxy's HTTP answer; the
# cases were seen through nginx in front of the dev server (tests/ops/test_secure_temporal.py).
_CA = "服务器证书不受信任：DAIBAN_TEMPORAL_TLS_SERVER_CA_FILE 应是签发 Temporal 服务器证书的 CA"
_NAME = "服务器证书与所连名称不符：设置 DAIBAN_TEMPORAL_TLS_SERVER_NAME 为证书上的名称"
_KEY = "客户端私钥与证书不匹配：DAIBAN_TEMPORAL_TLS_CLIENT_KEY_FILE 应是该证书的私钥"
_CERT_REQUIRED = (
    "服务器要求客户端证书（mTLS）：设置 DAIBAN_TEMPORAL_TLS_CLIENT_CERT_FILE 和 _KEY_FILE"
)
_CERT_REFUSED = "服务器拒绝了客户端证书：证书须由服务器信任的 CA 签发且未过期"
_NEEDS_TLS = "服务器断开了明文连接，多半需要 TLS：设置 DAIBAN_TEMPORAL_TLS=true（及其 CA 文件）"
_NOT_TLS = "服务器不说 TLS：检查地址，或去掉 DAIBAN_TEMPORAL_TLS 设置"
_UNAUTHENTICATED = "Temporal 不认此身份：检查 DAIBAN_TEMPORAL_API_KEY（是否设置、是否有效、未过期）"
_DENIED = (
    "Temporal 或其前置网关拒绝了请求：检查 DAIBAN_TEMPORAL_GRPC_METADATA 要求的请求头，"
    "以及 API 密钥或客户端证书对该命名空间的权限"
)
_UNREACHABLE = "连不上 Temporal：检查 DAIBAN_TEMPORAL_ADDRESS 和网络"


def _cause(settings: Settings, text: str) -> str:
    def says(*needles: str) -> bool:
        return any(needle in text for needle in needles)

    has_cert = settings.temporal_tls_client_cert_file is not None
    if says("keymismatch", "inconsistentkeys"):
        return _KEY
    if says("unknownissuer", "badsignature", "certificate verify failed"):
        return _CA
    if says("notvalidforname"):
        return _NAME
    # A TLS 1.3 server's alert, or the 400 nginx answers when ssl_verify_client fails.
    if says("certificaterequired", "certificate required", "400 bad request", "badcertificate"):
        return _CERT_REFUSED if has_cert else _CERT_REQUIRED
    if says("unknownca", "unknown ca", "decrypterror"):
        return _CERT_REFUSED
    # A TLS listener drops a plaintext HTTP/2 preface, one way or another.
    plaintext_dropped = ("frame_size_error", "h2 protocol error", "connection closed", "reset")
    if not settings.temporal_uses_tls and says(*plaintext_dropped):
        return _NEEDS_TLS
    if settings.temporal_uses_tls and says("corruptmessage", "invalidcontenttype", "wrong version"):
        return _NOT_TLS
    # gRPC's own status, or a plain HTTP proxy's answer in its place.
    if says("unauthenticated", "401 unauthorized"):
        return _UNAUTHENTICATED
    if says("permissiondenied", "permission denied", "403 forbidden"):
        return _DENIED
    if says("connection refused", "tcp connect error", "dns error", "timed out", "deadline"):
        return _UNREACHABLE
    return "连接 Temporal 失败"


def explain_refusal(settings: Settings, error: BaseException) -> str:
    """A start-up message naming the likely cause and the setting to check."""
    text = _error_text(error)
    mode = "TLS" if settings.temporal_uses_tls else "明文"
    return f"{_cause(settings, text.lower())}（{settings.temporal_address}，{mode}）：{text}"


def _error_text(error: BaseException) -> str:
    parts, seen = [], set()
    current: BaseException | None = error
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        parts.append(str(current))
        current = current.__cause__ or current.__context__
    return " <- ".join(part for part in parts if part)
