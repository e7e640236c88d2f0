"""A test that hangs ends its pytest process, saying where it hung, instead of the whole CI.

CI once stopped at 84% and waited out its 90 minutes: one test never returned and nothing
said which. pytest-timeout (``timeout`` in pyproject.toml) bounds every test's setup, call
and teardown; this replaces its report with one an asyncio suite can read. Its own dumps
the threads, where a hung coroutine shows only as the event loop in ``select``, and writes
them to the worker's captured output, which xdist drops when the worker exits. This writes
to the process's stderr, which xdist and CI keep: the test's id, every thread's stack and
every task's await chain. xdist then reports the worker as crashed in that test, runs the
rest on a new one, and the run fails in minutes.
"""

import asyncio
import faulthandler
import os
import sys
import threading
from collections.abc import AsyncIterator, Callable

import pytest

_loops: list[asyncio.AbstractEventLoop] = []


def watch_loop(loop: asyncio.AbstractEventLoop) -> None:
    """Name the loop the tests run on, so a timeout can list its tasks."""
    if loop not in _loops:
        _loops.append(loop)


@pytest.fixture(scope="session", autouse=True)
async def watched_loop() -> AsyncIterator[None]:
    """The session's event loop, named to the watchdog so a hung test's tasks are listed
    (a conftest registers it, and the hook, by importing both)."""
    watch_loop(asyncio.get_running_loop())
    yield


def _await_chain(awaitable: object) -> list[str]:
    """Where a task waits, outermost first: its coroutine, the one that awaits, and so on
    (``Task.print_stack`` shows only the outermost frame)."""
    lines = []
    while awaitable is not None and len(lines) < 100:
        frame = getattr(awaitable, "cr_frame", None) or getattr(awaitable, "gi_frame", None)
        if frame is not None:
            lines.append(f"{frame.f_code.co_filename}:{frame.f_lineno} in {frame.f_code.co_name}")
        nested = getattr(awaitable, "cr_await", None) or getattr(awaitable, "gi_yieldfrom", None)
        if nested is None and frame is None:
            lines.append(repr(awaitable))
        awaitable = nested
    return lines


def _report(nodeid: str, seconds: float) -> None:
    err = sys.__stderr__
    assert err is not None
    print(f"\n+++ {nodeid} did not finish within {seconds:.0f} s: stacks follow +++", file=err)
    err.flush()
    faulthandler.dump_traceback(file=err, all_threads=True)
    for loop in _loops:
        try:
            tasks = asyncio.all_tasks(loop)
        except RuntimeError as error:  # read from another thread; a report, not a proof
            print(f"(the loop's tasks could not be listed: {error})", file=err)
            continue
        for task in tasks:
            print(f"--- task {task.get_name()}: {task!r}", file=err)
            for line in _await_chain(task.get_coro()):
                print(f"    {line}", file=err)
    print(f"+++ end of {nodeid} +++", file=err)
    err.flush()


def _expire(item: pytest.Item, seconds: float) -> None:
    try:
        # pytest captures at the file descriptors: give stderr back before writing to it.
        capture = item.config.pluginmanager.getplugin("capturemanager")
        if capture is not None:
            capture.suspend_global_capture(in_=True)
            _, captured = capture.read_global_capture()
            if captured:
                print(f"--- the test's last stderr ---\n{captured[-20_000:]}", file=sys.__stderr__)
        _report(item.nodeid, seconds)
    finally:
        os._exit(1)


@pytest.hookimpl(tryfirst=True, optionalhook=True)
def pytest_timeout_set_timer(item: pytest.Item, settings) -> bool:
    """Start the test's timer (pytest-timeout calls this; True means handled here)."""
    timer = threading.Timer(settings.timeout, _expire, (item, settings.timeout))
    timer.name = f"watchdog {item.nodeid}"
    timer.daemon = True

    def cancel() -> None:
        timer.cancel()
        timer.join()

    cancel_timeout: Callable[[], None] = cancel
    item.cancel_timeout = cancel_timeout  # type: ignore[attr-defined]  # pytest-timeout's
    timer.start()
    return True
