"""A real S3-compatible endpoint for the object-storage tests: moto's server mode, in a
process of its own on a free port (HTTP, as a MinIO or a cloud's S3 would be spoken to)."""

import os
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx

from temporal_dev import free_port

CREDENTIALS = {
    "AWS_ACCESS_KEY_ID": "daiban-test",
    "AWS_SECRET_ACCESS_KEY": "daiban-test-secret",
    "AWS_DEFAULT_REGION": "cn-northwest-1",
}


@contextmanager
def s3_server() -> Iterator[str]:
    """The endpoint's URL while the server runs."""
    port = free_port()
    server = Path(sys.executable).parent / "moto_server"
    process = subprocess.Popen(
        [str(server), "-H", "127.0.0.1", "-p", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env={**os.environ, **CREDENTIALS},
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                httpx.get(url, timeout=1)
                break
            except httpx.TransportError:
                if time.monotonic() > deadline or process.poll() is not None:
                    raise RuntimeError("moto_server did not start") from None
                time.sleep(0.1)
        yield url
    finally:
        process.terminate()
        process.wait(timeout=10)
