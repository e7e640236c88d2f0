"""Human action latency against the engine's floor, on the embedded dev server.

Every matter action kind (受理, 补正, 补正材料, 办结) through the API (uvicorn + FastAPI) in
the bench's process, through the API in a process of its own (``python -m api.main``, as
deployed), and through the Temporal client, at 1 and 10 concurrent actors, beside the
floor measured in the same run: a trivial update that runs one local activity
(``bench.baseline.FloorAction``).
Goal (issue 22): p50 at most 2x the floor and p99 at most 100 ms at 10 actors.
It also reports the CPU the API's own process spends per action, kind by kind: on 2 cores
shared by the server, the worker, the API and the load, every millisecond of it is time
the others wait at 10 actors, and it varies less than the latencies from run to run.

    .venv/bin/python -m bench.action_latency [--actions 40] [--database sqlite|postgres]

Prints the figures and writes bench/results/action_latency.md (or action_latency_postgres.md,
the ledger on a throwaway PostgreSQL cluster).
"""

import argparse
import asyncio
import itertools
import statistics
import tempfile
import time
from collections.abc import Awaitable, Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path

import httpx
import uvicorn
from sqlalchemy import Engine
from sqlmodel import Session, func, select
from temporalio.client import Client
from temporalio.worker import Worker

from activities.ledger import LedgerActivities
from api.app import create_app
from bench.baseline import FloorAction, FloorExtras, floor_step
from bench.machine import publish
from bench.postgres import postgres_cluster
from bench.processes import api_process, cpu_seconds, environment
from bench.standard_case import AGENT, APPLICATION, case_input, department_of
from domain.actions import (
    AcceptMatter,
    ApproveMatter,
    CasePlan,
    InitialReview,
    RequestCorrection,
    Resubmission,
)
from logs import configure_logging
from settings import Settings
from store.db import create_schema, make_engine
from store.tables import MatterRow
from temporal_dev import connect_when_up, dev_server, free_port
from temporal_runner import workflow_runner
from temporal_worker import build_worker
from tests.support.identities import coordinator, department, provision, signed
from workflows.case import CaseWorkflow

TASK_QUEUE = "bench-latency"
FLOOR_QUEUE = "bench-latency-floor"
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


KINDS = ["受理", "补正", "补正材料", "办结"]  # in the order a matter takes them
API, CLIENT, FLOOR = "API (FastAPI + uvicorn)", "Temporal client", "floor (client)"
# The in-process API shares its event loop and GIL with the worker; this one does not.
API_APART = "API, own process"
Act = Callable[[str, str], Awaitable[None]]


def api_actions(http: httpx.AsyncClient) -> dict[str, Act]:
    async def post(path: str, body: dict, headers: dict) -> None:
        response = await http.post(path, json=body, headers=headers)
        assert response.status_code == 200, response.text

    def task(verb: str, body: dict) -> Act:
        async def act(case_id: str, matter: str) -> None:
            code = department_of(matter).department
            path = f"/departments/{code}/tasks/{case_id}/{matter}/{verb}"
            await post(path, body, department(code))

        return act

    async def resubmit(case_id: str, matter: str) -> None:
        path = f"/cases/{case_id}/matters/{matter}/resubmission"
        await post(path, {"materials": ["申请书（修正）"]}, coordinator())

    return {
        "受理": task("acceptance", {}),
        "补正": task("correction-request", {"items": ["申请书"]}),
        "补正材料": resubmit,
        "办结": task("approval", {"result_reference": "博〔2026〕1号"}),
    }


def client_actions(client: Client) -> dict[str, Act]:
    def update(name: str, action: Callable[[str], object]) -> Act:
        async def act(case_id: str, matter: str) -> None:
            handle = client.get_workflow_handle(f"{case_id}/{matter}")
            await handle.execute_update(name, action(matter))

        return act

    return {
        "受理": update("accept", lambda m: AcceptMatter(actor=department_of(m))),
        "补正": update(
            "request_correction",
            lambda m: RequestCorrection(actor=department_of(m), items=["申请书"]),
        ),
        "补正材料": update(
            "resubmit", lambda m: Resubmission(actor=AGENT, materials=["申请书（修正）"])
        ),
        "办结": update(
            "approve",
            lambda m: ApproveMatter(actor=department_of(m), result_reference="博〔2026〕1号"),
        ),
    }


