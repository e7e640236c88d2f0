"""The project's own processes, started as a deployment starts them (``worker.py``,
``python -m api.main``), for benches that measure them apart from the bench's process."""

import os
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx

from temporal_dev import free_port
from tests.support.identities import TOKEN_SECRET

ROOT = Path(__file__).resolve().parents[1]


def environment(
    address: str, task_queue: str, database_url: str, directory: Path, **more: str
) -> dict[str, str]:
    """What the worker and the API read: this run's server, queue, database and files,
    the tests' signing secret (so `provision`'s tokens sign in), quiet JSON logs. The
    shell's own ``DAIBAN_`` variables are left out, so a developer's settings do not
    leak into a run."""
    return {
        **{k: v for k, v in os.environ.items() if not k.startswith("DAIBAN_")},
        "DAIBAN_TEMPORAL_ADDRESS": address,
        "DAIBAN_TASK_QUEUE": task_queue,
        "DAIBAN_DATABASE_URL": database_url,
        "DAIBAN_TOKEN_SECRET": TOKEN_SECRET,
        "DAIBAN_DOCUMENTS_DIR": str(directory / "documents"),
        "DAIBAN_WHAT_IF_DIR": str(directory / "what-if"),
        "DAIBAN_LOG_LEVEL": "WARNING",
        "DAIBAN_LOG_FORMAT": "json",
        **more,
    }


def spawn(command: list[str], environment: dict[str, str], log: Path) -> subprocess.Popen:
    with log.open("ab") as output:
        return subprocess.Popen(command, cwd=ROOT, env=environment, stdout=output, stderr=output)


def wait_ready(url: str, process: subprocess.Popen | None = None) -> None:
    """Until the API at ``url`` answers /ready (its database and Temporal reachable)."""
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"{url}/ready", timeout=5).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        if process is not None and process.poll() is not None:
            break
        time.sleep(0.3)
    raise RuntimeError(f"{url} not ready")


def cpu_seconds(process: subprocess.Popen) -> float:
    """The CPU time (user and system) the process has used so far, from /proc: to the
    kernel's tick (10 ms), so a bench sums it over many actions."""
    fields = Path(f"/proc/{process.pid}/stat").read_text().rsplit(")", 1)[1].split()
    utime, stime = int(fields[11]), int(fields[12])  # the stat's 14th and 15th fields
    return (utime + stime) / os.sysconf("SC_CLK_TCK")


def start_api(environment: dict[str, str], log: Path) -> tuple[str, subprocess.Popen]:
    """``python -m api.main`` on a free port, not waited for: its base URL and the process."""
    port = free_port()
    command = [sys.executable, "-m", "api.main"]
    process = spawn(command, {**environment, "DAIBAN_API_PORT": str(port)}, log)
    return f"http://127.0.0.1:{port}", process


@contextmanager
def api_process(environment: dict[str, str], log: Path) -> Iterator[tuple[str, subprocess.Popen]]:
    """``python -m api.main`` on a free port: its base URL once ready, and the process."""
    url, process = start_api(environment, log)
    try:
        wait_ready(url, process)
        yield url, process
    finally:
        process.terminate()
        process.wait(30)
