"""Human action latency: a department's acceptance through the API (uvicorn + FastAPI)
against the same workflow update sent directly with the Temporal client, under 1, 10 and
50 concurrent actors, on the embedded dev server.

    .venv/bin/python -m bench.action_latency [--actions 40]

Prints the figures and writes bench/results/action_latency.md.
"""

import argparse
import asyncio
import itertools
import statistics
import tempfile
import time
from collections.abc import Awaitable, Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import uvicorn
from sqlalchemy import Engine
from sqlmodel import Session, func, select
from temporalio.client import Client

from activities.ledger import LedgerActivities
from api.app import create_app
from bench.machine import publish
from bench.standard_case import AGENT, APPLICATION, case_input, department_of
from domain.actions import AcceptMatter, CasePlan, InitialReview
from logs import configure_logging
from settings import Settings
from store.db import create_schema, make_engine
from store.tables import MatterRow
from temporal_dev import connect_when_up, dev_server, free_port
from temporal_worker import build_worker
from tests.support.identities import department, provision, signed
from workflows.case import CaseWorkflow
from workflows.matter import MatterWorkflow

TASK_QUEUE = "bench-latency"
ACCEPTED_FIRST = ["enterprise-registration", "land-preexamination"]  # no dependency
_ids = itertools.count(1)


async def open_cases(client: Client, engine: Engine, count: int) -> list[tuple[str, str]]:
    """Cases in processing, their two independent matters handed over: 2 targets each."""
    agent = {"id": "wang.wu", "name": "王五", "phone": "13900000000"}
    plan = CasePlan.model_validate(
        {
            "agent": agent,
            "actor": AGENT,
            "matters": [
                {
                    "matter": code,
                    "materials": ["申请书"],
                    "planned_start": "2026-12-01",
                    "planned_finish": "2026-12-31",
                }
                for code in APPLICATION.matters
            ],
        }
    )

    async def one() -> str:
        case_id = f"BZ-2026-{next(_ids):05d}"
        handle = await client.start_workflow(
            CaseWorkflow.run, case_input(case_id), id=case_id, task_queue=TASK_QUEUE
        )
        review = InitialReview(decision="accept", materials_received=["委托书"], actor=AGENT)
        await handle.execute_update(CaseWorkflow.review, review)
        await handle.execute_update(CaseWorkflow.plan, plan)
        return case_id

    gate = asyncio.Semaphore(10)

    async def gated() -> str:
        async with gate:
            return await one()

    case_ids = await asyncio.gather(*(gated() for _ in range(count)))
    expected = count * len(ACCEPTED_FIRST)
    while True:  # hand-overs land asynchronously; the API checks the projection
        with Session(engine) as session:
            ready = session.exec(
                select(func.count())
                .select_from(MatterRow)
                .where(MatterRow.case_id.in_(case_ids), MatterRow.state == "handed_over")
            ).one()
        if ready >= expected:
            return [(case_id, code) for case_id in case_ids for code in ACCEPTED_FIRST]
        await asyncio.sleep(0.2)


async def latencies(
    act: Callable[[str, str], Awaitable[None]], targets: list[tuple[str, str]], actors: int
) -> list[float]:
    queue = list(targets)
    measured: list[float] = []

    async def actor() -> None:
        while queue:
            case_id, matter = queue.pop()
            started = time.perf_counter()
            await act(case_id, matter)
            measured.append(time.perf_counter() - started)

    await asyncio.gather(*(actor() for _ in range(actors)))
    return measured


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


async def main(actions: int) -> list[str]:
    configure_logging("json", "WARNING")
    rows = []
    with tempfile.TemporaryDirectory() as tmp, dev_server(Path(tmp) / "temporal.db") as address:
        client = await connect_when_up(address)
        database_url = f"sqlite:///{tmp}/daiban.db"
        engine = make_engine(database_url)
        create_schema(engine)
        settings = Settings(
            temporal_address=address,
            task_queue=TASK_QUEUE,
            database_url=database_url,
            log_level="WARNING",
        )
        port = free_port()
        provision(engine)
        app = create_app(signed(settings), client=client, engine=engine)
        server = uvicorn.Server(
            uvicorn.Config(app, host="127.0.0.1", port=port, log_config=None, access_log=False)
        )
        serving = asyncio.create_task(server.serve())
        limits = httpx.Limits(max_connections=100)
        with ThreadPoolExecutor(16) as executor:
            worker = build_worker(client, TASK_QUEUE, LedgerActivities(engine), executor)
            async with (
                worker,
                httpx.AsyncClient(
                    base_url=f"http://127.0.0.1:{port}", limits=limits, timeout=60
                ) as http,
            ):
                while not server.started:
                    await asyncio.sleep(0.05)

                async def through_api(case_id: str, matter: str) -> None:
                    clerk = department_of(matter)
                    response = await http.post(
                        f"/departments/{clerk.department}/tasks/{case_id}/{matter}/acceptance",
                        json={},
                        headers=department(clerk.department),
                    )
                    assert response.status_code == 200, response.text

                async def direct(case_id: str, matter: str) -> None:
                    await client.get_workflow_handle(f"{case_id}/{matter}").execute_update(
                        MatterWorkflow.accept, AcceptMatter(actor=department_of(matter))
                    )

                modes = {"API (FastAPI + uvicorn)": through_api, "Temporal client": direct}
                for actors in (1, 10, 50):
                    count = max(actions, 4 * actors)
                    order = list(modes) if actors != 10 else list(reversed(modes))
                    for mode in order:
                        targets = await open_cases(client, engine, (count + 1) // 2)
                        values = await latencies(modes[mode], targets[:count], actors)
                        row = (
                            actors,
                            mode,
                            len(values),
                            1000 * statistics.median(values),
                            1000 * percentile(values, 0.99),
                        )
                        rows.append(row)
                        print(
                            f"{actors:>2} actors {mode}: p50 {row[3]:.0f} ms, p99 {row[4]:.0f} ms"
                        )
        server.should_exit = True
        await serving
    return _report(rows)


def _ratio(by_key: dict, actors: int) -> float:
    api, client = by_key[(actors, "API (FastAPI + uvicorn)")], by_key[(actors, "Temporal client")]
    return api[3] / client[3]


def _report(rows: list[tuple]) -> list[str]:
    by_key = {(r[0], r[1]): r for r in rows}
    lines = [
        "# Human action latency",
        "",
        "A department's acceptance (clock activity + ledger write) through the API, and the",
        "same update sent directly with the Temporal client. Fresh handed-over matters each.",
        "",
        "| actors | path | actions | p50 ms | p99 ms |",
        "|---|---|---|---|---|",
        *(f"| {r[0]} | {r[1]} | {r[2]} | {r[3]:.0f} | {r[4]:.0f} |" for r in rows),
        "",
        "API / client p50 ratio: "
        + ", ".join(f"{actors} actors {_ratio(by_key, actors):.2f}x" for actors in (1, 10, 50)),
        "",
    ]
    return lines


if __name__ == "__main__":
    parser = argparse.ArgumentParser(prog="python -m bench.action_latency")
    parser.add_argument("--actions", type=int, default=40, help="per actor count and path")
    args = parser.parse_args()
    report = asyncio.run(main(args.actions))
    publish("action_latency", report)
