"""How a case's cost grows with its matters: 1 to 13 matters of the 博州 catalogue.

    .venv/bin/python -m bench.matters_per_case [--sizes 1 3 6 13] [--cases 12] [--concurrency 4]

Each size drives ``--cases`` cases to the archive (every matter accepted and approved as
soon as its dependencies are; no corrections) on the embedded dev server, and reports
cases and matters per second, the wall time of one case, and the history events of the
case workflow and of all its workflows. Writes bench/results/matters_per_case.md.
"""

import argparse
import asyncio
import itertools
import statistics
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from temporalio.client import Client

from activities.ledger import LedgerActivities
from bench.machine import publish
from bench.standard_case import run_case
from logs import configure_logging
from policies.registry import PACKS
from store.db import create_schema, make_engine
from temporal_dev import connect_when_up, dev_server
from temporal_worker import build_worker

PACK = PACKS["BZ"]

TASK_QUEUE = "bench-matters"
# The catalogue in an order where every matter comes after the ones it depends on, so the
# first N are a valid case: independent matters first, then the planning chain.
ORDER = [
    "enterprise-registration",
    "land-preexamination",
    "energy-review",
    "eia-report-table",
    "water-permit",
    "project-filing",
    "food-licence",
    "temporary-land-use",
    "project-approval",
    "land-planning-permit",
    "eia-report-book",
    "construction-planning-permit",
    "construction-permit",
]
_ids = itertools.count(1)


async def events(client: Client, workflow_id: str) -> int:
    return len((await client.get_workflow_handle(workflow_id).fetch_history()).events)


async def measure(client: Client, size: int, cases: int, concurrency: int) -> tuple:
    matters = ORDER[:size]
    gate = asyncio.Semaphore(concurrency)
    walls: list[float] = []
    ids: list[str] = []

    async def one() -> None:
        async with gate:
            case_id = f"BZ-2026-{next(_ids):05d}"
            begun = time.perf_counter()
            await run_case(client, TASK_QUEUE, case_id, matters)
            walls.append(time.perf_counter() - begun)
            ids.append(case_id)

    started = time.perf_counter()
    await asyncio.gather(*(one() for _ in range(cases)))
    elapsed = time.perf_counter() - started
    case_events = await events(client, ids[0])
    all_events = case_events + sum([await events(client, f"{ids[0]}/{m}") for m in matters])
    return (
        size,
        cases / elapsed,
        cases * size / elapsed,
        statistics.median(walls),
        case_events,
        all_events,
    )


async def main(sizes: list[int], cases: int, concurrency: int) -> list[str]:
    assert {m.code for m in PACK.matters} == set(ORDER)
    configure_logging("json", "WARNING")
    rows = []
    with tempfile.TemporaryDirectory() as tmp, dev_server(Path(tmp) / "temporal.db") as address:
        client = await connect_when_up(address)
        engine = make_engine(f"sqlite:///{tmp}/daiban.db")
        create_schema(engine)
        with ThreadPoolExecutor(16) as executor:
            async with build_worker(client, TASK_QUEUE, LedgerActivities(engine), executor):
                await measure(client, 1, 2, 2)  # warm-up: imports, sandbox, SQLite pages
                for size in sizes:
                    row = await measure(client, size, cases, concurrency)
                    rows.append(row)
                    print(
                        f"{size:2} matters: {row[1]:.2f} cases/s, {row[2]:.1f} matters/s, "
                        f"one case {row[3]:.1f} s, {row[4]} case events, {row[5]} in all",
                        flush=True,
                    )
    return [
        "# Cost of a case against its number of matters",
        "",
        f"{cases} cases per size at concurrency {concurrency}; every matter accepted and",
        "approved as soon as its dependencies are, no corrections; delivery, evaluation and",
        "the feedback report as in the standard case. Worker and driver in one process.",
        "",
        "| matters | cases/s | matters/s | one case, median s | case history events | "
        "events, all its workflows |",
        "|---|---|---|---|---|---|",
        *(f"| {r[0]} | {r[1]:.2f} | {r[2]:.1f} | {r[3]:.1f} | {r[4]} | {r[5]} |" for r in rows),
        "",
    ]


if __name__ == "__main__":
    parser = argparse.ArgumentParser(prog="python -m bench.matters_per_case")
    parser.add_argument("--sizes", type=int, nargs="+", default=[1, 3, 6, 13])
    parser.add_argument("--cases", type=int, default=12)
    parser.add_argument("--concurrency", type=int, default=4)
    args = parser.parse_args()
    publish("matters_per_case", asyncio.run(main(args.sizes, args.cases, args.concurrency)))
