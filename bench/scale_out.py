"""Scale-out: 50 concurrent cases to the archive through two worker processes and two API
processes on one Temporal and one PostgreSQL, against one worker and one API, in one run.

The processes are the real ones (`python worker.py`, `python -m api.main`), started with
the settings a deployment gives them; the driver sends each case to one API (case i to API
i mod n, as a load balancer's connections would). Each configuration runs on a fresh
database and task queue; the two alternate by round. After each round the ledger's chain
is verified and every case's events counted once.

    PATH=$PWD/.venv/bin:$PATH .venv/bin/python -m bench.scale_out [--cases 50] [--rounds 2]

Prints the figures and writes bench/results/scale_out.md.
"""

import argparse
import asyncio
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
from sqlalchemy import text

from bench.action_latency import percentile
from bench.machine import publish
from bench.postgres import postgres_cluster
from bench.processes import environment, spawn, start_api, wait_ready
from store import chain
from store.db import create_schema, make_engine
from temporal_dev import connect_when_up, dev_server
from tests.support.driver import MATTERS, CaseDriver
from tests.support.identities import ops, provision

SLOW = 600  # seconds a step may wait under load before the round is called failed


class TimedTransport(httpx.AsyncHTTPTransport):
    """Records how long each action (every POST) took, the reads that poll excluded."""

    def __init__(self, actions: list[float]) -> None:
        super().__init__()
        self.actions = actions

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        started = time.perf_counter()
        response = await super().handle_async_request(request)
        if request.method == "POST":
            await response.aread()
            self.actions.append(time.perf_counter() - started)
        return response


@contextmanager
def processes(count: int, variables: dict[str, str], logs: Path) -> Iterator[list[str]]:
    """``count`` workers and ``count`` APIs; yields the APIs' base URLs once they answer."""
    started: list[subprocess.Popen] = []
    urls = []
    try:
        for n in range(count):
            started.append(spawn([sys.executable, "worker.py"], variables, logs / f"w{n}.log"))
            url, api = start_api(variables, logs / f"a{n}.log")
            started.append(api)
            urls.append(url)
        for url in urls:
            wait_ready(url)
        yield urls
    finally:
        for process in started:
            process.terminate()
        for process in started:
            process.wait(30)


async def run_case(driver: CaseDriver) -> None:
    case_id = await driver.open()
    await driver.accept(case_id)
    await driver.plan(case_id)
    for matter in MATTERS:
        await driver.wait_for_matter(case_id, matter, "handed_over", timeout=SLOW)
        await driver.approve(case_id, matter)
    await driver.wait_for(case_id, lambda s: s["stage"] == "delivery", "delivery", SLOW)
    await driver.deliver_and_evaluate(case_id)
    await driver.wait_for(case_id, lambda s: s.get("feedback_report"), "report", SLOW)
    await driver.file_feedback_report(case_id)
    await driver.wait_for(case_id, lambda s: s["stage"] == "archived", "archived", SLOW)


async def one_round(count: int, cases: int, address: str, database_url: str, logs: Path) -> dict:
    engine = make_engine(database_url)
    create_schema(engine)  # the migrator's step, before the processes start
    provision(engine)
    queue = f"scale-{count}-{time.monotonic_ns()}"
    settings = environment(
        address, queue, database_url, logs, DAIBAN_WORKER_STICKY_TIMEOUT_SECONDS="5"
    )
    actions: list[float] = []
    with processes(count, settings, logs) as urls:
        clients = [
            httpx.AsyncClient(
                base_url=url, transport=TimedTransport(actions), timeout=120, headers=ops()
            )
            for url in urls
        ]
        started = time.perf_counter()
        await asyncio.gather(*(run_case(CaseDriver(clients[i % count])) for i in range(cases)))
        wall = time.perf_counter() - started
        for client in clients:
            await client.aclose()
    verified = chain.verify(engine)
    with engine.connect() as connection:
        archived = connection.execute(
            text("select count(*) from case_projection where stage = 'archived'")
        ).scalar_one()
        repeated = connection.execute(
            text(
                "select count(*) from (select key from ledger_entry group by key"
                " having count(*) > 1) as twice"
            )
        ).scalar_one()
    engine.dispose()
    assert verified.ok and archived == cases and repeated == 0, (verified, archived, repeated)
    return {"wall": wall, "actions": actions}


async def main(cases: int, rounds: int) -> list[str]:
    results: dict[int, list[dict]] = {1: [], 2: []}
    with tempfile.TemporaryDirectory() as tmp, dev_server(Path(tmp) / "temporal.db") as address:
        await connect_when_up(address)
        with postgres_cluster() as first_url:
            server_url = first_url.rsplit("/", 1)[0]
            number = 0
            for round_number in range(rounds):
                for count in (1, 2) if round_number % 2 == 0 else (2, 1):
                    number += 1
                    database = f"daiban_{number}"
                    _create_database(first_url, database)
                    logs = Path(tmp) / f"round{number}"
                    logs.mkdir()
                    outcome = await one_round(
                        count, cases, address, f"{server_url}/{database}", logs
                    )
                    results[count].append(outcome)
                    print(f"{count} worker(s)+API(s): {outcome['wall']:.1f} s", flush=True)
    return _report(results, cases, rounds)


def _create_database(url: str, name: str) -> None:
    engine = make_engine(url)
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    engine.dispose()


def _report(results: dict[int, list[dict]], cases: int, rounds: int) -> list[str]:
    rows = {}
    for count, outcomes in results.items():
        walls = [o["wall"] for o in outcomes]
        actions = [a for o in outcomes for a in o["actions"]]
        rows[count] = (
            cases / statistics.median(walls),
            1000 * statistics.median(actions),
            1000 * percentile(actions, 0.99),
        )
    one, two = rows[1], rows[2]
    return [
        "# Scale-out: two workers and two APIs against one of each",
        "",
        f"{cases} concurrent cases (3 matters each) to the archive per round, {rounds} rounds "
        "per configuration alternated; real worker and API processes on one Temporal dev "
        "server and one PostgreSQL (a throwaway cluster); a fresh database per round. Every "
        "round: the ledger's chain verified, every case archived, no key written twice.",
        "",
        "| processes | cases/s | action p50 ms | action p99 ms |",
        "|---|---|---|---|",
        f"| 1 worker, 1 API | {one[0]:.2f} | {one[1]:.0f} | {one[2]:.0f} |",
        f"| 2 workers, 2 APIs | {two[0]:.2f} | {two[1]:.0f} | {two[2]:.0f} |",
        "| ratio (2 / 1) | " + " | ".join(f"{two[i] / one[i]:.2f}" for i in range(3)) + " |",
        "",
    ]


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--cases", type=int, default=50)
    parser.add_argument("--rounds", type=int, default=2)
    arguments = parser.parse_args()
    publish("scale_out", asyncio.run(main(arguments.cases, arguments.rounds)))
