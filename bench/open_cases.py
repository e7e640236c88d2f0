"""Scale: worker memory and acceptance latency as open cases accumulate, at 1 and 10 actors.

    .venv/bin/python -m bench.open_cases [--levels 100 1000 10000] [--sample 40]

Each level opens cases up to that count (review and plan done, two matters handed over,
so four workflows per case stay open), then times acceptances with the Temporal client:
``sample`` one at a time, then ``5 * sample`` from 10 concurrent actors, each beside the
engine's floor (a trivial update with one local activity) measured at that level with the
same actors. Writes bench/results/open_cases.md.
"""

import argparse
import asyncio
import statistics
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from temporalio.client import Client
from temporalio.worker import Worker

from activities.ledger import LedgerActivities
from bench.action_latency import (
    FLOOR_QUEUE,
    FLOOR_SHAPE,
    FLOOR_SHAPES,
    TASK_QUEUE,
    floor_targets,
    latencies,
    open_cases,
    percentile,
)
from bench.baseline import FloorAction, floor_step
from bench.machine import publish
from bench.standard_case import department_of
from domain.actions import AcceptMatter
from logs import configure_logging
from store.db import create_schema, make_engine
from temporal_dev import connect_when_up, dev_server
from temporal_runner import workflow_runner
from temporal_worker import build_worker
from workflows.matter import MatterWorkflow

ACTORS = (1, 10)


def rss_mib() -> float:
    with open("/proc/self/status", encoding="utf-8") as status:
        kb = next(int(line.split()[1]) for line in status if line.startswith("VmRSS"))
    return kb / 1024


def _acceptance(client: Client):
    async def act(case_id: str, matter: str) -> None:
        await client.get_workflow_handle(f"{case_id}/{matter}").execute_update(
            MatterWorkflow.accept, AcceptMatter(actor=department_of(matter))
        )

    return act


def _floor(client: Client):
    extras = FLOOR_SHAPES[FLOOR_SHAPE]

    async def act(workflow_id: str, _sink: str) -> None:
        await client.get_workflow_handle(workflow_id).execute_update(FloorAction.act, extras)

    return act


async def main(levels: list[int], sample: int) -> list[str]:
    configure_logging("json", "WARNING")
    rows = []
    with tempfile.TemporaryDirectory() as tmp, dev_server(Path(tmp) / "temporal.db") as address:
        client = await connect_when_up(address)
        engine = make_engine(f"sqlite:///{tmp}/daiban.db")
        create_schema(engine)
        with ThreadPoolExecutor(16) as executor:
            floor_worker = Worker(
                client,
                task_queue=FLOOR_QUEUE,
                workflows=[FloorAction],
                activities=[floor_step],
                workflow_runner=workflow_runner(client.data_converter),  # as the real worker's
            )
            async with (
                build_worker(client, TASK_QUEUE, LedgerActivities(engine), executor),
                floor_worker,
            ):
                opened = 0
                for level in levels:
                    needed = sum(sample * (1 if a == 1 else 5) for a in ACTORS)
                    started = time.perf_counter()
                    targets = await open_cases(client, engine, level - opened)
                    opening = len(targets) / 2 / (time.perf_counter() - started)
                    opened = level
                    pool = targets[-needed:]
                    for actors in ACTORS:
                        count = sample if actors == 1 else 5 * sample
                        chosen, pool = pool[:count], pool[count:]
                        floor = await latencies(
                            _floor(client), await floor_targets(client, count), actors
                        )
                        accept = await latencies(_acceptance(client), chosen, actors)
                        row = (
                            level,
                            actors,
                            rss_mib(),
                            1000 * statistics.median(floor),
                            1000 * statistics.median(accept),
                            1000 * percentile(accept, 0.99),
                            statistics.median(accept) / statistics.median(floor),
                            opening,
                        )
                        rows.append(row)
                        print(
                            f"{level} open, {actors} actors: RSS {row[2]:.0f} MiB, floor p50 "
                            f"{row[3]:.1f} ms, accept p50 {row[4]:.1f} / p99 {row[5]:.1f} ms "
                            f"({row[6]:.2f}x), opened at {row[7]:.1f} cases/s",
                            flush=True,
                        )
    return [
        "# Open cases: worker memory and latency",
        "",
        "Worker and driver in one process (RSS below), worker cache 1,000 workflows; each case",
        f"holds four open workflows. Latency: {sample} acceptances one at a time, then",
        f"{5 * sample} from 10 concurrent actors, each beside the floor (a trivial update with",
        "one local activity) timed at the same level with the same actors.",
        "",
        "| open cases | actors | RSS MiB | floor p50 ms | accept p50 ms | accept p99 ms "
        "| p50 / floor | cases opened per s |",
        "|---|---|---|---|---|---|---|---|",
        *(
            f"| {r[0]} | {r[1]} | {r[2]:.0f} | {r[3]:.1f} | {r[4]:.1f} | {r[5]:.1f} "
            f"| {r[6]:.2f}x | {r[7]:.1f} |"
            for r in rows
        ),
        "",
    ]


if __name__ == "__main__":
    parser = argparse.ArgumentParser(prog="python -m bench.open_cases")
    parser.add_argument("--levels", type=int, nargs="+", default=[100, 1000])
    parser.add_argument("--sample", type=int, default=40)
    args = parser.parse_args()
    report = asyncio.run(main(args.levels, args.sample))
    publish("open_cases", report)