FLOOR_SHAPE = "trivial update + 1 local activity"
FLOOR_SHAPES = {
    FLOOR_SHAPE: FloorExtras(),
    "floor + signal to another workflow, not awaited": FloorExtras(tell="the sink"),
    "floor + first use of 3 patches": FloorExtras(patches=3),
}


async def floor_targets(client: Client, count: int) -> list[tuple[str, str]]:
    """Fresh workflows, each paired with a sink to signal (as a matter with its case)."""

    async def start() -> str:
        handle = await client.start_workflow(
            FloorAction.run, id=f"floor-{next(_ids)}", task_queue=FLOOR_QUEUE
        )
        return handle.id

    return [(await start(), await start()) for _ in range(count)]


@contextmanager
def ledger_database(kind: str, tmp: str) -> Iterator[str]:
    """The ledger's database: SQLite in the run's directory, or a throwaway PostgreSQL."""
    if kind == "sqlite":
        yield f"sqlite:///{tmp}/daiban.db"
        return
    with postgres_cluster() as url:
        yield url


async def main(actions: int, database: str = "sqlite") -> list[str]:
    configure_logging("json", "WARNING")
    rows = []
    api_cpu: dict[tuple[int, str], float] = {}  # the API's own process, ms per action
    with (
        tempfile.TemporaryDirectory() as tmp,
        dev_server(Path(tmp) / "temporal.db") as address,
        ledger_database(database, tmp) as database_url,
    ):
        client = await connect_when_up(address)
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
        with (
            ThreadPoolExecutor(16) as executor,
            api_process(
                environment(address, TASK_QUEUE, database_url, Path(tmp)), Path(tmp) / "api.log"
            ) as (apart, apart_process),
        ):
            worker = build_worker(client, TASK_QUEUE, LedgerActivities(engine), executor)
            floor_worker = Worker(
                client,
                task_queue=FLOOR_QUEUE,
                workflows=[FloorAction],
                activities=[floor_step],
                workflow_runner=workflow_runner(client.data_converter),  # as the real worker's
            )
            async with (
                worker,
                floor_worker,
                httpx.AsyncClient(
                    base_url=f"http://127.0.0.1:{port}", limits=limits, timeout=60
                ) as http,
                httpx.AsyncClient(base_url=apart, limits=limits, timeout=60) as http_apart,
            ):
                while not server.started:
                    await asyncio.sleep(0.05)

                def floor(extras: FloorExtras) -> Act:
                    async def act(workflow_id: str, sink: str) -> None:
                        handle = client.get_workflow_handle(workflow_id)
                        told = extras.model_copy(update={"tell": sink}) if extras.tell else extras
                        await handle.execute_update(FloorAction.act, told)

                    return act

                async def floors(actors: int, count: int) -> None:
                    for shape, extras in FLOOR_SHAPES.items():
                        targets = await floor_targets(client, count)
                        values = await latencies(floor(extras), targets, actors)
                        rows.append(_row(actors, FLOOR, shape, values))

                paths = {
                    API: api_actions(http),
                    API_APART: api_actions(http_apart),
                    CLIENT: client_actions(client),
                }
                for actors in (1, 10):
                    count = max(actions, 4 * actors)
                    # The floor first and last, the paths between, taking turns kind by kind
                    # with the first path rotating: the machine drifts within a run (a
                    # path timed last came out slowest whichever it was).
                    await floors(actors, count)
                    targets = {
                        path: (await open_cases(client, engine, (count + 1) // 2))[:count]
                        for path in paths
                    }
                    timed: dict[tuple[str, str], tuple] = {}
                    order = list(paths) if actors == 1 else list(reversed(paths))
                    for turn, kind in enumerate(KINDS):
                        first = turn % len(order)
                        for path in order[first:] + order[:first]:
                            before = cpu_seconds(apart_process)
                            values = await latencies(paths[path][kind], targets[path], actors)
                            timed[path, kind] = _row(actors, path, kind, values)
                            if path == API_APART:
                                used = cpu_seconds(apart_process) - before
                                api_cpu[actors, kind] = _cpu_row(actors, kind, used, len(values))
                    rows.extend(timed[path, kind] for path in paths for kind in KINDS)
                    await floors(actors, count)
        server.should_exit = True
        await serving
    return _report(rows, api_cpu)


def _row(actors: int, path: str, kind: str, values: list[float]) -> tuple:
    p50, p99 = 1000 * statistics.median(values), 1000 * percentile(values, 0.99)
    print(f"{actors:>2} actors {path} {kind}: p50 {p50:.1f} ms, p99 {p99:.1f} ms", flush=True)
    return (actors, path, kind, len(values), p50, p99)


def _cpu_row(actors: int, kind: str, seconds: float, actions: int) -> float:
    per_action = 1000 * seconds / actions
    print(f"{actors:>2} actors API CPU {kind}: {per_action:.2f} ms", flush=True)
    return per_action


def _report(rows: list[tuple], api_cpu: dict[tuple[int, str], float]) -> list[str]:
    floors = {
        actors: statistics.median(
            r[4] for r in rows if r[0] == actors and r[1] == FLOOR and r[2] == FLOOR_SHAPE
        )
        for actors in {r[0] for r in rows}
    }
    lines = [
        "# Human action latency against the engine's floor",
        "",
        "Each matter action kind through the API and through the Temporal client, beside the",
        "floor measured in the same run (a trivial update that runs one local activity, before",
        "and after the paths; the ratio divides by the median of the two), and the floor with",
        "each part a matter action adds to it. Fresh handed-over",
        "matters, each taking 受理 → 补正 → 补正材料 → 办结.",
        "Goal at 10 actors: p50 ≤ 2× the floor, p99 ≤ 100 ms.",
        "",
        "| actors | path | action | actions | p50 ms | p99 ms | p50 / floor |",
        "|---|---|---|---|---|---|---|",
        *(
            f"| {r[0]} | {r[1]} | {r[2]} | {r[3]} | {r[4]:.1f} | {r[5]:.1f} "
            f"| {r[4] / floors[r[0]]:.2f}x |"
            for r in rows
        ),
        "",
    ]
    for actors in sorted(floors):
        actions_rows = [r for r in rows if r[0] == actors and r[1] != FLOOR]
        worst = max(actions_rows, key=lambda r: r[4])
        slowest = max(actions_rows, key=lambda r: r[5])
        lines.append(
            f"- {actors} actors: floor p50 {floors[actors]:.1f} ms; worst p50 "
            f"{worst[4]:.1f} ms ({worst[1]}, {worst[2]}, {worst[4] / floors[actors]:.2f}x); "
            f"worst p99 {slowest[5]:.1f} ms ({slowest[1]}, {slowest[2]})."
        )
    lines += [
        "",
        f"CPU of the API's own process ({API_APART}) per action, ms (from /proc, to 10 ms",
        "a kind's run, so about ±0.25 ms for 40 actions):",
        "",
        "| actors | " + " | ".join(KINDS) + " |",
        "|---|" + "---|" * len(KINDS),
        *(
            f"| {actors} | " + " | ".join(f"{api_cpu[actors, kind]:.2f}" for kind in KINDS) + " |"
            for actors in sorted({a for a, _ in api_cpu})
        ),
    ]
    return [*lines, ""]


if __name__ == "__main__":
    parser = argparse.ArgumentParser(prog="python -m bench.action_latency")
    parser.add_argument("--actions", type=int, default=40, help="per actor count and path")
    parser.add_argument(
        "--database",
        choices=["sqlite", "postgres"],
        default="sqlite",
        help="the ledger's; postgres writes bench/results/action_latency_postgres.md",
    )
    args = parser.parse_args()
    report = asyncio.run(main(args.actions, args.database))
    if args.database == "postgres":
        report[0] += " (ledger on PostgreSQL)"
    publish("action_latency" if args.database == "sqlite" else "action_latency_postgres", report)
