"""Engine overhead: standard cases per second against two baselines in the same run, on
the embedded dev server (SQLite, WAL):

- the engine's floor for the same human actions: as many trivial updates, each running one
  local activity, on one workflow per case (``bench.baseline.FloorAction``): no children,
  signals, timers or domain code, so the ratio is the distance to what Temporal costs;
- a bare copy of the case's shape as it was before issue 22 (the same counted updates,
  activities, children and signals, with regular activities and awaited signals).

Events and workflow tasks per case are counted for each kind.

    .venv/bin/python -m bench.engine_overhead [--cases 30] [--concurrency 10] [--runs 3]

Prints the figures and writes bench/results/engine_overhead.md. Workers and driver share
one process, as they would on the one machine of the embedded default.
"""

import argparse
import asyncio
import itertools
import statistics
import tempfile
import time
from collections import Counter
from collections.abc import Awaitable, Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from temporalio.api.enums.v1 import EventType
from temporalio.client import Client
from temporalio.worker import Worker

from activities.ledger import LedgerActivities
from bench.baseline import (
    BareCase,
    BareMatter,
    FloorAction,
    FloorExtras,
    Shape,
    bare_step,
    floor_step,
)
from bench.machine import publish
from bench.standard_case import MATTERS, run_standard_case, until_accepted
from logs import configure_logging
from store.db import create_schema, make_engine
from temporal_dev import connect_when_up, dev_server
from temporal_runner import workflow_runner
from temporal_worker import build_worker

_ids = itertools.count(1)
STANDARD = "standard case"
FLOOR = "engine floor (same human actions)"
BARE = "bare copy of the pre-issue-22 shape"


async def measure_shape(client: Client, case_id: str) -> Shape:
    async def counts(workflow_id: str) -> Counter:
        return await event_counts(client, workflow_id)

    accepted = EventType.EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_ACCEPTED
    case = await counts(case_id)
    matters = [await counts(f"{case_id}/{code}") for code in MATTERS]
    matter_updates = round(statistics.mean(m[accepted] for m in matters))
    matter_activities = round(statistics.mean(m[ACTIVITIES] for m in matters))
    return Shape(
        case_updates=case[accepted],
        case_run_activities=max(0, case[ACTIVITIES] - case[accepted]),
        matters=len(matters),
        matter_updates=matter_updates,
        matter_run_activities=max(0, matter_activities - matter_updates),
    )


ACTIVITIES = "activities"  # regular ones scheduled and local ones recorded, together


async def event_counts(client: Client, workflow_id: str) -> Counter:
    history = await client.get_workflow_handle(workflow_id).fetch_history()
    found: Counter = Counter(event.event_type for event in history.events)
    found[ACTIVITIES] = found[EventType.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED] + sum(
        1
        for e in history.events
        if e.event_type == EventType.EVENT_TYPE_MARKER_RECORDED
        and e.marker_recorded_event_attributes.marker_name == "core_local_activity"
    )
    found["events"] = len(history.events)
    found["bytes"] = sum(event.ByteSize() for event in history.events)
    return found


async def per_case(client: Client, workflow_ids: list[str]) -> tuple[int, int, float]:
    """(history events, workflow tasks, history KB) of one case's workflows together."""
    total: Counter = Counter()
    for workflow_id in workflow_ids:
        total.update(await event_counts(client, workflow_id))
    tasks = total[EventType.EVENT_TYPE_WORKFLOW_TASK_COMPLETED]
    return total["events"], tasks, total["bytes"] / 1024


def human_actions(shape: Shape) -> int:
    return shape.case_updates + shape.matters * shape.matter_updates


async def run_floor_case(client: Client, task_queue: str, case_id: str, shape: Shape) -> None:
    handle = await client.start_workflow(FloorAction.run, id=case_id, task_queue=task_queue)
    for _ in range(human_actions(shape)):
        await handle.execute_update(FloorAction.act, FloorExtras())
    await handle.terminate("floor measured")


async def run_bare_case(client: Client, task_queue: str, case_id: str, shape: Shape) -> None:
    handle = await client.start_workflow(BareCase.run, shape, id=case_id, task_queue=task_queue)
    for _ in range(2):
        await handle.execute_update(BareCase.step)

    async def matter(n: int) -> None:
        child = client.get_workflow_handle(f"{case_id}/{n}")
        for _ in range(shape.matter_updates):
            await until_accepted(lambda: child.execute_update(BareMatter.step))

    await asyncio.gather(*(matter(n) for n in range(shape.matters)))
    for _ in range(shape.case_updates - 2):
        await handle.execute_update(BareCase.step)
    await handle.result()


