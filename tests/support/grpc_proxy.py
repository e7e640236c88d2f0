"""A secured Temporal here: Debian's nginx ending TLS in front of the dev server (``grpc_pass``).

No Temporal cluster runs on this machine, but what a secured one asks of a client (a server
certificate from a private CA, a client certificate it requires, an API key as a bearer
token, a gateway's header) is what this proxy asks.
"""

import shutil
import socket
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from temporal_dev import free_port

NGINX = "/usr/sbin/nginx"

_CONFIG = """
daemon off;
worker_processes 1;
pid {run}/nginx.pid;
error_log {run}/error.log warn;
events {{ worker_connections 512; }}
http {{
    access_log off;
    client_body_temp_path {run}/body;
    proxy_temp_path {run}/proxy;
    fastcgi_temp_path {run}/fastcgi;
    uwsgi_temp_path {run}/uwsgi;
    scgi_temp_path {run}/scgi;
    server {{
        listen 127.0.0.1:{port} ssl http2;
        ssl_certificate {server_cert};
        ssl_certificate_key {server_key};
        ssl_protocols TLSv1.2 TLSv1.3;
        {client_auth}
        # A worker's long polls last up to 70 s; the proxy must not end them first.
        grpc_read_timeout 300s;
        grpc_send_timeout 300s;
        client_max_body_size 0;
        location / {{
            {required_headers}
            grpc_pass grpc://{upstream};
        }}
        # A refused call answered as gRPC does (a trailers-only response), as Temporal
        # Cloud answers a bad API key, not with nginx's HTML page.
        error_page 401 = /grpc-unauthenticated;
        error_page 403 = /grpc-permission-denied;
        location = /grpc-unauthenticated {{
            internal;
            default_type application/grpc;
            add_header grpc-status 16 always;
            add_header grpc-message "Request unauthorized." always;
            return 204;
        }}
        location = /grpc-permission-denied {{
            internal;
            default_type application/grpc;
            add_header grpc-status 7 always;
            add_header grpc-message "Request denied: header missing." always;
            return 204;
        }}
    }}
}}
"""


def nginx_installed() -> bool:
    return Path(NGINX).exists() or shutil.which("nginx") is not None


@contextmanager
def tls_proxy(
    upstream: str,
    run: Path,
    server_cert: Path,
    server_key: Path,
    client_ca: Path | None,
    required_headers: dict[str, tuple[str, int]] | None = None,
) -> Iterator[str]:
    """Serve ``upstream`` (host:port) over TLS; with ``client_ca``, require a client
    certificate it signed; each of ``required_headers`` (name: (value, the HTTP status
    answered without it)) must come with every call, as Temporal Cloud asks for its API key
    (``authorization: Bearer …``, else 401: gRPC's UNAUTHENTICATED) and a gateway for its
    routing header (403: PERMISSION_DENIED). Yields the proxy's address."""
    run.mkdir(parents=True, exist_ok=True)
    port = free_port()
    client_auth = (
        f"ssl_client_certificate {client_ca};\n        ssl_verify_client on;" if client_ca else ""
    )
    checks = "\n            ".join(
        f'if ($http_{name.replace("-", "_")} != "{value}") {{ return {status}; }}'
        for name, (value, status) in (required_headers or {}).items()
    )
    config = run / "nginx.conf"
    config.write_text(
        _CONFIG.format(
            run=run,
            port=port,
            server_cert=server_cert,
            server_key=server_key,
            client_auth=client_auth,
            required_headers=checks,
            upstream=upstream,
        )
    )
    nginx = NGINX if Path(NGINX).exists() else shutil.which("nginx") or "nginx"
    # -e: nginx 1.22 opens its default error log before reading the config's.
    process = subprocess.Popen(
        [nginx, "-c", str(config), "-p", str(run), "-e", str(run / "error.log")],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        _wait_listening(process, port, run / "error.log")
        yield f"127.0.0.1:{port}"
    finally:
        process.terminate()
        process.wait(10)


def _wait_listening(process: subprocess.Popen[bytes], port: int, log: Path) -> None:
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        if process.poll() is not None:
            errors = process.stderr.read().decode() if process.stderr else ""
            raise RuntimeError(f"nginx exited: {errors}{log.read_text() if log.exists() else ''}")
        with socket.socket() as probe:
            if probe.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.05)
    raise RuntimeError(f"nginx did not listen on {port}")
