"""Scale: process memory (worker + driver) and acceptance latency as open cases accumulate.

    .venv/bin/python -m bench.open_cases [--levels 100 1000] [--sample 40]

Each level opens cases up to that count (review and plan done, two matters handed over,
so four workflows per case stay open), then times a sample of acceptances with the
Temporal client, one at a time. Writes bench/results/open_cases.md.
"""

import argparse
import asyncio
import statistics
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from activities.ledger import LedgerActivities
from bench.action_latency import TASK_QUEUE, open_cases, percentile
from bench.machine import publish
from bench.standard_case import department_of
from domain.actions import AcceptMatter
from logs import configure_logging
from store.db import create_schema, make_engine
from temporal_dev import connect_when_up, dev_server
from temporal_worker import build_worker
from workflows.matter import MatterWorkflow


def rss_mib() -> float:
    with open("/proc/self/status", encoding="utf-8") as status:
        kb = next(int(line.split()[1]) for line in status if line.startswith("VmRSS"))
    return kb / 1024


async def main(levels: list[int], sample: int) -> list[str]:
    configure_logging("json", "WARNING")
    rows = []
    with tempfile.TemporaryDirectory() as tmp, dev_server(Path(tmp) / "temporal.db") as address:
        client = await connect_when_up(address)
        engine = make_engine(f"sqlite:///{tmp}/daiban.db")
        create_schema(engine)
        with ThreadPoolExecutor(16) as executor:
            async with build_worker(client, TASK_QUEUE, LedgerActivities(engine), executor):
                opened = 0
                for level in levels:
                    started = time.perf_counter()
                    targets = await open_cases(client, engine, level - opened)
                    opening = time.perf_counter() - started
                    opened = level
                    latencies = []
                    for case_id, matter in targets[-sample:]:
                        begun = time.perf_counter()
                        await client.get_workflow_handle(f"{case_id}/{matter}").execute_update(
                            MatterWorkflow.accept, AcceptMatter(actor=department_of(matter))
                        )
                        latencies.append(1000 * (time.perf_counter() - begun))
                    row = (
                        level,
                        rss_mib(),
                        statistics.median(latencies),
                        percentile(latencies, 0.99),
                        len(targets) / 2 / opening,
                    )
                    rows.append(row)
                    print(
                        f"{level} open cases: RSS {row[1]:.0f} MiB, accept p50 {row[2]:.0f} ms, "
                        f"p99 {row[3]:.0f} ms, opened at {row[4]:.1f} cases/s"
                    )
    lines = [
        "# Open cases: memory and latency",
        "",
        "Worker and driver in one process (RSS below), worker cache 1,000 workflows; each case",
        f"holds four open workflows. Latency: {sample} acceptances one at a time per level.",
        "",
        "| open cases | RSS MiB | accept p50 ms | accept p99 ms | cases opened per s |",
        "|---|---|---|---|---|",
        *(f"| {r[0]} | {r[1]:.0f} | {r[2]:.0f} | {r[3]:.0f} | {r[4]:.1f} |" for r in rows),
        "",
    ]
    return lines


if __name__ == "__main__":
    parser = argparse.ArgumentParser(prog="python -m bench.open_cases")
    parser.add_argument("--levels", type=int, nargs="+", default=[100, 1000])
    parser.add_argument("--sample", type=int, default=40)
    args = parser.parse_args()
    report = asyncio.run(main(args.levels, args.sample))
    publish("open_cases", report)