async def throughput(
    run_one: Callable[[str], Awaitable[None]], cases: int, concurrency: int
) -> float:
    gate = asyncio.Semaphore(concurrency)

    async def one() -> None:
        async with gate:
            await run_one(f"BZ-2026-{next(_ids):05d}")

    started = time.perf_counter()
    await asyncio.gather(*(one() for _ in range(cases)))
    return cases / (time.perf_counter() - started)


async def main(cases: int, concurrency: int, runs: int) -> list[str]:
    configure_logging("json", "WARNING")
    with tempfile.TemporaryDirectory() as tmp, dev_server(Path(tmp) / "temporal.db") as address:
        client = await connect_when_up(address)
        engine = make_engine(f"sqlite:///{tmp}/daiban.db")
        create_schema(engine)
        with ThreadPoolExecutor(16) as executor:
            real = build_worker(client, "bench-real", LedgerActivities(engine), executor)
            bare = Worker(
                client,
                task_queue="bench-bare",
                workflows=[BareCase, BareMatter],
                activities=[bare_step],
                workflow_runner=workflow_runner(client.data_converter),  # as the real worker's
            )
            floor = Worker(
                client,
                task_queue="bench-floor",
                workflows=[FloorAction],
                activities=[floor_step],
                workflow_runner=workflow_runner(client.data_converter),
            )
            async with real, bare, floor:
                warm_up = f"BZ-2026-{next(_ids):05d}"
                await run_standard_case(client, "bench-real", warm_up)
                shape = await measure_shape(client, warm_up)
                kinds: dict[str, Callable[[str], Awaitable[None]]] = {
                    STANDARD: lambda cid: run_standard_case(client, "bench-real", cid),
                    FLOOR: lambda cid: run_floor_case(client, "bench-floor", cid, shape),
                    BARE: lambda cid: run_bare_case(client, "bench-bare", cid, shape),
                }
                sizes = {STANDARD: await per_case(client, [warm_up, *_matters(warm_up)])}
                for kind, run_sample in ((FLOOR, run_floor_case), (BARE, run_bare_case)):
                    sample = f"BZ-2026-{next(_ids):05d}"
                    queue = "bench-floor" if kind == FLOOR else "bench-bare"
                    await run_sample(client, queue, sample, shape)
                    children = (
                        [f"{sample}/{n}" for n in range(shape.matters)] if kind == BARE else []
                    )
                    sizes[kind] = await per_case(client, [sample, *children])
                rates: dict[str, list[float]] = {kind: [] for kind in kinds}
                for run in range(runs):
                    order = list(kinds) if run % 2 == 0 else list(reversed(kinds))  # alternated
                    for kind in order:
                        rates[kind].append(await throughput(kinds[kind], cases, concurrency))
                        print(f"run {run + 1}/{runs} {kind}: {rates[kind][-1]:.2f} cases/s")
    return _report(shape, cases, concurrency, runs, rates, sizes)


def _matters(case_id: str) -> list[str]:
    return [f"{case_id}/{code}" for code in MATTERS]


def _report(shape, cases, concurrency, runs, rates, sizes) -> list[str]:
    def ratio(baseline: str) -> str:
        each = [b / s for s, b in zip(rates[STANDARD], rates[baseline], strict=True)]
        runs_text = ", ".join(f"{r:.2f}" for r in each)
        return f"median **{statistics.median(each):.2f}x** (runs {runs_text})"

    return [
        "# Engine overhead",
        "",
        f"{cases} cases per run at concurrency {concurrency}, {runs} runs, kinds alternated.",
        f"Shape of one standard case: `{shape.model_dump()}`, {human_actions(shape)} human",
        "actions (activities count regular and local ones).",
        "",
        "| kind | median cases/s | min | max | events per case | workflow tasks per case "
        "| history KB per case |",
        "|---|---|---|---|---|---|---|",
        *(
            f"| {kind} | {statistics.median(r):.2f} | {min(r):.2f} | {max(r):.2f} "
            f"| {sizes[kind][0]} | {sizes[kind][1]} | {sizes[kind][2]:.0f} |"
            for kind, r in rates.items()
        ),
        "",
        f"- Engine floor / standard (same run): {ratio(FLOOR)}.",
        f"- Bare copy of the old shape / standard (same run): {ratio(BARE)}.",
        "",
    ]


if __name__ == "__main__":
    parser = argparse.ArgumentParser(prog="python -m bench.engine_overhead")
    parser.add_argument("--cases", type=int, default=30)
    parser.add_argument("--concurrency", type=int, default=10)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    report = asyncio.run(main(args.cases, args.concurrency, args.runs))
    publish("engine_overhead", report)
