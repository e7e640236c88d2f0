"""A hung test ends its worker within its timeout and names where it hangs; the rest run."""

import subprocess
import sys
from pathlib import Path

PROBE = """
import asyncio

import pytest


@pytest.mark.timeout(2)
async def test_hangs() -> None:
    async def stuck_in_here() -> None:
        await asyncio.Event().wait()

    await stuck_in_here()


def test_runs_after_it() -> None:
    assert True
"""

PROBE_CONFTEST = """
from tests.support.watchdog import pytest_timeout_set_timer, watched_loop

__all__ = ["pytest_timeout_set_timer", "watched_loop"]
"""

ROOT = Path(__file__).resolve().parents[2]


def test_a_hung_test_fails_its_worker_with_the_await_chain_and_the_rest_still_run(
    tmp_path: Path,
) -> None:
    (tmp_path / "test_probe.py").write_text(PROBE)
    (tmp_path / "conftest.py").write_text(PROBE_CONFTEST)
    (tmp_path / "pytest.ini").write_text(
        "[pytest]\nasyncio_mode = auto\nasyncio_default_fixture_loop_scope = session\n"
        "asyncio_default_test_loop_scope = session\n"
    )
    ran = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-n", "1", str(tmp_path)],
        cwd=ROOT,
        env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin", "PYTHONDONTWRITEBYTECODE": "1"},
        capture_output=True,
        text=True,
        timeout=120,  # without the watchdog it would hang here
    )
    assert ran.returncode == 1, ran.stdout + ran.stderr
    assert "crashed while running 'test_probe.py::test_hangs'" in ran.stdout, ran.stdout
    assert "1 failed, 1 passed" in ran.stdout, ran.stdout
    assert "test_probe.py::test_hangs did not finish within 2 s" in ran.stderr, ran.stderr
    assert "test_probe.py:10 in stuck_in_here" in ran.stderr, ran.stderr
