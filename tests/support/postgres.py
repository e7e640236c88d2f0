"""A throwaway PostgreSQL cluster (Debian's postgresql package) for tests and benchmarks.

``initdb`` refuses to run as root, so as root the cluster runs as the ``postgres`` user.
The cluster can be stopped and started again on its data, for the outage fault test.
"""

import os
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path

from temporal_dev import free_port

BIN = Path("/usr/lib/postgresql/15/bin")


def available() -> bool:
    return (BIN / "initdb").exists() or shutil.which("initdb") is not None


def _tool(name: str) -> str:
    return str(BIN / name) if (BIN / name).exists() else name


def _as_owner(command: list[str]) -> list[str]:
    return ["runuser", "-u", "postgres", "--", *command] if os.geteuid() == 0 else command


def _run(command: list[str]) -> None:
    subprocess.run(command, check=True, capture_output=True)


@dataclass(frozen=True)
class Cluster:
    directory: Path
    port: int

    @property
    def server_url(self) -> str:
        return f"postgresql+psycopg://postgres@127.0.0.1:{self.port}"

    def url(self, database: str) -> str:
        return f"{self.server_url}/{database}"

    def create_database(self, name: str) -> str:
        _run([_tool("createdb"), "-h", "127.0.0.1", "-p", str(self.port), "-U", "postgres", name])
        return self.url(name)

    def start(self) -> None:
        options = f"-p {self.port} -c listen_addresses=127.0.0.1 -k {self.directory}"
        log = str(self.directory / "log")
        data = str(self.directory / "data")
        _run(_as_owner([_tool("pg_ctl"), "-D", data, "-o", options, "-l", log, "-w", "start"]))

    def stop(self) -> None:
        data = str(self.directory / "data")
        _run(_as_owner([_tool("pg_ctl"), "-D", data, "-m", "fast", "-w", "stop"]))


@contextmanager
def cluster() -> Iterator[Cluster]:
    """A fresh cluster, running; stopped and removed afterwards."""
    directory = Path(tempfile.mkdtemp(prefix="daiban-pg-"))
    if os.geteuid() == 0:
        shutil.chown(directory, "postgres", "postgres")
    _run(
        _as_owner([_tool("initdb"), "-D", str(directory / "data"), "-A", "trust", "-U", "postgres"])
    )
    running = Cluster(directory, free_port())
    running.start()
    try:
        yield running
    finally:
        with suppress(subprocess.CalledProcessError):  # a test left it stopped
            running.stop()
        shutil.rmtree(directory, ignore_errors=True)


@contextmanager
def postgres_cluster() -> Iterator[str]:
    """The URL of an empty database ``daiban`` on a fresh cluster (the benchmarks' use)."""
    with cluster() as running:
        yield running.create_database("daiban")
