"""A throwaway PostgreSQL cluster for benchmarks (Debian's postgresql package).

``initdb`` refuses to run as root, so as root the cluster runs as the ``postgres`` user.
"""

import os
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from temporal_dev import free_port

BIN = Path("/usr/lib/postgresql/15/bin")


def available() -> bool:
    return (BIN / "initdb").exists() or shutil.which("initdb") is not None


def _tool(name: str) -> str:
    return str(BIN / name) if (BIN / name).exists() else name


def _as_owner(command: list[str]) -> list[str]:
    return ["runuser", "-u", "postgres", "--", *command] if os.geteuid() == 0 else command


@contextmanager
def postgres_cluster() -> Iterator[str]:
    """Yield a SQLAlchemy URL of an empty database on a fresh cluster; removed afterwards."""
    directory = Path(tempfile.mkdtemp(prefix="daiban-pg-"))
    if os.geteuid() == 0:
        shutil.chown(directory, "postgres", "postgres")
    data, port = directory / "data", free_port()
    run = {"check": True, "capture_output": True}
    subprocess.run(
        _as_owner([_tool("initdb"), "-D", str(data), "-A", "trust", "-U", "postgres"]), **run
    )
    options = f"-p {port} -c listen_addresses=127.0.0.1 -k {directory} -c fsync=on"
    subprocess.run(
        _as_owner(
            [
                _tool("pg_ctl"),
                "-D",
                str(data),
                "-o",
                options,
                "-l",
                str(directory / "log"),
                "-w",
                "start",
            ]
        ),
        **run,
    )
    try:
        subprocess.run(
            [_tool("createdb"), "-h", "127.0.0.1", "-p", str(port), "-U", "postgres", "daiban"],
            **run,
        )
        yield f"postgresql+psycopg://postgres@127.0.0.1:{port}/daiban"
    finally:
        subprocess.run(_as_owner([_tool("pg_ctl"), "-D", str(data), "-m", "fast", "stop"]), **run)
        shutil.rmtree(directory, ignore_errors=True)
